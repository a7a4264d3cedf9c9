import type { DevStage, DevStep, DueItem, IncomeKind, OrgKind, OrgWarning } from '../../../contract/party.js';
import type { WorkCalendar } from '../../engines/calendar/calendar.js';
import { civilDeadline, civilMonthsAfter } from '../../engines/calendar/months.js';

/**
 * The rules of the party module, pure: dues bands (中组部 2008), the recruitment time rules of pack
 * `dev-2014` (发展党员工作细则 2014) with 民法典 month counting, and structure warnings
 * (支部工作条例). The system computes and warns; people decide (design rule 22).
 */

// —— dues ——

/** Rounding of a month's dues ⚠ configurable default: to the fen. */
export type DuesRounding = 'fen' | 'jiao' | 'yuan';
const UNIT: Record<DuesRounding, number> = { fen: 1, jiao: 10, yuan: 100 };
/** students, unemployed, relief: a fixed 0.2 yuan a month */
export const FIXED_DUES_FEN = 20;

/** The monthly rate (percent) and due (yuan) of a base (yuan, after tax) — bands of 中组部 2008 §1–2. */
export function duesFor(
  kind: IncomeKind,
  base: number,
  rounding: DuesRounding = 'fen',
): { rate: number; due: number } {
  if (kind === 'student' || kind === 'unemployed' || kind === 'relief')
    return { rate: 0, due: FIXED_DUES_FEN / 100 };
  const fen = Math.round(base * 100);
  let rate: number;
  if (kind === 'retired') rate = fen <= 500_000 ? 0.5 : 1;
  else rate = fen <= 300_000 ? 0.5 : fen <= 500_000 ? 1 : fen <= 1_000_000 ? 1.5 : 2;
  // integer arithmetic: fen × rate‰ / 1000 (rate × 10 is whole), rounded half up to the unit
  const exact = (fen * rate * 10) / 1000;
  const u = UNIT[rounding];
  return { rate, due: (Math.round(exact / u + 1e-9) * u) / 100 };
}

// —— structure ——

export function orgWarnings(
  kind: OrgKind,
  members: number,
  fullMembers: number,
  committee: boolean,
  reelectionInDays: number | null,
): OrgWarning[] {
  const w: OrgWarning[] = [];
  if (kind === 'branch') {
    if (fullMembers < 3)
      w.push({
        code: 'few',
        zh: `正式党员不足 3 名（现 ${fullMembers} 名），不符合单独成立支部的条件`,
        en: `Fewer than 3 full members (${fullMembers}): too few for a branch of its own`,
      });
    if (fullMembers >= 7 && !committee)
      w.push({
        code: 'committee',
        zh: `正式党员 ${fullMembers} 名（≥ 7），应设立支部委员会`,
        en: `${fullMembers} full members (≥ 7): a branch committee is required`,
      });
    if (members > 50)
      w.push({
        code: 'large',
        zh: `党员 ${members} 名，超过 50 名，宜分设支部`,
        en: `${members} members, over 50: consider splitting the branch`,
      });
  }
  if (reelectionInDays !== null && reelectionInDays < 0)
    w.push({
      code: 'term',
      zh: '委员会任期已届满，应及时换届',
      en: 'The committee’s term has ended: re-election is due',
    });
  else if (reelectionInDays !== null && reelectionInDays <= 180)
    w.push({
      code: 'term-soon',
      zh: `距换届还有 ${reelectionInDays} 天`,
      en: `Re-election due in ${reelectionInDays} days`,
    });
  return w;
}

// —— recruitment (pack dev-2014) ——

export type DevDates = Partial<Record<'applied' | DevStep, string | null>>;
export interface DevState {
  stage: DevStage;
  dates: DevDates;
  trainingDays: number;
  trainingHours: number;
  extendedUntil: string | null;
  birthDate: string;
}

/** Which earlier step a step depends on (its date may not precede that one's). */
export const DEPENDS: Record<DevStep, 'applied' | DevStep> = {
  talk: 'applied',
  activist: 'applied',
  candidate: 'activist',
  prereview: 'candidate',
  admit: 'prereview',
  approve: 'admit',
  oath: 'approve',
  extend: 'admit',
  full: 'admit',
  cancel: 'admit',
};
/** The stage a step may be recorded in, and the stage it leads to. */
export const STEP_FLOW: Record<DevStep, { from: DevStage[]; to: DevStage | null }> = {
  talk: { from: ['applicant'], to: null },
  activist: { from: ['applicant'], to: 'activist' },
  candidate: { from: ['activist'], to: 'candidate' },
  prereview: { from: ['candidate'], to: null },
  admit: { from: ['candidate'], to: 'probationary' },
  approve: { from: ['probationary'], to: null },
  oath: { from: ['probationary', 'extended'], to: null },
  extend: { from: ['probationary'], to: 'extended' },
  full: { from: ['probationary', 'extended'], to: 'full' },
  cancel: { from: ['probationary', 'extended'], to: 'cancelled' },
};
/** A step needs these recorded first (besides its dependency). */
export const REQUIRES: Partial<Record<DevStep, DevStep[]>> = {
  admit: ['prereview'],
  approve: [],
  oath: ['approve'],
  full: ['approve'],
};
export const DEV_RULES: Record<string, { zh: string; en: string }> = {
  talk: { zh: '申请后一个月内谈话（细则第7条）', en: 'Talk within 1 month of the application (art. 7)' },
  activistYear: {
    zh: '积极分子培养一年以上方可确定为发展对象（细则第13条）',
    en: 'At least a year as an activist before being named a candidate (art. 13)',
  },
  training: {
    zh: '集中培训不少于3天或24学时（细则第17条）',
    en: 'Training of at least 3 days or 24 class hours (art. 17)',
  },
  meeting: {
    zh: '预审后一个月内召开支部大会',
    en: 'Branch meeting within 1 month of the pre-review',
  },
  approve: {
    zh: '支部大会后三个月内审批，最长不超过六个月',
    en: 'Approval within 3 months of the branch meeting, 6 at most',
  },
  approveMax: {
    zh: '审批超过六个月上限',
    en: 'Approval past the 6-month limit',
  },
  oath: { zh: '审批后一个月内入党宣誓', en: 'Oath within 1 month of approval' },
  probation: {
    zh: '预备期一年，期满讨论转正',
    en: 'Probation of 1 year, then the decision on full membership',
  },
  extension: { zh: '延长预备期不超过一年', en: 'Probation extended by at most a year' },
  age: { zh: '入党申请人须年满十八岁', en: 'An applicant must be 18 or over' },
};

