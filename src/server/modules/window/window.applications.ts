import {
  type ApplicationAccept,
  type ApplicationDetail,
  departmentCategory,
} from '../../../contract/window.js';
import { chinaDate } from '../../engines/calendar/calendar.js';
import { calendarFor } from '../../engines/calendar/store.js';
import { caseEngine } from '../../engines/cases/engine.js';
import { timingsFor } from '../../engines/cases/timings.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { Ctx, Services } from '../../platform/services.js';
import { deadlinesAt } from './window.rules.js';
import type { WindowService } from './window.service.js';

const refuse = (path: string, zh: string, en: string, lang: 'zh' | 'en') =>
  new AppError('VALIDATION_FAILED', { fields: path }, [
    { path, code: 'custom', message: lang === 'zh' ? zh : en },
  ]);

/**
 * The window desk's acceptance (一窗受理): the materials handed in are checked against the
 * matter's current version — every 必要 material, and every 容缺可 one unless the applicant takes
 * 容缺 — the promised dates are computed on the working-day calendar from the day after
 * acceptance (rules 8, 9, 13), and the application is registered on the case engine as a
 * `service_application` holding the version it was accepted under. A refused intake writes
 * nothing; the desk prints the 一次性告知单 instead (GET …/notice.pdf).
 */
export function windowApplications(s: Services, svc: WindowService) {
  const engine = () => caseEngine(s, timingsFor(s));

  async function accept(ctx: Ctx, input: ApplicationAccept, idempotencyKey?: string) {
    const m = await svc.get(ctx, input.matterId);
    if (!m.current || m.status !== 'effective')
      throw refuse('matterId', '该事项不是现行有效版本', 'This matter is not the version in force', ctx.lang);
    const provided = new Set(input.provided);
    const bad = input.provided.find((i) => i >= m.materials.length);
    if (bad !== undefined)
      throw refuse('provided', `没有第 ${bad + 1} 项材料`, `No material number ${bad + 1}`, ctx.lang);
    const missing = m.materials
      .map((x, i) => ({ ...x, i }))
      .filter((x) => !provided.has(x.i) && x.necessity !== 'optional');
    const required = missing.filter((x) => x.necessity === 'required');
    if (required.length)
      throw refuse(
        'provided',
        `缺少必要材料：${required.map((x) => x.name).join('、')}，不能受理，请出具一次性告知单`,
        `Required materials missing: ${required.map((x) => x.name).join(', ')}; give the one-time notice instead`,
        ctx.lang,
      );
    if (missing.length && !input.gap)
      throw refuse(
        'gap',
        `缺少材料：${missing.map((x) => x.name).join('、')}；可容缺受理（申请人签署承诺书）或出具一次性告知单`,
        `Materials missing: ${missing.map((x) => x.name).join(', ')}; accept with 容缺 (signed promise) or give the notice`,
        ctx.lang,
      );
    if (input.agentName && !input.authorisation)
      throw refuse(
        'authorisation',
        '代理人办理须登记授权委托',
        'An agent needs an authorisation on record',
        ctx.lang,
      );
    const { calendar } = await calendarFor(s).get();
    const acceptedOn = svc.today();
    const gap = missing.length > 0;
    const d = deadlinesAt(calendar, acceptedOn, m, { gap, supplementDays: input.supplementDays });
    const detail: ApplicationDetail = {
      matterId: m.id,
      matterVersion: m.version,
      matterName: m.name,
      intake: gap ? 'gap' : 'complete',
      missing: missing.map((x) => x.name),
      acceptedOn,
      promisedLimit: m.promisedLimit,
      legalLimit: m.legalLimit,
      limitUnit: m.limitUnit === 'day' ? 'day' : 'wday',
      supplementDueOn: d.supplementDueOn,
      forwardDueOn: d.forwardDueOn,
      instant: m.instant,
      applicantName: input.applicantName,
      agentName: input.agentName ?? null,
      agentKind: input.agentKind ?? null,
      authorisation: input.authorisation ?? null,
    };
    const r = await engine().create(
      ctx,
      {
        type: 'service_application',
        category: departmentCategory(m.department),
        urgency: 'normal',
        title: `${m.name}（${input.applicantName}）`.slice(0, 100),
        description: input.note,
        areaId: input.areaId,
        channel: input.channel,
        ...(input.personId ? { reporterPersonId: input.personId } : {}),
        contactName: input.applicantName,
        ...(input.contactPhone ? { contactPhone: input.contactPhone } : {}),
        public: false,
        detail,
      } as never,
      idempotencyKey ? { idempotencyKey } : {},
    );
    const row = await s.db
      .selectFrom('cases')
      .select('dueAt')
      .where('id', '=', r.id)
      .executeTakeFirstOrThrow();
    return { id: r.id, detail, dueAt: row.dueAt.toISOString(), dueOn: chinaDate(row.dueAt) };
  }

  return { accept };
}
