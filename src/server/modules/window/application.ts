import type { Category } from '../../../contract/case-codes.js';
import { caseCreateSchema } from '../../../contract/cases.js';
import { APPLICATION_DEPARTMENTS, ApplicationDetail } from '../../../contract/window.js';
import { chinaDate } from '../../engines/calendar/calendar.js';
import type { CaseTypeDef } from '../../engines/cases/definition.js';
import { promisedDue } from './window.rules.js';

const whour = (amount: number) => ({ amount, unit: 'whour' as const });
const wday = (amount: number) => ({ amount, unit: 'wday' as const });

/** The departments of the catalogue, each with one leaf the applications are filed under. */
export const APPLICATION_CATEGORIES: Category[] = APPLICATION_DEPARTMENTS.flatMap(([code, zh, en]) => [
  { code, parent: null, zh, en, handle: wday(20) },
  { code: `${code}.all`, parent: code, zh: `${zh}事项`, en: `${en} matters` },
]);

export const ApplicationCreate = caseCreateSchema('service_application', ApplicationDetail);

const limitOf = (detail: unknown, which: 'promisedLimit' | 'legalLimit') => {
  const d = detail as Partial<ApplicationDetail>;
  const n = d[which];
  if (n === undefined || (which === 'legalLimit' && n === null)) return null;
  return { promisedLimit: n, limitUnit: d.limitUnit ?? 'wday' };
};

/**
 * 办件 (design/modules/window.md §4, §7) on the case engine's states:
 *
 * | window | engine | how |
 * |---|---|---|
 * | 受理 / 容缺受理 at the desk | `reported` | `POST /api/window/applications` (materials checked, the clock starts the next day) |
 * | 后台办理 | `handling` | `accept` (the back office takes it up) |
 * | 待补正 (告知单 issued; the clock stops) | `pending` | `suspend` with the 告知 in the comment, from `reported` or `handling` |
 * | 补正 received | `handling` | `resume`: the promised limit again **in full** from the day after (rule 8) |
 * | 转办 / 上报 (收受分离, forwarded to the street) | `dispatched` → `handling` | `dispatch` to the street's worker, who signs (`sign`) or sends it back (`return`); their result (`feedback`) is concluded by the window (`verify`) |
 * | 延期 | same | `extend_request` (window or street worker), `extend_decide` by the secretary (`supervise`); never past the legal limit (`latestDue`) |
 * | 办结 (准予/不予) | `closed` | `verify` passed |
 * | 不予受理 / 终止 (补正 late or invalid) | `rejected` | `reject` with the written reason, also from `pending` |
 * | 好差评 | `closed` | `rate` |
 *
 * The promised date is the case's own deadline (`ownDue`): the sweep, the red cards and the
 * on-time figures run on it; `pending` has no running stage, so the clock stops while waiting.
 */
