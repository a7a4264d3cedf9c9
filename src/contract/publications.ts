import { z } from 'zod';
import { Id, msg, sortParam } from './common.js';

/**
 * The publications engine's contract (issue 20, docs/publications.md): what a module posts — a
 * notice, a 公示 with its objection window — as an immutable snapshot with its audience, channels,
 * display period and approvals. Kinds are declared by modules; `GET /api/notices/kinds` lists them.
 */
export const AUDIENCES = ['public', 'residents', 'party'] as const;
export const Audience = z.enum(AUDIENCES);
export type Audience = z.infer<typeof Audience>;
export const CHANNELS = ['online', 'board'] as const;
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;
export const COUNTINGS = ['civil', 'wday'] as const;
export const Counting = z.enum(COUNTINGS);
export const PUBLICATION_STATUSES = [
  'draft',
  'review',
  'approved',
  'published',
  'corrected',
  'taken_down',
] as const;
export const PublicationStatus = z.enum(PUBLICATION_STATUSES);
export type PublicationStatus = z.infer<typeof PublicationStatus>;

export const AUDIENCE_LABELS: Record<Audience, { zh: string; en: string }> = {
  public: { zh: '公开', en: 'Public' },
  residents: { zh: '本区域居民', en: 'Residents of the area' },
  party: { zh: '党员', en: 'Party members' },
};
export const CHANNEL_LABELS: Record<Channel, { zh: string; en: string }> = {
  online: { zh: '线上', en: 'Online' },
  board: { zh: '公开栏', en: 'Notice board' },
};
export const COUNTING_LABELS: Record<z.infer<typeof Counting>, { zh: string; en: string }> = {
  civil: {
    zh: '自然日（民法典计法，末日遇节假日顺延）',
    en: 'Calendar days (Civil Code: a last day on a holiday moves on)',
  },
  wday: { zh: '工作日', en: 'Working days' },
};
export const STATUS_LABELS: Record<PublicationStatus, { zh: string; en: string }> = {
  draft: { zh: '草稿', en: 'Draft' },
  review: { zh: '审核中', en: 'In review' },
  approved: { zh: '已审核待发布', en: 'Approved' },
  published: { zh: '公示中', en: 'On display' },
  corrected: { zh: '已更正', en: 'Corrected' },
  taken_down: { zh: '已撤下', en: 'Taken down' },
};

const title = z
  .string()
  .trim()
  .min(2, msg('标题至少 2 个字', 'The title needs at least 2 characters'))
  .max(100, msg('标题最多 100 个字', 'The title is at most 100 characters'));
const body = z
  .string()
  .trim()
  .min(2, msg('请填写正文', 'Write the text'))
  .max(20_000, msg('正文最多 20000 个字', 'The text is at most 20,000 characters'));

/** A row of a recipient list (低保, relief …): masked when the snapshot is taken, never stored in clear. */
export const ListRowInput = z.strictObject({
  name: z.string().trim().min(1).max(40),
  idNumber: z.string().trim().max(18).optional(),
  phone: z.string().trim().max(20).optional(),
  address: z.string().trim().max(100).optional(),
  note: z.string().trim().max(100).optional(),
});
export const ListRow = z.object({
  name: z.string(),
  idNumber: z.string().nullable(),
  phone: z.string().nullable(),
  address: z.string().nullable(),
  note: z.string().nullable(),
});

export const PublicationDraft = z.strictObject({
  kind: z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, msg('请选择公开类别', 'Choose the kind')),
  areaId: Id,
  title,
  body,
  audience: Audience.optional(),
  channels: z.array(Channel).min(1, msg('至少选择一个渠道', 'Choose at least one channel')).max(2).optional(),
  counting: Counting.optional(),
  displayDays: z.number().int().min(0).max(365).optional(),
  list: z.array(ListRowInput).max(500).default([]),
  attachmentIds: z.array(Id).max(10).default([]),
});
export type PublicationDraft = z.infer<typeof PublicationDraft>;

/** A draft's edit (before submission) — the same fields, kind and area fixed. */
export const PublicationEdit = PublicationDraft.omit({ kind: true, areaId: true }).extend({
  version: z.number().int().min(1),
});

export const StepDecision = z.strictObject({
  version: z.number().int().min(1),
  approved: z.boolean(),
  opinion: z.string().trim().max(500).optional(),
});
export const VersionBody = z.strictObject({ version: z.number().int().min(1) });
export const TakeDown = z.strictObject({
  version: z.number().int().min(1),
  reason: z.string().trim().min(2, msg('请填写撤下原因', 'Say why it is taken down')).max(200),
});
export const Correction = z.strictObject({
  title,
  body,
  list: z.array(ListRowInput).max(500).default([]),
  reason: z.string().trim().min(2, msg('请填写更正原因', 'Say what is corrected')).max(200),
});
export const BoardPhoto = z.strictObject({
  attachmentId: Id,
  takenOn: z.iso.date(msg('请填写拍摄日期', 'Give the date the photo was taken')),
  place: z.string().trim().max(60).optional(),
});

