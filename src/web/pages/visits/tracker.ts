import { useSyncExternalStore } from 'react';
import { enqueue, flush, type SubmitResult, submit } from '../../app/offline.js';
import { uuid } from '../cases/queries.js';
import { visitKeys } from './queries.js';

/**
 * The patrol being walked: records positions (navigator.geolocation.watchPosition) and sends them
 * in batches through the outbox (every 30 s or 20 points), so a dead spot loses nothing. It lives
 * outside React: it keeps recording while the worker fills in a report or a visit, and resumes after
 * a reload (the open patrol is remembered in localStorage for its user).
 */

export interface TrackPoint {
  lat: number;
  lng: number;
  at: string;
}

export type GeoState = 'idle' | 'watching' | 'denied' | 'unsupported' | 'error';

export interface TrackerState {
  patrolId: number | null;
  userId: number | null;
  startedAt: string | null;
  areaName: string | null;
  geo: GeoState;
  accuracy: number | null;
  /** Recorded, not yet handed to the outbox. */
  buffer: TrackPoint[];
  last: TrackPoint | null;
  /** When this phone started recording it (a server answer older than that says nothing of it). */
  since: number;
}

const STORAGE_KEY = 'jy_patrol';
const BATCH_MS = 30_000;
const BATCH_POINTS = 20;
/** Fixes worse than this are ignored (metres). */
const MAX_ACCURACY = 150;
/** A fix this close to the last one, within a minute, adds nothing. */
const MIN_STEP_M = 5;

const idle: TrackerState = {
  patrolId: null,
  userId: null,
  startedAt: null,
  areaName: null,
  geo: 'idle',
  accuracy: null,
  buffer: [],
  last: null,
  since: 0,
};
let state: TrackerState = idle;
let watchId: number | null = null;
let timer: ReturnType<typeof setInterval> | null = null;
const listeners = new Set<() => void>();
/** Patrols ended on this phone (a stale "my day" must not restart them). */
const ended = new Set<number>();

function set(patch: Partial<TrackerState>) {
  state = { ...state, ...patch };
  for (const l of listeners) l();
}

