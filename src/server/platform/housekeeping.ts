import { purgeExpiredSessions } from './auth/sessions.js';
import { purgeStaleThrottles } from './auth/throttle.js';
import { purgeRateCounters } from './http/rate-limit.js';
import type { Services } from './services.js';

/**
 * Periodic clean-up: sessions are refused once expired, but only deleted when presented again;
 * lockout counters are kept per name typed; shared rate counters per user. All are removed here so the tables stay small.
 * Idempotent deletes: safe when several instances run it against one database.
 */
export async function housekeep(
  s: Services,
): Promise<{ sessions: number; throttles: number; rateCounters: number }> {
  const now = s.clock.now();
  const settings = await s.settings.security();
  return {
    sessions: await purgeExpiredSessions(s.db, now, settings),
    throttles: await purgeStaleThrottles(s.db, now, settings),
    rateCounters: await purgeRateCounters(s.db, now),
  };
}

/** Runs `housekeep` now and every `everyMs`; returns the stop function. */
export function startHousekeeping(s: Services, everyMs = 15 * 60_000): () => void {
  const run = () =>
    housekeep(s).catch((e) => s.log.warn(`housekeeping failed: ${(e as Error)?.message ?? e}`));
  void run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