export const PUBLICATION_SORTS = ['publishedAt', 'createdAt', 'displayUntil', 'title'] as const;
export const PublicationListQuery = z.strictObject({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  sort: sortParam(PUBLICATION_SORTS),
  q: z.string().trim().max(100).optional(),
  kind: z
    .string()
    .regex(/^[a-z][a-z0-9_]{1,31}$/)
    .optional(),
  status: PublicationStatus.optional(),
  areaId: Id.optional(),
  archiveClass: z.string().trim().max(20).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
});
export type PublicationListQuery = z.infer<typeof PublicationListQuery>;

export const ResidentListQuery = z.strictObject({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(20),
});
export const PublicListQuery = ResidentListQuery.extend({ areaId: Id });

export const PublicationStep = z.object({
  step: z.string(),
  stepName: z.string(),
  decision: z.enum(['submitted', 'approved', 'returned']),
  opinion: z.string().nullable(),
  actor: z.string(),
  at: z.string(),
});
export const Attachment = z.object({
  id: z.number(),
  name: z.string(),
  mime: z.string(),
  size: z.number(),
  url: z.string(),
});
export const BoardPhotoItem = Attachment.extend({ takenOn: z.string(), place: z.string().nullable() });

export const PublicationItem = z.object({
  id: z.number(),
  kind: z.string(),
  kindName: z.string(),
  seriesId: z.number(),
  versionNo: z.number(),
  supersedesId: z.number().nullable(),
  areaId: z.number(),
  areaName: z.string(),
  title: z.string(),
  audience: Audience,
  channels: z.array(Channel),
  status: PublicationStatus,
  publishedAt: z.string().nullable(),
  displayUntil: z.string().nullable(),
  objectionUntil: z.string().nullable(),
  takenDownAt: z.string().nullable(),
  archiveClass: z.string(),
  archiveYear: z.number().nullable(),
  reads: z.number(),
  objections: z.number(),
  createdAt: z.string(),
  version: z.number(),
});
export type PublicationItem = z.infer<typeof PublicationItem>;

export const Publication = PublicationItem.extend({
  body: z.string(),
  list: z.array(ListRow),
  counting: Counting,
  displayDays: z.number(),
  objectionDays: z.number().nullable(),
  contentHash: z.string().nullable(),
  takedownReason: z.string().nullable(),
  /** The next approval step waiting, by name; null when none. */
  nextStep: z.string().nullable(),
  steps: z.array(PublicationStep),
  attachments: z.array(Attachment),
  photos: z.array(BoardPhotoItem),
  versions: z.array(
    z.object({
      id: z.number(),
      versionNo: z.number(),
      status: PublicationStatus,
      publishedAt: z.string().nullable(),
    }),
  ),
  /** The earliest instant it may be taken down (the minimum display met). */
  earliestTakeDown: z.string().nullable(),
  objectionOpen: z.boolean(),
  abilities: z.array(z.enum(['edit', 'submit', 'decide', 'publish', 'correct', 'take_down', 'photo'])),
});
export type Publication = z.infer<typeof Publication>;

/** What a resident (or anyone, for public notices) reads. */
export const ResidentNoticeItem = z.object({
  id: z.number(),
  kindName: z.string(),
  title: z.string(),
  areaName: z.string(),
  publishedAt: z.string(),
  displayUntil: z.string().nullable(),
  objectionUntil: z.string().nullable(),
  corrected: z.boolean(),
  read: z.boolean(),
});
export type ResidentNoticeItem = z.infer<typeof ResidentNoticeItem>;
export const ResidentNotice = ResidentNoticeItem.extend({
  body: z.string(),
  list: z.array(ListRow),
  attachments: z.array(Attachment),
  supersedesId: z.number().nullable(),
  correctedById: z.number().nullable(),
  objectionOpen: z.boolean(),
  /** Objections this resident filed on it, with the reply once given. */
  myObjections: z.array(
    z.object({
      id: z.number(),
      no: z.string(),
      text: z.string(),
      reply: z.string().nullable(),
      at: z.string(),
    }),
  ),
});
export type ResidentNotice = z.infer<typeof ResidentNotice>;

export const ObjectionInput = z.strictObject({
  text: z
    .string()
    .trim()
    .min(5, msg('请写明异议内容（至少 5 个字）', 'Write the objection (at least 5 characters)'))
    .max(1000),
});

export const KindInfo = z.object({
  code: z.string(),
  zh: z.string(),
  en: z.string(),
  archiveClass: z.string(),
  audiences: z.array(Audience),
  channels: z.array(Channel),
  counting: Counting,
  displayDays: z.number(),
  objectionDays: z.number().nullable(),
  steps: z.array(z.object({ code: z.string(), zh: z.string(), en: z.string() })),
  /** ⚠ defaults from unverified rules: the UI says they are configurable defaults. */
  unverified: z.boolean(),
});
export type KindInfo = z.infer<typeof KindInfo>;
