import { z } from 'zod';
import { CORRECTION_CATEGORIES, DISABILITY_KINDS, KEY_YOUTH_TYPES, MENTAL_RISK_LEVELS } from './codes.js';

/**
 * Care and attention groups (DOMAIN §3) as tags on people, each with its own fields. Every tag
 * is sensitive: a role sees a tag only with the permission `tag.<code>`; without it the tag, its
 * fields, its filter and its figures do not exist for that role.
 *
 * `identifiers` names the fields that carry an identifier (a certificate number, a bank account,
 * another ID): they are treated like the 公民身份号码 — masked in every answer, revealed one field
 * of one record with a purpose (audited, counted in the reveal limit), and a masked value sent
 * back never overwrites the stored one. A field that can hold a number of a person belongs here.
 */
const date = z.iso.date();
const codeOf = (codes: { code: string }[]) => z.enum(codes.map((c) => c.code) as [string, ...string[]]);

export const TAGS = {
  dibao: {
    zh: '低保',
    en: 'Minimum living allowance',
    group: 'care',
    fields: z.strictObject({
      amount: z.number().min(0).max(100000).optional(),
      startDate: date.optional(),
      endDate: date.optional(),
    }),
  },
  disability: {
    zh: '残疾',
    en: 'Disability',
    group: 'care',
    fields: z.strictObject({
      kind: codeOf(DISABILITY_KINDS).optional(),
      level: z.number().int().min(1).max(4).optional(),
      // 残疾人证号: the holder's 公民身份号码 followed by the kind and level digits.
      certNo: z.string().max(40).optional(),
    }),
    identifiers: ['certNo'],
  },
  elderly_alone: {
    zh: '孤寡老人',
    en: 'Elderly without family',
    group: 'care',
    fields: z.strictObject({ note: z.string().max(200).optional() }),
  },
  empty_nest: {
    zh: '空巢老人',
    en: 'Empty-nest elderly',
    group: 'care',
    fields: z.strictObject({ note: z.string().max(200).optional() }),
  },
  living_alone: {
    zh: '独居老人',
    en: 'Elderly living alone',
    group: 'care',
    fields: z.strictObject({ note: z.string().max(200).optional() }),
  },
  hardship: {
    zh: '困难家庭',
    en: 'Family in hardship',
    group: 'care',
    fields: z.strictObject({ reason: z.string().max(200).optional() }),
  },
  unemployed: {
    zh: '失业',
    en: 'Unemployed',
    group: 'care',
    fields: z.strictObject({ since: date.optional(), registered: z.boolean().optional() }),
  },
  veteran: {
    zh: '退役军人',
    en: 'Veteran',
    group: 'care',
    fields: z.strictObject({ retiredOn: date.optional(), note: z.string().max(200).optional() }),
  },
  left_behind: {
    zh: '留守儿童',
    en: 'Left-behind child',
    group: 'care',
    fields: z.strictObject({ guardian: z.string().max(40).optional() }),
  },
  released: {
    zh: '刑满释放',
    en: 'Released prisoner',
    group: 'attention',
    // 帮教 "三定": a named helper (定人), a responsibility (定责), measures (定措施).
    fields: z.strictObject({
      releaseDate: date.optional(),
      helper: z.string().max(40).optional(),
      responsibility: z.string().max(200).optional(),
      measures: z.string().max(500).optional(),
    }),
  },
  correction: {
    zh: '社区矫正',
    en: 'Community correction',
    group: 'attention',
    fields: z.strictObject({
      category: codeOf(CORRECTION_CATEGORIES).optional(),
      startDate: date.optional(),
      endDate: date.optional(),
    }),
  },
  petition: {
    zh: '信访关注',
    en: 'Petitioner under attention',
    group: 'attention',
    fields: z.strictObject({ matter: z.string().max(500).optional() }),
  },
  key_youth: {
    zh: '重点青少年',
    en: 'Key youth',
    group: 'attention',
    fields: z.strictObject({
      type: codeOf(KEY_YOUTH_TYPES).optional(),
      note: z.string().max(200).optional(),
    }),
  },
  mental: {
    zh: '严重精神障碍',
    en: 'Severe mental disorder',
    group: 'attention',
    fields: z.strictObject({
      riskLevel: codeOf(MENTAL_RISK_LEVELS).optional(),
      guardian: z.string().max(40).optional(),
    }),
  },
  dispute_family: {
    zh: '纠纷家庭',
    en: 'Family in dispute',
    group: 'attention',
    fields: z.strictObject({ note: z.string().max(200).optional() }),
  },
} as const satisfies Record<
  string,
  {
    zh: string;
    en: string;
    group: 'care' | 'attention';
    fields: z.ZodType;
    identifiers?: readonly string[];
  }
>;

export type TagCode = keyof typeof TAGS;
export const TAG_CODES = Object.keys(TAGS) as TagCode[];
export const TagCodeSchema = z.enum(TAG_CODES as [TagCode, ...TagCode[]]);
export const tagPermission = (code: TagCode) => `tag.${code}`;

/** The fields of a tag that carry an identifier (masked, revealed like an ID number). */
export function tagIdentifiers(code: TagCode): readonly string[] {
  const def = TAGS[code] as { identifiers?: readonly string[] };
  return def.identifiers ?? [];
}

/** Every identifier field of every tag as a reveal field name: `tag.<code>.<field>`. */
export const TAG_REVEAL_FIELDS = TAG_CODES.flatMap((c) => tagIdentifiers(c).map((f) => `tag.${c}.${f}`));

/** `tag.<code>.<field>` → the tag and field, when it names an identifier field of a tag. */
export function parseTagRevealField(field: string): { tag: TagCode; key: string } | null {
  const m = /^tag\.([a-z_]+)\.([A-Za-z]+)$/.exec(field);
  if (!m || !(m[1]! in TAGS)) return null;
  const tag = m[1] as TagCode;
  return tagIdentifiers(tag).includes(m[2]!) ? { tag, key: m[2]! } : null;
}
