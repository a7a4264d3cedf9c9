import { AppError } from '../errors/app-error.js';

/**
 * At most `limit` events per key within a sliding `windowMs`, counted in this process's memory.
 * For reads that write nothing (searches): the limits on writes and reveals are counted in the
 * database (login throttle, audit log), which every instance shares; this one is per instance,
 * so N instances allow N times the limit — still far below what bulk enumeration needs.
 */
export class SlidingWindow {
  private readonly hits = new Map<string | number, number[]>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => Date,
  ) {}

  /** Counts one event for `key`, or throws RATE_LIMITED (429) when the window is full. */
  take(key: string | number): void {
    const t = this.now().getTime();
    const since = t - this.windowMs;
    const list = (this.hits.get(key) ?? []).filter((x) => x > since);
    if (list.length >= this.limit) {
      this.hits.set(key, list);
      throw new AppError('RATE_LIMITED');
    }
    list.push(t);
    this.hits.set(key, list);
    // Keys whose window has passed are dropped now and then, so the map stays small.
    if (this.hits.size > 10_000) {
      for (const [k, v] of this.hits) if (!v.some((x) => x > since)) this.hits.delete(k);
    }
  }
}