export function subscribeTracker(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useTracker(): TrackerState {
  return useSyncExternalStore(
    subscribeTracker,
    () => state,
    () => state,
  );
}

/** Metres between two points (equirectangular: fine for the steps of a walk). */
export function metres(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const x = (((lng2 - lng1) * Math.PI) / 180) * Math.cos((((lat1 + lat2) / 2) * Math.PI) / 180);
  const y = ((lat2 - lat1) * Math.PI) / 180;
  return Math.sqrt(x * x + y * y) * 6_371_000;
}

export function pathLength(points: { lat: number; lng: number }[]): number {
  let d = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    d += metres(a.lat, a.lng, b.lat, b.lng);
  }
  return d;
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

function remember(s: TrackerState | null) {
  try {
    if (!s?.patrolId) localStorage.removeItem(STORAGE_KEY);
    else
      localStorage.setItem(
        STORAGE_KEY,
        JSON.stringify({ id: s.patrolId, userId: s.userId, startedAt: s.startedAt, areaName: s.areaName }),
      );
  } catch {
    // storage disabled: the tracker resumes from "my day" instead
  }
}

/** Hand the recorded points to the outbox (one batch) and try to send. */
export async function sendBatch(): Promise<void> {
  const { patrolId, userId, buffer, areaName } = state;
  if (!patrolId || userId === null || buffer.length === 0) return;
  set({ buffer: [] });
  for (let i = 0; i < buffer.length; i += 500) {
    const points = buffer.slice(i, i + 500);
    await enqueue({
      key: uuid(),
      userId,
      kind: 'patrol.points',
      label: `${areaName ?? ''} · ${points.length}`,
      url: `/api/patrols/${patrolId}/points`,
      body: { points },
      invalidate: [[...visitKeys.patrol(patrolId)]],
      // The patrol ended meanwhile (elsewhere, or its end went first): nothing left to add them to.
      settledBy: ['CASE_RULE'],
      meta: { patrolId, count: points.length },
    });
  }
  void flush(userId);
}

function onFix(pos: GeolocationPosition) {
  const acc = pos.coords.accuracy;
  set({ geo: 'watching', accuracy: Number.isFinite(acc) ? Math.round(acc) : null });
  if (Number.isFinite(acc) && acc > MAX_ACCURACY) return;
  const p: TrackPoint = {
    lat: round6(pos.coords.latitude),
    lng: round6(pos.coords.longitude),
    at: new Date(pos.timestamp || Date.now()).toISOString(),
  };
  const last = state.last;
  if (
    last &&
    metres(last.lat, last.lng, p.lat, p.lng) < MIN_STEP_M &&
    Date.parse(p.at) - Date.parse(last.at) < 60_000
  ) {
    return;
  }
  set({ buffer: [...state.buffer, p], last: p });
  if (state.buffer.length >= BATCH_POINTS) void sendBatch();
}

function onGeoError(err: GeolocationPositionError) {
  // Denied: the patrol still runs, on time alone. Other errors (no fix yet) keep watching.
  if (err.code === err.PERMISSION_DENIED) {
    if (watchId !== null) navigator.geolocation.clearWatch(watchId);
    watchId = null;
    set({ geo: 'denied' });
  } else if (state.geo !== 'watching') {
    set({ geo: 'error' });
  }
}

/** Start (or keep) recording the patrol. */
export function startTracking(p: { patrolId: number; userId: number; startedAt: string; areaName: string }) {
  if (ended.has(p.patrolId)) return;
  if (state.patrolId === p.patrolId && state.userId === p.userId) return;
  if (state.patrolId) void stopTracking();
  state = { ...idle, ...p, since: Date.now() };
  remember(state);
  if (typeof navigator === 'undefined' || !('geolocation' in navigator)) {
    set({ geo: 'unsupported' });
  } else {
    set({ geo: 'idle' });
    try {
      watchId = navigator.geolocation.watchPosition(onFix, onGeoError, {
        enableHighAccuracy: true,
        maximumAge: 10_000,
        timeout: 60_000,
      });
    } catch {
      set({ geo: 'error' });
    }
  }
  timer = setInterval(() => void sendBatch(), BATCH_MS);
}

/** Stop recording (what was recorded goes to the outbox first). */
export async function stopTracking(): Promise<void> {
  if (watchId !== null) navigator.geolocation.clearWatch(watchId);
  watchId = null;
  if (timer) clearInterval(timer);
  timer = null;
  await sendBatch();
  state = idle;
  remember(null);
  for (const l of listeners) l();
}

/** After a reload: carry on recording the patrol this user left open. */
export function resumeTracking(userId: number) {
  if (state.patrolId) return;
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return;
    const s = JSON.parse(raw) as { id?: number; userId?: number; startedAt?: string; areaName?: string };
    if (s.id && s.userId === userId && s.startedAt) {
      startTracking({ patrolId: s.id, userId, startedAt: s.startedAt, areaName: s.areaName ?? '' });
    }
  } catch {
    // nothing to resume
  }
}

/** The server says this patrol is over (finished elsewhere): forget it. */
export function forgetPatrol(patrolId: number) {
  ended.add(patrolId);
  if (state.patrolId === patrolId) void stopTracking();
}

/**
 * End the patrol: the last points, then the finish, both through the outbox (so it ends even in a
 * dead spot; the server gets it when the connection returns).
 */
export async function finishPatrol(
  p: { patrolId: number; userId: number; areaName: string },
  note?: string,
): Promise<SubmitResult<unknown>> {
  ended.add(p.patrolId);
  if (state.patrolId === p.patrolId) await stopTracking();
  const r = await submit({
    key: uuid(),
    userId: p.userId,
    kind: 'patrol.finish',
    label: p.areaName,
    url: `/api/patrols/${p.patrolId}/finish`,
    body: note?.trim() ? { note: note.trim() } : {},
    invalidate: [[...visitKeys.patrols], [...visitKeys.myDayAll], [...visitKeys.all]],
    // "The patrol has ended": a replay of a finish whose answer was lost (the route has no key).
    settledBy: ['CASE_RULE'],
    meta: { patrolId: p.patrolId },
  });
  // Refused (e.g. ended elsewhere already): nothing was ended here.
  if (r.status === 'failed') ended.delete(p.patrolId);
  return r;
}
