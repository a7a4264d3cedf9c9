import { z } from 'zod';

/** Numeric database id as it appears in paths and bodies. */
export const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const IdParams = z.strictObject({ id: Id });

/** One style for every list: page (1-based), pageSize (≤ 100), sort (`field` or `-field`), q. */
export const ListQuery = z.strictObject({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  sort: z
    .string()
    .regex(/^-?[a-zA-Z][a-zA-Z0-9]{0,39}$/)
    .optional(),
  q: z.string().trim().max(100).optional(),
});
export type ListQuery = z.infer<typeof ListQuery>;

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    /**
     * false: `total` is the planner's estimate (a count that would cost more than a page is not
     * made; the UI says "约 63,000 条"); absent or true: the exact count (platform/db/count.ts)
     */
    totalExact: z.boolean().optional(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });
}
export type Page<T> = { items: T[]; total: number; totalExact?: boolean; page: number; pageSize: number };

/**
 * A list's `sort` as the fields it may be sorted by: `field` ascending, `-field` descending.
 * Anything else is a 400 naming `query.sort` (the contract, not the service, says what sorts).
 */
export function sortParam<const F extends string>(fields: readonly F[]) {
  const values = fields.flatMap((f) => [f, `-${f}`]) as [`${F}` | `-${F}`, ...(`${F}` | `-${F}`)[]];
  return z.enum(values).optional();
}

export const ErrorIssue = z.object({
  path: z.string(),
  code: z.string(),
  message: z.string(),
});
export type ErrorIssue = z.infer<typeof ErrorIssue>;

/** The one error envelope every route answers with. */
export const ErrorEnvelope = z.object({
  code: z.string(),
  message: z.string(),
  requestId: z.string().optional(),
  issues: z.array(ErrorIssue).optional(),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

export const Ok = z.object({ ok: z.literal(true) });

/** Abilities the actor has on a record; the UI enables buttons from these. */
export const Abilities = z.array(z.string());

export const Lang = z.enum(['zh-CN', 'en']);
export type Lang = z.infer<typeof Lang>;

/**
 * A bilingual validation message for custom checks in the contract: the server picks the half
 * for the request's language (see platform/errors/issues.ts), the web app does the same.
 */
export const msg = (zh: string, en: string) => `${zh}||${en}`;
export function pickMsg(message: string, lang: 'zh' | 'en'): string {
  const i = message.indexOf('||');
  if (i < 0) return message;
  return lang === 'zh' ? message.slice(0, i) : message.slice(i + 2);
}

/** The Idempotency-Key header of creates (STANDARDS: same key and body → the same record). */
export const IdempotencyKey = z
  .string()
  .trim()
  .min(8)
  .max(100)
  .regex(
    /^[A-Za-z0-9._:-]+$/,
    msg('Idempotency-Key 只能包含字母、数字和 . _ : -', 'Idempotency-Key: letters, digits and . _ : - only'),
  );
