import { z } from 'zod';
import { Abilities, Id, ListQuery, msg, sortParam } from './common.js';
import { TAG_REVEAL_FIELDS, TagCodeSchema } from './tags.js';

/**
 * The registry (DOMAIN §3): people (实有人口), households (户), houses (实有房屋, the `house`
 * nodes of the area tree with their facts), rentals, and organisations. Personal identifiers
 * travel masked unless revealed (POST …/reveal) — a masked value sent back is never stored.
 */
const date = z.iso.date();
const text = (max: number) => z.string().trim().max(max);
const code = (max = 40) => z.string().trim().min(1).max(max);

export const ResidenceType = z.enum(['registered', 'resident', 'floating']);
export const PersonStatus = z.enum(['active', 'moved_out', 'deceased']);
/** What a reveal names: the ID number, the phone, or a tag's identifier field (`tag.disability.certNo`). */
export const RevealField = z.enum(['idNumber', 'phone', ...TAG_REVEAL_FIELDS] as [string, ...string[]]);
export type RevealField = z.infer<typeof RevealField>;

export const PersonTag = z.object({
  id: z.number(),
  tag: TagCodeSchema,
  /** the tag's fields; its identifier fields (tags.ts `identifiers`) masked like an ID number */
  fields: z.record(z.string(), z.unknown()),
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
});
export type PersonTag = z.infer<typeof PersonTag>;

export const Person = z.object({
  id: z.number(),
  name: z.string(),
  /** masked unless the actor holds person.reveal and asked: 1***************2X */
  idNumber: z.string().nullable(),
  sex: z.enum(['M', 'F']).nullable(),
  /**
   * null unless the actor holds person.reveal over the person: the birth date is 8 of the ID
   * number's 18 characters (docs/security.md, "masking and reveal"); `age` is always given
   */
  birthDate: z.string().nullable(),
  age: z.number().nullable(),
  /** masked: 138****5678 */
  phone: z.string().nullable(),
  ethnicity: z.string().nullable(),
  education: z.string().nullable(),
  politicalStatus: z.string().nullable(),
  employer: z.string().nullable(),
  residenceType: ResidenceType,
  registeredAddress: z.string().nullable(),
  currentAddress: z.string().nullable(),
  /** the house (or grid / building) the person lives in */
  areaId: z.number(),
  areaPath: z.array(z.object({ id: z.number(), name: z.string(), kind: z.string() })),
  householdId: z.number().nullable(),
  /** The household in words: "张三户（金盆小区1栋1单元101）" (on a person's page; null in lists). */
  household: z.string().nullable(),
  relationToHead: z.string().nullable(),
  floating: z
    .object({
      registeredOn: z.string().nullable(),
      expiresOn: z.string().nullable(),
      inflowReason: z.string().nullable(),
      residenceKind: z.string().nullable(),
    })
    .nullable(),
  healthArchive: z.boolean(),
  status: PersonStatus,
  note: z.string().nullable(),
  /** only the tags the actor may see */
  tags: z.array(PersonTag),
  /**
   * Registrations of this person's ID number made elsewhere (outside the registrant's reach) and
   * held pending: when this record is moved out, the oldest one continues the number (docs/registry.md)
   */
  pendingRegistrations: z.number(),
  version: z.number(),
  updatedAt: z.string(),
  abilities: Abilities,
});
export type Person = z.infer<typeof Person>;

export const PersonListItem = Person.pick({
  id: true,
  name: true,
  idNumber: true,
  sex: true,
  age: true,
  phone: true,
  residenceType: true,
  areaId: true,
  status: true,
  currentAddress: true,
}).extend({
  address: z.string(),
  tags: z.array(TagCodeSchema),
  floatingExpiresOn: z.string().nullable(),
});
export type PersonListItem = z.infer<typeof PersonListItem>;

export const AgeBand = z.enum(['0-6', '7-17', '18-34', '35-59', '60-79', '80+']);

export const PERSON_SORTS = ['name', 'birthDate', 'updatedAt'] as const;
export const PersonListQuery = ListQuery.extend({
  sort: sortParam(PERSON_SORTS),
  areaId: Id.optional(),
  tag: TagCodeSchema.optional(),
  residenceType: ResidenceType.optional(),
  status: PersonStatus.optional(),
  ageBand: AgeBand.optional(),
  /** floating people whose registration expires within N days (or has expired: 0) */
  expiringWithinDays: z.coerce.number().int().min(0).max(366).optional(),
});

