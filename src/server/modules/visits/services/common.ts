import { chinaDate } from '../../../engines/calendar/calendar.js';
import { calendarFor } from '../../../engines/calendar/store.js';
import { AppError } from '../../../platform/errors/app-error.js';
import type { Services } from '../../../platform/services.js';

/** A validation error on one field, in the request's language. */
export const field = (path: string, zh: string, en: string, lang: 'zh' | 'en') =>
  new AppError('VALIDATION_FAILED', { fields: path }, [
    { path, code: 'custom', message: lang === 'zh' ? zh : en },
  ]);

/** What every part of the visits service shares: the app, its calendar, today in China. */
export function visitsContext(s: Services) {
  return { s, timings: calendarFor(s), today: () => chinaDate(s.clock.now()) };
}
export type VisitsContext = ReturnType<typeof visitsContext>;
