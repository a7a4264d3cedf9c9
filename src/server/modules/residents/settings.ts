import { z } from 'zod';
import type { Services } from '../../platform/services.js';

/**
 * The resident channel's settings (settings key `residents`; defaults below, used while none is
 * stored). ⚠ The numbers are defaults chosen here, not a rule found in the brief: configurable.
 */
export const ResidentSettings = z.object({
  /** Absolute session lifetime of a resident, hours (staff: 12). */
  sessionHours: z.number().int().min(1).max(12).default(2),
  /** A sign-in code is valid this long. */
  codeMinutes: z.number().int().min(1).max(30).default(5),
  /** Wait between two codes for one number. */
  resendSeconds: z.number().int().min(0).max(600).default(60),
  codesPerPhonePerHour: z.number().int().min(1).max(100).default(5),
  codesPerAddressPerHour: z.number().int().min(1).max(10_000).default(30),
  /** Binding attempts per account and hour (name + ID number guesses). */
  bindAttemptsPerHour: z.number().int().min(1).max(100).default(5),
});
export type ResidentSettings = z.infer<typeof ResidentSettings>;

export async function residentSettings(s: Services): Promise<ResidentSettings> {
  const row = await s.db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', 'residents')
    .executeTakeFirst();
  const parsed = ResidentSettings.safeParse(row?.value ?? {});
  return parsed.success ? parsed.data : ResidentSettings.parse({});
}