function item(
  rule: string,
  kind: 'deadline' | 'earliest',
  date: string,
  done: string | null | undefined,
  today: string,
): DueItem {
  const d = done ?? null;
  let state: DueItem['state'];
  if (kind === 'deadline') state = d ? (d > date ? 'late' : 'ok') : today > date ? 'overdue' : 'open';
  else state = d ? (d < date ? 'early' : 'ok') : 'open';
  return { rule, ...DEV_RULES[rule]!, kind, date, done: d, state };
}

/** Every due date of a case as far as its dates reach, with its state on `today`. */
export function dueItems(cal: WorkCalendar, s: DevState, today: string): DueItem[] {
  const d = s.dates;
  const out: DueItem[] = [];
  if (d.applied) out.push(item('talk', 'deadline', civilDeadline(cal, d.applied, 1), d.talk, today));
  if (d.activist)
    out.push(item('activistYear', 'earliest', civilMonthsAfter(d.activist, 12), d.candidate, today));
  if (d.prereview) out.push(item('meeting', 'deadline', civilDeadline(cal, d.prereview, 1), d.admit, today));
  if (d.admit) {
    out.push(item('approve', 'deadline', civilDeadline(cal, d.admit, 3), d.approve, today));
    if (!d.approve || d.approve > civilDeadline(cal, d.admit, 3))
      out.push(item('approveMax', 'deadline', civilDeadline(cal, d.admit, 6), d.approve, today));
    const end = civilMonthsAfter(d.admit, 12);
    if (s.stage !== 'cancelled')
      out.push(item('probation', 'earliest', s.extendedUntil ?? end, d.full, today));
    if (s.extendedUntil)
      out.push({
        ...item('extension', 'deadline', civilMonthsAfter(end, 12), s.extendedUntil, today),
      });
  }
  if (d.approve) out.push(item('oath', 'deadline', civilDeadline(cal, d.approve, 1), d.oath, today));
  return out;
}

/** Warnings of a case: late or early steps, short training, and anything overdue now. */
export function devWarnings(s: DevState, due: DueItem[]): OrgWarning[] {
  const w: OrgWarning[] = [];
  for (const i of due) {
    if (i.state === 'late')
      w.push({ code: i.rule, zh: `逾期：${i.zh}（应于 ${i.date} 前）`, en: `Late: ${i.en} (by ${i.date})` });
    if (i.state === 'overdue')
      w.push({
        code: i.rule,
        zh: `已逾期：${i.zh}（应于 ${i.date} 前）`,
        en: `Overdue: ${i.en} (by ${i.date})`,
      });
    if (i.state === 'early')
      w.push({
        code: i.rule,
        zh: `过早：${i.zh}（不早于 ${i.date}）`,
        en: `Too early: ${i.en} (not before ${i.date})`,
      });
  }
  if (s.dates.candidate && s.trainingDays < 3 && s.trainingHours < 24)
    w.push({ code: 'training', ...DEV_RULES.training! });
  if (s.dates.applied && civilMonthsAfter(s.birthDate, 18 * 12) > s.dates.applied)
    w.push({ code: 'age', ...DEV_RULES.age! });
  return w;
}

/** The steps that may be recorded now (never a decision: what the records allow next). */
export function nextSteps(s: DevState): DevStep[] {
  return (Object.keys(STEP_FLOW) as DevStep[]).filter(
    (step) =>
      STEP_FLOW[step].from.includes(s.stage) &&
      !s.dates[step] &&
      (REQUIRES[step] ?? []).every((r) => s.dates[r]),
  );
}

/** Whole years between two dates (党龄 from the end of probation). */
export function wholeYears(from: string, to: string): number {
  let y = Number(to.slice(0, 4)) - Number(from.slice(0, 4));
  if (to.slice(5) < from.slice(5)) y--;
  return Math.max(0, y);
}
