// What the benchmarks share: figures' formatting, and the drills' HTTP client and sessions.
export { call, closeAgent, int, login, type Res, type Session, withDb } from '../scripts/lib/drill.js';
export { installGuard, onCleanup, track } from '../scripts/lib/guard.js';

export const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

/** The p-th percentile (nearest rank) of `xs`; NaN when empty. */
export const pct = (xs: number[], p: number) => {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