export const applicationType: CaseTypeDef = {
  code: 'service_application',
  prefix: 'BJ',
  zh: '政务服务办件',
  en: 'Service application',
  many: 'service applications',
  publicity: 'never',
  input: ApplicationCreate,
  categories: APPLICATION_CATEGORIES,
  actions: {
    accept: { from: ['reported'], to: 'handling', who: [{ perm: 'accept' }] },
    reject: { from: ['reported', 'handling', 'pending'], to: 'rejected', who: [{ perm: 'accept' }] },
    // 告知补正: the clock stops (no running stage) until the materials arrive.
    suspend: { from: ['reported', 'handling'], to: 'pending', who: [{ perm: 'accept' }] },
    resume: { from: ['pending'], to: 'handling', who: [{ perm: 'accept' }] },
    // 转办 to the street (收受分离): the street's worker signs or returns it, then reports back.
    dispatch: { from: ['handling'], to: 'dispatched', who: [{ perm: 'accept' }] },
    sign: { from: ['dispatched'], to: 'handling', who: [{ relation: 'assignee' }] },
    return: { from: ['dispatched', 'handling'], to: 'handling', who: [{ relation: 'assignee' }] },
    feedback: { from: ['handling'], to: 'feedback', who: [{ relation: 'assignee' }] },
    verify: {
      from: ['handling', 'feedback'],
      to: 'same',
      who: [{ perm: 'verify' }, { perm: 'accept' }],
    },
    extend_request: {
      from: ['handling', 'dispatched'],
      to: 'same',
      who: [{ perm: 'accept' }, { relation: 'assignee' }],
      guard: (c) =>
        c.pendingExtension
          ? { zh: '已有一个延期申请待审批', en: 'An extension request is already waiting for a decision' }
          : null,
    },
    extend_decide: {
      from: ['handling', 'dispatched', 'feedback'],
      to: 'same',
      who: [{ perm: 'supervise' }],
      guard: (c) =>
        c.pendingExtension ? null : { zh: '没有待审批的延期申请', en: 'There is no extension request' },
    },
    rate: {
      from: ['closed'],
      to: 'same',
      who: [{ relation: 'reporter' }, { perm: 'accept' }],
      guard: (c) =>
        c.rating !== null ? { zh: '该办件已评价', en: 'This application has been rated already' } : null,
      // 差评 (1–2★, rule 16) opens a rectification case with the rating, in the same statement.
      raises: (c, input) =>
        input.action === 'rate' && input.rating <= 2
          ? {
              type: 'rating_rectification',
              category: 'rectify.rating',
              title: `差评整改：${c.title}`.slice(0, 100),
              description: input.comment?.trim() || `办件 ${c.no} 获 ${input.rating} 星差评`,
              detail: { applicationId: c.id, applicationNo: c.no, rating: input.rating },
            }
          : null,
    },
    comment: {
      from: ['reported', 'handling', 'pending', 'dispatched', 'feedback', 'closed'],
      to: 'same',
      who: [{ perm: 'accept' }, { relation: 'reporter' }, { relation: 'assignee' }],
    },
  },
  stages: {
    accept: { normal: whour(4), urgent: whour(1) },
    dispatch: { normal: whour(1), urgent: whour(1) },
    // the street signs for a forwarded application within a working day
    sign: { normal: wday(1), urgent: whour(4) },
    verify: { normal: whour(4), urgent: whour(2) },
  },
  // The promised date is the case's own deadline (due_at): from the day after acceptance, and in
  // full again from the day after the materials arrive when it comes back from 补正 (resume).
  ownDue: ({ detail, from }, cal) => {
    const l = limitOf(detail, 'promisedLimit');
    return l ? promisedDue(cal, chinaDate(from), l) : null;
  },
  // 延期 never past the legal limit, counted from the same start.
  latestDue: ({ detail, from }, cal) => {
    const l = limitOf(detail, 'legalLimit');
    return l ? promisedDue(cal, chinaDate(from), l) : null;
  },
  words: {
    reported: { zh: '已受理', en: 'Accepted' },
    handling: { zh: '办理中', en: 'Handling' },
    pending: { zh: '待补正', en: 'Awaiting materials' },
    dispatched: { zh: '已转办待签收', en: 'Forwarded' },
    closed: { zh: '已办结', en: 'Concluded' },
    rejected: { zh: '不予受理/终止', en: 'Not accepted / terminated' },
    accept: { zh: '后台受理', en: 'Take up' },
    suspend: { zh: '告知补正', en: 'Ask for materials (补正)' },
    resume: { zh: '补正到位', en: 'Materials received' },
    dispatch: { zh: '转办', en: 'Forward' },
    feedback: { zh: '反馈结果', en: 'Report the result' },
    verify: { zh: '办结', en: 'Conclude' },
    reject: { zh: '终止/不予受理', en: 'Terminate / not accept' },
    extend_request: { zh: '申请延期', en: 'Request an extension' },
    extend_decide: { zh: '审批延期', en: 'Decide the extension' },
  },
  reopenDays: 0,
  indicators: ['closureRate', 'onTimeRate', 'avgHours'],
};
