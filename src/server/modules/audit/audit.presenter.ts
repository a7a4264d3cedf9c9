import type { AuditEntry, AuditField } from '../../../contract/audit.js';
import {
  AREA_KIND_WORDS,
  AUDIT_ENTITY_TYPES,
  AUDIT_FIELDS,
  auditActionWords,
} from '../../../contract/audit-words.js';
import {
  CASE_CHANNELS,
  DISPUTE_OUTCOMES,
  DISPUTE_TYPES,
  EVENT_CATEGORIES,
  LIMIT_UNITS,
  MEDIATION_METHODS,
  REQUEST_CATEGORIES,
} from '../../../contract/case-codes.js';
import { ACTION_LABELS, STATE_LABELS } from '../../../contract/cases.js';
import {
  EDUCATION,
  FLOATING_RESIDENCE_KINDS,
  HOUSE_USES,
  INFLOW_REASONS,
  ORG_KINDS,
  POLITICAL_STATUS,
  RELATIONS,
  RESIDENCE_TYPES,
  SEXES,
} from '../../../contract/codes.js';
import { TAGS } from '../../../contract/tags.js';

/**
 * The audit log in words (issue 16): each entry as a sentence in the request's language
 * ("王建国 将案件 E2026-000123 派遣给 刘洋"), its changes and detail as labelled fields whose
 * values are words too (names for ids, labels for codes, local times for instants). The names
 * come from `AuditNames`, looked up for a page of entries at once (audit.repository.ts).
 */

type Lang = 'zh' | 'en';
type Words = { zh: string; en: string };

export interface AuditRow {
  id: number;
  seq: number;
  at: Date;
  actorId: number | null;
  actorName: string | null;
  actorDisplayName: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  success: boolean;
  ip: string | null;
  requestId: string | null;
  changes: unknown;
  detail: unknown;
}

/** Names of what a page of entries mentions, by id (each map filled by one query). */
export interface AuditNames {
  area: Map<number, string>;
  user: Map<number, string>;
  person: Map<number, string>;
  household: Map<number, { head: string | null; place: string }>;
  organisation: Map<number, string>;
  case: Map<number, string>;
  role: Map<number, Words>;
  roleCode: Map<string, Words>;
}

export const emptyNames = (): AuditNames => ({
  area: new Map(),
  user: new Map(),
  person: new Map(),
  household: new Map(),
  organisation: new Map(),
  case: new Map(),
  role: new Map(),
  roleCode: new Map(),
});

/** Keys whose values are ids of a kind of record, shown as that record's name. */
const ID_FIELDS: Record<string, keyof Omit<AuditNames, 'role' | 'roleCode'>> = {
  areaId: 'area',
  parentId: 'area',
  houseId: 'area',
  userId: 'user',
  assigneeUserId: 'user',
  returnedBy: 'user',
  personId: 'person',
  forPersonId: 'person',
  byPersonId: 'person',
  successorId: 'person',
  headPersonId: 'person',
  ownerPersonId: 'person',
  pendingDuplicateOf: 'person',
  householdId: 'household',
  duplicateOfId: 'case',
};
/** Internal references that say nothing to a reader (the entry's other fields name the thing). */
const HIDDEN_FIELDS = new Set(['id', 'assignmentId', 'ruleId', 'assigneeUserId', 'byUserId', 'form']);

