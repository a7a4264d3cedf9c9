import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Page } from '../../../contract/common.js';
import type { Booking, Room, Usage } from '../../../contract/venues.js';
import { api, type Query } from '../../app/api.js';

export type { Booking, Room, Usage };

export const fetchRooms = (q: Query) => api.get<Page<Room>>('/api/venues/rooms', q);
export const useRooms = (q: Query) =>
  useQuery({ queryKey: ['venues', 'rooms', q], queryFn: () => fetchRooms(q) });
export const useBookings = (q: Query) =>
  useQuery({
    queryKey: ['venues', 'bookings', q],
    queryFn: () => api.get<Page<Booking>>('/api/venues/bookings', q),
  });
export const useUsage = (q: Query, enabled: boolean) =>
  useQuery({
    queryKey: ['venues', 'usage', q],
    queryFn: () => api.get<Usage>('/api/venues/usage', q),
    enabled,
  });

/** Every venue query moves together after a change. */
export function useVenueAction<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['venues'] }),
  });
}

const TZ = 8 * 3_600_000;
/** China date (YYYY-MM-DD) of an instant. */
export const chinaDay = (d: Date) => new Date(d.getTime() + TZ).toISOString().slice(0, 10);
/** HH:MM China time of an ISO instant. */
export const chinaTime = (iso: string) => new Date(new Date(iso).getTime() + TZ).toISOString().slice(11, 16);
/** The Monday of the week holding a China date. */
export function mondayOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const dow = d.getUTCDay() === 0 ? 7 : d.getUTCDay();
  return new Date(d.getTime() - (dow - 1) * 86_400_000).toISOString().slice(0, 10);
}
export const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