const PersonFields = {
  name: z.string().trim().min(1).max(40),
  idNumber: z.string().trim().max(24).optional(),
  sex: z.enum(['M', 'F']).optional(),
  birthDate: date.optional(),
  phone: z.string().trim().max(20).optional(),
  ethnicity: text(20).optional(),
  education: text(20).optional(),
  politicalStatus: text(20).optional(),
  employer: text(100).optional(),
  residenceType: ResidenceType,
  registeredAddress: text(200).optional(),
  currentAddress: text(200).optional(),
  areaId: Id,
  householdId: Id.nullable().optional(),
  relationToHead: text(20).optional(),
  floatingRegisteredOn: date.optional(),
  floatingExpiresOn: date.optional(),
  inflowReason: text(20).optional(),
  floatingResidenceKind: text(20).optional(),
  healthArchive: z.boolean().optional(),
  note: text(500).optional(),
};

export const PersonCreate = z.strictObject(PersonFields);
export type PersonCreate = z.infer<typeof PersonCreate>;

export const PersonUpdate = z
  .strictObject({
    ...Object.fromEntries(Object.entries(PersonFields).map(([k, v]) => [k, (v as z.ZodType).optional()])),
    status: PersonStatus.optional(),
  } as { [K in keyof typeof PersonFields]: z.ZodOptional<(typeof PersonFields)[K]> } & {
    status: z.ZodOptional<typeof PersonStatus>;
  })
  .refine((v) => Object.keys(v).length > 0, { message: msg('没有要修改的内容', 'nothing to change') });
export type PersonUpdate = z.infer<typeof PersonUpdate>;

export const PersonMove = z.strictObject({
  /** the house (or other node) moved into; omit with status 'moved_out' to move out of the area */
  areaId: Id.optional(),
  householdId: Id.nullable().optional(),
  relationToHead: text(20).optional(),
  status: z.enum(['active', 'moved_out']).default('active'),
  date: date.optional(),
  note: text(200).optional(),
});

export const RevealBody = z.strictObject({
  field: RevealField,
  purpose: z.string().trim().min(2, msg('请说明查看目的', 'state the purpose')).max(200),
});
export const RevealResult = z.object({
  field: RevealField,
  value: z.string().nullable(),
  expiresAt: z.string(),
});

export const TagAssign = z.strictObject({
  tag: TagCodeSchema,
  fields: z.record(z.string(), z.unknown()).default({}),
  startDate: date.optional(),
  endDate: date.optional(),
});

export const HistoryEntry = z.object({
  at: z.string(),
  actorName: z.string().nullable(),
  action: z.string(),
  changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })).nullable(),
});

// —— households and houses ——

export const Household = z.object({
  id: z.number(),
  houseId: z.number().nullable(),
  address: z.string(),
  headPersonId: z.number().nullable(),
  kind: z.enum(['registered', 'resident']),
  members: z.array(
    z.object({
      personId: z.number(),
      name: z.string(),
      relationToHead: z.string().nullable(),
      sex: z.enum(['M', 'F']).nullable(),
      age: z.number().nullable(),
    }),
  ),
  version: z.number(),
  abilities: Abilities,
});

export const HouseholdCreate = z.strictObject({
  houseId: Id,
  kind: z.enum(['registered', 'resident']).default('resident'),
  headPersonId: Id.optional(),
});

export const HouseUse = z.enum(['owner', 'rental', 'vacant', 'commercial']);

export const Rental = z.object({
  id: z.number(),
  landlordPersonId: z.number().nullable(),
  landlordName: z.string().nullable(),
  use: z.string(),
  startDate: z.string(),
  endDate: z.string().nullable(),
  tenants: z.array(z.object({ personId: z.number(), name: z.string() })),
});

export const House = z.object({
  id: z.number(),
  name: z.string(),
  address: z.string(),
  use: HouseUse.nullable(),
  ownerPersonId: z.number().nullable(),
  ownerName: z.string().nullable(),
  floorArea: z.number().nullable(),
  note: z.string().nullable(),
  households: z.array(Household),
  residents: z.array(PersonListItem),
  rentals: z.array(Rental),
  version: z.number(),
  abilities: Abilities,
});

export const HouseUpdate = z
  .strictObject({
    use: HouseUse.optional(),
    ownerPersonId: Id.nullable().optional(),
    floorArea: z.number().min(0).max(100000).nullable().optional(),
    note: text(500).nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: msg('没有要修改的内容', 'nothing to change') });

export const RentalCreate = z.strictObject({
  landlordPersonId: Id.optional(),
  use: code(20),
  startDate: date,
  endDate: date.optional(),
  tenantPersonIds: z.array(Id).max(50).default([]),
});

