import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  Activity,
  CheckResult as CheckResultSchema,
  MyHours as MyHoursSchema,
  QrCode as QrCodeSchema,
  RollEntry,
  SignupResult as SignupResultSchema,
} from '../../../contract/activities.js';
import type { Page } from '../../../contract/common.js';
import type { Certificate, Volunteer } from '../../../contract/volunteers.js';
import { api, type Query } from '../../app/api.js';
import { fmtTime } from '../../app/time.js';

export type { Activity, Certificate, RollEntry, Volunteer };
export type QrCode = z.infer<typeof QrCodeSchema>;
export type CheckResult = z.infer<typeof CheckResultSchema>;
export type MyHours = z.infer<typeof MyHoursSchema>;
export type SignupResult = z.infer<typeof SignupResultSchema>;

export const fetchActivities = (q: Query) => api.get<Page<Activity>>('/api/activities', q);
export const useActivities = (q: Query) =>
  useQuery({ queryKey: ['activities', q], queryFn: () => fetchActivities(q) });
export const useActivity = (id: number) =>
  useQuery({ queryKey: ['activity', id], queryFn: () => api.get<Activity>(`/api/activities/${id}`) });
export const useRoll = (id: number, enabled: boolean) =>
  useQuery({
    queryKey: ['activity', id, 'roll'],
    queryFn: () => api.get<RollEntry[]>(`/api/activities/${id}/roll`),
    enabled,
  });
/** The QR code turns every 30 s: asked again every 20 s while shown. */
export const useQr = (id: number, enabled: boolean) =>
  useQuery({
    queryKey: ['activity', id, 'qr'],
    queryFn: () => api.get<QrCode>(`/api/activities/${id}/qr`),
    enabled,
    refetchInterval: 20_000,
  });
export const useKinds = () =>
  useQuery({
    queryKey: ['activity-kinds'],
    queryFn: () => api.get<{ code: string; name: string; module: string }[]>('/api/activities/kinds'),
    staleTime: 3600_000,
  });
export const useMyHours = () =>
  useQuery({ queryKey: ['my-hours'], queryFn: () => api.get<MyHours>('/api/activities/my-hours') });
export const useMyVolunteer = () =>
  useQuery({ queryKey: ['volunteer-me'], queryFn: () => api.get<Volunteer | null>('/api/volunteers/me') });
export const useMyCertificates = () =>
  useQuery({
    queryKey: ['volunteer-me', 'certificates'],
    queryFn: () => api.get<Certificate[]>('/api/volunteers/me/certificates'),
  });
export const useCertificate = (id: number) =>
  useQuery({
    queryKey: ['certificate', id],
    queryFn: () => api.get<Certificate>(`/api/volunteer-certificates/${id}`),
  });
export const fetchVolunteers = (q: Query) => api.get<Page<Volunteer>>('/api/volunteers', q);
export const useVolunteers = (q: Query) =>
  useQuery({ queryKey: ['volunteers', q], queryFn: () => fetchVolunteers(q) });

/** Mutations invalidate every activity query: counts, roll and "mine" move together. */
export function useActivityAction<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['activity'] });
      void qc.invalidateQueries({ queryKey: ['activities'] });
      void qc.invalidateQueries({ queryKey: ['my-hours'] });
      void qc.invalidateQueries({ queryKey: ['volunteer-me'] });
      void qc.invalidateQueries({ queryKey: ['volunteers'] });
    },
  });
}

export const fmt = (iso: string) => fmtTime(iso, 'MM/DD HH:mm');
export const fmtDay = (iso: string) => fmtTime(iso, 'YYYY/M/D');
export const hoursOf = (min: number) => Math.round((min / 60) * 10) / 10;