/** The ids an entry mentions, for the page's name look-ups. */
export function mentions(rows: AuditRow[]): Record<keyof Omit<AuditNames, 'roleCode'>, Set<number>> & {
  roleCode: Set<string>;
} {
  const out = {
    area: new Set<number>(),
    user: new Set<number>(),
    person: new Set<number>(),
    household: new Set<number>(),
    organisation: new Set<number>(),
    case: new Set<number>(),
    role: new Set<number>(),
    roleCode: new Set<string>(),
  };
  const add = (kind: keyof typeof out, v: unknown) => {
    if (kind === 'roleCode') {
      if (typeof v === 'string') out.roleCode.add(v);
      return;
    }
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : null;
    if (n !== null) out[kind].add(n);
  };
  for (const r of rows) {
    const t = r.entityType;
    if (t === 'area' || t === 'house') add('area', r.entityId);
    else if (t === 'user') add('user', r.entityId);
    else if (t === 'person') add('person', r.entityId);
    else if (t === 'household') add('household', r.entityId);
    else if (t === 'organisation') add('organisation', r.entityId);
    else if (t === 'case') add('case', r.entityId);
    else if (t === 'role') add('role', r.entityId);
    const detail = (r.detail ?? {}) as Record<string, unknown>;
    const changes = (r.changes ?? {}) as Record<string, { before: unknown; after: unknown }>;
    for (const [k, v] of Object.entries(detail)) {
      if (ID_FIELDS[k]) add(ID_FIELDS[k], v);
      if (k === 'role') add('roleCode', v);
    }
    for (const [k, c] of Object.entries(changes)) {
      if (!ID_FIELDS[k] || !c || typeof c !== 'object') continue;
      add(ID_FIELDS[k], c.before);
      add(ID_FIELDS[k], c.after);
    }
  }
  return out;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** An instant as China time, to the minute. */
export function localTime(d: Date): string {
  const t = new Date(d.getTime() + 8 * 3600_000);
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}`;
}

const CASE_TYPES: Record<string, Words> = {
  event: { zh: '网格事件', en: 'Grid event' },
  dispute: { zh: '矛盾纠纷', en: 'Dispute' },
  request: { zh: '居民诉求', en: 'Resident request' },
};
const AREA_STATUS: Record<string, Words> = {
  active: { zh: '启用', en: 'Active' },
  archived: { zh: '已归档', en: 'Archived' },
};
const USER_STATUS: Record<string, Words> = {
  active: { zh: '正常', en: 'Active' },
  disabled: { zh: '已停用', en: 'Disabled' },
  locked: { zh: '已锁定', en: 'Locked' },
};
const PERSON_STATUS: Record<string, Words> = {
  active: { zh: '在册', en: 'Registered' },
  moved_out: { zh: '迁出', en: 'Moved out' },
  deceased: { zh: '死亡', en: 'Deceased' },
};
const REVEAL_FIELDS: Record<string, Words> = {
  idNumber: { zh: '身份证号', en: 'ID number' },
  phone: { zh: '联系电话', en: 'phone number' },
  partyPhone: { zh: '当事人电话', en: "party's phone" },
  partyIdNumber: { zh: '当事人身份证号', en: "party's ID number" },
  reporterPhone: { zh: '上报人电话', en: "reporter's phone" },
};
const SEARCH_KINDS: Record<string, Words> = {
  idHash: { zh: '身份证号', en: 'ID number' },
  phoneHash: { zh: '电话号码', en: 'phone number' },
  tail4: { zh: '身份证号后 4 位', en: 'last 4 ID digits' },
  tail5: { zh: '身份证号后 5 位', en: 'last 5 ID digits' },
  tail6: { zh: '身份证号后 6 位', en: 'last 6 ID digits' },
};
const REJECT_REASONS: Record<string, Words> = {
  duplicate: { zh: '重复件', en: 'Duplicate' },
  out_of_scope: { zh: '不属于受理范围', en: 'Out of scope' },
  invalid: { zh: '无效信息', en: 'Invalid' },
};
const MODULES: Record<string, Words> = {
  registry: { zh: '实有人口', en: 'Registry' },
  cases: { zh: '案件', en: 'Cases' },
  visits: { zh: '走访', en: 'Visits' },
  accounts: { zh: '账号', en: 'Accounts' },
  areas: { zh: '区域', en: 'Areas' },
};
const URGENCY: Record<string, Words> = {
  normal: { zh: '一般', en: 'Normal' },
  urgent: { zh: '紧急', en: 'Urgent' },
};
const YES_NO = { true: { zh: '是', en: 'Yes' }, false: { zh: '否', en: 'No' } };
const PASSED = {
  true: { zh: '通过', en: 'passed' },
  false: { zh: '未通过，退回重办', en: 'not passed, back to handling' },
};
const APPROVED = { true: { zh: '批准', en: 'approved' }, false: { zh: '不批准', en: 'refused' } };
const PUBLIC = { true: { zh: '公开', en: 'public' }, false: { zh: '不公开', en: 'not public' } };

const codeMap = (rows: { code: string; zh: string; en: string }[]) =>
  Object.fromEntries(rows.map((r) => [r.code, { zh: r.zh, en: r.en }])) as Record<string, Words>;
const CATEGORIES = codeMap([...EVENT_CATEGORIES, ...REQUEST_CATEGORIES, ...DISPUTE_TYPES]);
const TAG_WORDS = Object.fromEntries(
  Object.entries(TAGS).map(([k, v]) => [k, { zh: v.zh, en: v.en }]),
) as Record<string, Words>;

/** The code table a field's value is read in, for an entry on `entityType`. */
function tableOf(key: string, entityType: string | null): Record<string, Words> | null {
  switch (key) {
    case 'kind':
      return entityType === 'organisation'
        ? codeMap(ORG_KINDS)
        : entityType === 'person'
          ? SEARCH_KINDS
          : AREA_KIND_WORDS;
    case 'status':
      return entityType === 'user' ? USER_STATUS : entityType === 'person' ? PERSON_STATUS : AREA_STATUS;
    case 'from':
    case 'to':
      return STATE_LABELS;
    case 'type':
      return CASE_TYPES;
    case 'category':
      return CATEGORIES;
    case 'channel':
      return codeMap(CASE_CHANNELS);
    case 'outcome':
      return codeMap(DISPUTE_OUTCOMES);
    case 'method':
      return codeMap(MEDIATION_METHODS);
    case 'unit':
      return codeMap(LIMIT_UNITS);
    case 'sex':
      return codeMap(SEXES);
    case 'education':
      return codeMap(EDUCATION);
    case 'politicalStatus':
      return codeMap(POLITICAL_STATUS);
    case 'residenceType':
      return codeMap(RESIDENCE_TYPES);
    case 'relationToHead':
      return codeMap(RELATIONS);
    case 'use':
      return codeMap(HOUSE_USES);
    case 'inflowReason':
      return codeMap(INFLOW_REASONS);
    case 'floatingResidenceKind':
      return codeMap(FLOATING_RESIDENCE_KINDS);
    case 'tag':
      return TAG_WORDS;
    case 'reason':
      return REJECT_REASONS;
    case 'stage':
      return ACTION_LABELS as Record<string, Words>;
    case 'module':
      return MODULES;
    case 'urgency':
      return URGENCY;
    default:
      return null;
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

export class AuditPresenter {
  constructor(
    private readonly lang: Lang,
    private readonly names: AuditNames,
  ) {}

  private say(w: Words | undefined, fallback: string): string {
    return w ? w[this.lang] : fallback;
  }

  /** A value in words: names for ids, labels for codes, local times, 是/否. */
  value(key: string, v: unknown, entityType: string | null): string | null {
    if (v === null || v === undefined || v === '') return null;
    const idKind = ID_FIELDS[key];
    if (idKind) {
      const n = Number(v);
      const name = idKind === 'household' ? this.household(n) : this.names[idKind].get(n);
      return name ?? (this.lang === 'zh' ? '（已删除或不可见的记录）' : '(a deleted or hidden record)');
    }
    if (key === 'role' && typeof v === 'string') return this.say(this.names.roleCode.get(v), v);
    if (key === 'field' && typeof v === 'string')
      return this.say(REVEAL_FIELDS[v], this.lang === 'zh' ? '个人信息' : 'personal data');
    if (key === 'permissions' && Array.isArray(v))
      return this.lang === 'zh' ? `${v.length} 项权限` : `${v.length} permissions`;
    if (key === 'boundary') return this.lang === 'zh' ? '已绘制边界' : 'boundary drawn';
    if (typeof v === 'boolean') {
      const t =
        key === 'passed' ? PASSED : key === 'approved' ? APPROVED : key === 'public' ? PUBLIC : YES_NO;
      return t[String(v) as 'true' | 'false'][this.lang];
    }
    if (typeof v === 'string') {
      const table = tableOf(key, entityType);
      if (table) return this.say(table[v], v);
      if (ISO.test(v)) {
        const d = new Date(v);
        if (!Number.isNaN(d.getTime())) return localTime(d);
      }
      return v;
    }
    if (typeof v === 'number') return String(v);
    if (Array.isArray(v))
      return v.map((x) => this.value(key, x, entityType) ?? '—').join(this.lang === 'zh' ? '、' : ', ');
    if (typeof v === 'object') {
      // A nested object (an export's filters): its fields, labelled, on one line.
      const parts = Object.entries(v as Record<string, unknown>)
        .filter(([k, x]) => x !== null && x !== undefined && x !== '' && !HIDDEN_FIELDS.has(k))
        .map(
          ([k, x]) =>
            `${this.label(k)}${this.lang === 'zh' ? '：' : ': '}${this.value(k, x, entityType) ?? '—'}`,
        );
      return parts.length ? parts.join(this.lang === 'zh' ? '；' : '; ') : null;
    }
    return String(v);
  }

  /** A household in words: its head's and its house's ("张三户（金盆小区 / 1栋 / 1单元 / 101）"). */
  household(id: number): string | undefined {
    const h = this.names.household.get(id);
    if (!h) return undefined;
    if (!h.head) return h.place;
    return this.lang === 'zh' ? `${h.head}户（${h.place}）` : `household of ${h.head} (${h.place})`;
  }

  label(key: string): string {
    const w = AUDIT_FIELDS[key];
    if (w) return w[this.lang];
    if (key === 'q') return this.lang === 'zh' ? '搜索' : 'Search';
    return this.lang === 'zh' ? '其他' : 'Other';
  }

  /** What the entry acted on, in words ("区域 友谊河社区 / 第一网格"); null when it names nothing. */
  target(r: AuditRow): string | null {
    const t = r.entityType;
    if (!t) return null;
    const detail = (r.detail ?? {}) as Record<string, unknown>;
    const changes = (r.changes ?? {}) as Record<string, { before: unknown; after: unknown }>;
    const id = r.entityId !== null && /^\d{1,15}$/.test(r.entityId) ? Number(r.entityId) : null;
    let name: string | undefined;
    if (t === 'case')
      name = (typeof detail.no === 'string' ? detail.no : undefined) ?? this.names.case.get(id ?? -1);
    else if (t === 'area' || t === 'house') {
      // A deleted node keeps the name the entry recorded (the newest one it knew).
      const gone = changes.name?.after ?? changes.name?.before ?? detail.name;
      name = this.names.area.get(id ?? -1) ?? (typeof gone === 'string' ? gone : undefined);
    } else if (t === 'user') name = this.names.user.get(id ?? -1);
    else if (t === 'person') name = this.names.person.get(id ?? -1);
    else if (t === 'household') {
      const h = this.household(id ?? -1);
      if (h) return this.lang === 'zh' ? h : `the ${h}`;
    } else if (t === 'organisation') name = this.names.organisation.get(id ?? -1);
    else if (t === 'role') {
      const w = this.names.role.get(id ?? -1);
      const gone = changes.nameZh?.before ?? detail.code;
      name = w ? w[this.lang] : typeof gone === 'string' ? gone : undefined;
    } else if (t === 'import')
      name = typeof detail.fileName === 'string' ? `“${detail.fileName}”` : undefined;
    else if (t === 'address') name = r.entityId ?? undefined;
    else if (t === 'open311_key') name = typeof detail.name === 'string' ? `“${detail.name}”` : undefined;
    else if (t === 'visit') {
      const p = this.names.person.get(Number(detail.personId));
      return p ? (this.lang === 'zh' ? `（对象：${p}）` : `(${p})`) : '';
    }
    const kind = AUDIT_ENTITY_TYPES[t];
    const kindWord = kind ? kind[this.lang] : '';
    if (t === 'address') return name ?? null;
    if (name) {
      if (this.lang === 'en') return `${kindWord} ${name}`;
      // Case numbers and addresses read between spaces, names between quotes.
      return /^[A-Za-z0-9]/.test(name) ? ` ${kindWord} ${name} ` : `${kindWord}“${name}”`;
    }
    if (!kind) return null;
    return this.lang === 'zh' ? `一条${kindWord}记录` : `a ${kindWord} record`;
  }

  /** The entry as a sentence: who did what to what, with the detail that matters. */
  sentence(r: AuditRow, actor: string, target: string | null): string {
    const words = auditActionWords(r.action);
    const template = this.lang === 'zh' ? words.sentenceZh : words.sentenceEn;
    const detail = (r.detail ?? {}) as Record<string, unknown>;
    let s = template.replace(/\{(\w+)\}/g, (_, k: string) => {
      if (k === 'actor') return actor;
      if (k === 'target') return target ?? '';
      if (k === 'assignee' && typeof detail.assignee === 'string') return detail.assignee;
      return this.value(k, detail[k], r.entityType) ?? '';
    });
    // Placeholders with nothing to fill leave empty brackets or a dangling colon behind.
    s = s
      .replace(/（\s*）|\(\s*\)|“”|""/g, '')
      .replace(/[：:]\s*$/, '')
      .replace(/\s+([，。；：])/g, '$1')
      .replace(/ {2,}/g, ' ')
      .trim();
    if (!r.success) s += this.lang === 'zh' ? '（未成功）' : ' (failed)';
    return s;
  }

  /** The changes (before → after) and the detail, each field with its label and value in words. */
  fields(r: AuditRow): AuditField[] {
    const out: AuditField[] = [];
    const changes = (r.changes ?? {}) as Record<string, { before: unknown; after: unknown }>;
    for (const [k, c] of Object.entries(changes)) {
      if (HIDDEN_FIELDS.has(k) || !c || typeof c !== 'object') continue;
      out.push({
        key: k,
        label: this.label(k),
        before: this.value(k, c.before, r.entityType),
        after: this.value(k, c.after, r.entityType),
        value: null,
      });
    }
    const detail = (r.detail ?? {}) as Record<string, unknown>;
    // A step of a case records the state it left and the one it reached: one change, in order.
    if (typeof detail.from === 'string' && typeof detail.to === 'string') {
      out.push({
        key: 'state',
        label: this.lang === 'zh' ? '状态' : 'State',
        before: this.value('from', detail.from, r.entityType),
        after: this.value('to', detail.to, r.entityType),
        value: null,
      });
    }
    for (const [k, v] of Object.entries(detail)) {
      if (HIDDEN_FIELDS.has(k)) continue;
      if ((k === 'from' || k === 'to') && out.some((f) => f.key === 'state')) continue;
      const value = this.value(k, v, r.entityType);
      if (value === null) continue;
      out.push({ key: k, label: this.label(k), before: null, after: null, value });
    }
    return out;
  }

  actor(r: AuditRow): string {
    if (r.actorDisplayName) return r.actorDisplayName;
    if (r.actorName === 'system' || (r.actorName === null && r.actorId === null))
      return this.lang === 'zh' ? '系统' : 'The system';
    if (r.actorName?.startsWith('open311:'))
      return this.lang === 'zh'
        ? `外部接入“${r.actorName.slice(8)}”`
        : `external client "${r.actorName.slice(8)}"`;
    // A sign-in with an unknown user name: the name as typed, quoted (what someone typed, not an account).
    if (r.actorName) return this.lang === 'zh' ? `“${r.actorName}”` : `"${r.actorName}"`;
    return this.lang === 'zh' ? '系统' : 'The system';
  }

  entry(r: AuditRow): AuditEntry {
    const actor = this.actor(r);
    const target = this.target(r);
    const words = auditActionWords(r.action);
    return {
      id: r.id,
      seq: r.seq,
      at: r.at.toISOString(),
      actorId: r.actorId,
      actorName: r.actorName,
      actorLabel: actor,
      action: r.action,
      actionLabel: words[this.lang],
      entityType: r.entityType,
      entityId: r.entityId,
      entityLabel: target?.trim() || null,
      sentence: this.sentence(r, actor, target),
      success: r.success,
      ip: r.ip,
      requestId: r.requestId,
      fields: this.fields(r),
    };
  }

  /** One line of the export's details column: "名称：旧 → 新；行数：12". */
  fieldsText(fields: AuditField[]): string {
    const sep = this.lang === 'zh' ? '：' : ': ';
    return fields
      .map((f) =>
        f.value !== null
          ? `${f.label}${sep}${f.value}`
          : `${f.label}${sep}${f.before ?? '—'} → ${f.after ?? '—'}`,
      )
      .join(this.lang === 'zh' ? '；' : '; ');
  }
}