// —— organisations ——

export const Organisation = z.object({
  id: z.number(),
  name: z.string(),
  kind: z.string(),
  creditCode: z.string().nullable(),
  areaId: z.number(),
  address: z.string().nullable(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  note: z.string().nullable(),
  version: z.number(),
  abilities: Abilities,
});

export const OrganisationCreate = z.strictObject({
  name: z.string().trim().min(1).max(100),
  kind: code(20),
  creditCode: z.string().trim().max(18).optional(),
  areaId: Id,
  address: text(200).optional(),
  contactName: text(40).optional(),
  contactPhone: z.string().trim().max(20).optional(),
  note: text(500).optional(),
});

export const OrganisationUpdate = OrganisationCreate.partial().refine((v) => Object.keys(v).length > 0, {
  message: msg('没有要修改的内容', 'nothing to change'),
});

export const ORGANISATION_SORTS = ['name', 'kind', 'id'] as const;
export const OrganisationListQuery = ListQuery.extend({
  sort: sortParam(ORGANISATION_SORTS),
  areaId: Id.optional(),
  kind: z.string().max(20).optional(),
});

// —— the houses ledger (实有房屋) ——

export const HouseListItem = z.object({
  id: z.number(),
  name: z.string(),
  /** the house's place in words: 金盆小区 / 1栋 / 2单元 / 301 */
  address: z.string(),
  use: HouseUse.nullable(),
  ownerName: z.string().nullable(),
  floorArea: z.number().nullable(),
  /** active people living in the house */
  residents: z.number(),
  households: z.number(),
  /** the end date of the house's latest rental (出租), when it has one with an end */
  rentalEndsOn: z.string().nullable().optional(),
});
export type HouseListItem = z.infer<typeof HouseListItem>;

export const HOUSE_SORTS = ['address', 'floorArea', 'residents'] as const;
export const HouseListQuery = ListQuery.extend({
  sort: sortParam(HOUSE_SORTS),
  areaId: Id.optional(),
  use: z.union([HouseUse, z.literal('unknown')]).optional(),
  /** Houses let out (use rental) whose latest rental ends within this many days, or has ended. */
  rentalEndsWithinDays: z.coerce.number().int().min(0).max(366).optional(),
});

// —— import ——

/** The registry fields a ledger column can map to. */
export const IMPORT_FIELDS = [
  'name',
  'idNumber',
  'sex',
  'ethnicity',
  'birthDate',
  'phone',
  'registeredAddress',
  'currentAddress',
  'relationToHead',
  'residenceType',
  'education',
  'politicalStatus',
  'employer',
  'note',
] as const;
export const ImportField = z.enum(IMPORT_FIELDS);

export const ImportError = z.object({ row: z.number(), column: z.string(), message: z.string() });

export const ImportPreview = z.object({
  id: z.number(),
  fileName: z.string(),
  headerRow: z.number(),
  columns: z.array(z.object({ index: z.number(), header: z.string(), field: ImportField.nullable() })),
  sample: z.array(z.record(z.string(), z.string().nullable())),
  total: z.number(),
  /** sheet rows left out as totals (合计：7人, 小计 …) */
  skipped: z.array(z.number()),
});

/** Which ledger a job read: people (staged, previewed), or one of the one-request imports. */
export const ImportKind = z.enum(['people', 'organisations', 'houses', 'disputes']);
export type ImportKind = z.infer<typeof ImportKind>;
/** The one-request imports: where the rows land (organisations, houses: the area; disputes: the area). */
/** (`areaId` is checked after the file is read, so a broken upload is answered as one first.) */
export const LedgerImportQuery = z.strictObject({ areaId: Id.optional() });

export const ImportConfirm = z.strictObject({
  /** column index → field (null: ignore the column) */
  mapping: z.record(z.string().regex(/^\d{1,3}$/), ImportField.nullable()),
  /** where the imported people live when the ledger's address does not name a house */
  areaId: Id,
  residenceType: z.enum(['registered', 'resident', 'floating']).default('resident'),
});

export const ImportJob = z.object({
  id: z.number(),
  kind: ImportKind,
  /** sheet rows left out as totals (合计：7人, 小计 …) */
  skipped: z.array(z.number()),
  status: z.enum(['preview', 'queued', 'running', 'done', 'failed']),
  fileName: z.string(),
  total: z.number(),
  processed: z.number(),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  failed: z.number(),
  errors: z.array(ImportError),
  warnings: z.array(ImportError),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
