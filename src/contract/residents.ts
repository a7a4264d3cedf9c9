import { z } from 'zod';
import type { Category } from './case-codes.js';
import { caseCreateSchema } from './cases.js';
import { Abilities, Id, ListQuery, msg, sortParam } from './common.js';

/**
 * The resident channel (居民端, issue 17): a resident signs in with a mobile number and a one-time
 * code, binds the account to the registry (name + ID number, matched by the ID's keyed hash) or is
 * verified by an officer at the window, and then sees their own requests and data.
 */

const mobile = z
  .string()
  .trim()
  .regex(/^1[3-9]\d{9}$/, msg('请输入11位手机号', 'Enter an 11-digit mobile number'));

export const CodeRequest = z.strictObject({ phone: mobile });
export const CodeSent = z.object({
  /** Seconds until another code may be asked for. */
  resendAfter: z.number().int(),
  /** Demo mode only (the development transport): the code, shown on screen. Never in production. */
  demoCode: z.string().optional(),
});

export const SignIn = z.strictObject({
  phone: mobile,
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, msg('验证码为6位数字', 'The code has 6 digits')),
});

export const PlaceBody = z.strictObject({ areaId: Id });
export const Place = z.object({
  id: Id,
  name: z.string(),
  kind: z.enum(['street', 'community']),
  streetName: z.string().nullable(),
});
/** 更换手机号: the code sent to the new number confirms it. */
export const PhoneChange = SignIn;

export const BindBody = z.strictObject({
  name: z.string().trim().min(1).max(40),
  idNumber: z.string().trim().min(1).max(30),
});

export const ACCOUNT_STATES = ['unverified', 'verified', 'disabled'] as const;
export const AccountState = z.enum(ACCOUNT_STATES);

/** Who may the resident act for: themselves and the household members the community linked. */
export const Member = z.object({
  personId: Id,
  name: z.string(),
  relation: z.string().nullable(),
  self: z.boolean(),
  /** A verified adult acts for them (reports, corrections). */
  mayActFor: z.boolean(),
});

export const ResidentMe = z.object({
  accountId: Id,
  state: AccountState,
  /** The number signed in with, masked. */
  phone: z.string(),
  name: z.string().nullable(),
  communityName: z.string().nullable(),
  /** Whose notices the account reads: a verified account's community; the community or street an unverified one chose. */
  place: z.object({ id: Id, name: z.string() }).nullable(),
  verifiedHow: z.enum(['match', 'officer']).nullable(),
  verifiedAt: z.string().nullable(),
  members: z.array(Member),
  unread: z.number().int(),
});
export type ResidentMe = z.infer<typeof ResidentMe>;

/** What the community holds about one person of the household, masked as for staff. */
export const HeldPerson = z.object({
  personId: Id,
  self: z.boolean(),
  name: z.string(),
  relation: z.string().nullable(),
  sex: z.string().nullable(),
  idNumber: z.string().nullable(),
  phone: z.string().nullable(),
  age: z.number().int().nullable(),
  residenceType: z.string(),
  address: z.string().nullable(),
  ethnicity: z.string().nullable(),
  education: z.string().nullable(),
  politicalStatus: z.string().nullable(),
  employer: z.string().nullable(),
});
export const MyData = z.object({
  house: z.string().nullable(),
  people: z.array(HeldPerson),
  corrections: z.array(
    z.object({ id: Id, no: z.string(), state: z.string(), reportedAt: z.string(), forName: z.string() }),
  ),
});
export type MyData = z.infer<typeof MyData>;

export const CorrectionBody = z.strictObject({
  personId: Id,
  field: z.enum(['name', 'idNumber', 'phone', 'address', 'residenceType', 'other']),
  description: z.string().trim().min(2).max(1000),
});

const Loc = z.strictObject({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) });
export const RequestReport = z.strictObject({
  category: z.string().trim().min(1).max(60),
  description: z.string().trim().min(2).max(2000),
  title: z.string().trim().min(2).max(100).optional(),
  location: Loc.optional(),
  address: z.string().trim().max(200).optional(),
  attachmentIds: z.array(Id).max(6).optional(),
  /** A household member the reporter acts for (absent: themselves). */
  forPersonId: Id.optional(),
});

export const MyRequest = z.object({
  id: Id,
  no: z.string(),
  title: z.string(),
  category: z.string(),
  state: z.string(),
  reportedAt: z.string(),
  rating: z.number().int().nullable(),
  forName: z.string().nullable(),
  /** Filed through the Open311 interface with this account's number (another app, a hotline system). */
  viaOpen311: z.boolean(),
  abilities: Abilities,
});
export const MyRequestStep = z.object({ at: z.string(), text: z.string() });
export const MyRequestDetail = MyRequest.extend({
  description: z.string(),
  address: z.string().nullable(),
  steps: z.array(MyRequestStep),
});
export const RateBody = z.strictObject({
  rating: z.number().int().min(1).max(5),
  comment: z.string().trim().max(500).optional(),
});

// —— staff side ——
export const RESIDENT_ACCOUNT_SORT = ['createdAt', 'verifiedAt', 'state'] as const;
export const ResidentAccountQuery = ListQuery.extend({
  state: AccountState.optional(),
  sort: sortParam(RESIDENT_ACCOUNT_SORT),
});
export const ResidentAccountExport = ResidentAccountQuery.omit({ page: true, pageSize: true });
export const ResidentAccount = z.object({
  id: Id,
  state: AccountState,
  phone: z.string(),
  name: z.string().nullable(),
  areaName: z.string().nullable(),
  verifiedHow: z.enum(['match', 'officer']).nullable(),
  verifiedAt: z.string().nullable(),
  verifiedBy: z.string().nullable(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
  abilities: Abilities,
});
export type ResidentAccount = z.infer<typeof ResidentAccount>;

/** The officer saw the ID card: binds the account to the person (or, re-binding, moves the person to a new account). */
export const OfficerVerify = z.strictObject({
  personId: Id,
  /** What the officer checked (e.g. 身份证原件). */
  note: z.string().trim().min(2).max(200),
});
/** Re-binding after a lost phone: the person's verified account moves to the new number's account. */
export const Rebind = z.strictObject({
  personId: Id,
  note: z.string().trim().min(2).max(200),
});

// —— 信息更正: a resident asks the community to correct what it holds (PIPL access and correction) ——
const wdays = (amount: number) => ({ amount, unit: 'wday' as const });
export const DATA_CORRECTION_CATEGORIES: Category[] = [
  { code: 'person', parent: null, zh: '个人信息', en: 'Personal data', handle: wdays(5) },
  { code: 'person.name', parent: 'person', zh: '姓名', en: 'Name' },
  { code: 'person.idNumber', parent: 'person', zh: '身份证号', en: 'ID number' },
  { code: 'person.phone', parent: 'person', zh: '联系电话', en: 'Phone' },
  { code: 'person.address', parent: 'person', zh: '住址', en: 'Address' },
  { code: 'person.residenceType', parent: 'person', zh: '人口类型', en: 'Kind of residence' },
  { code: 'person.other', parent: 'person', zh: '其他信息', en: 'Other data' },
];
export const CorrectionDetail = z.strictObject({ personId: Id.optional() });
export const CorrectionCreate = caseCreateSchema('correction', CorrectionDetail.default({}));
