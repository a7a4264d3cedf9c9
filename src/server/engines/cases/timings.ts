import type { Services } from '../../platform/services.js';
import { calendarFor } from '../calendar/store.js';
import { TimingStore } from './timing.js';

const stores = new WeakMap<Services, TimingStore>();

/** One calendar and time-limit cache per running app (its edits clear it at once). */
export function timingsFor(s: Services): TimingStore {
  let t = stores.get(s);
  if (!t) {
    t = new TimingStore(calendarFor(s));
    stores.set(s, t);
  }
  return t;
}
