import { sql } from 'kysely';
import { DISPUTE_OUTCOMES } from '../../../contract/case-codes.js';
import { ACTION_LABELS, type CaseState, STATE_LABELS, type TimelineKind } from '../../../contract/cases.js';
import { type Conn, prepared } from '../../platform/db/index.js';
import { type Message, writeInApp } from '../notifications/notifications.js';
import type { CaseRow } from './definition.js';

/**
 * Users who hold `permission` through an assignment on one of `areaIds` exactly (the people at
 * that level of the tree: a community's secretary, a street's administrators).
 */
export async function holdersAt(conn: Conn, permission: string, areaIds: number[]): Promise<number[]> {
  if (areaIds.length === 0) return [];
  const rows = await prepared(
    conn,
    conn
      .selectFrom('userRoles as ur')
      .innerJoin('rolePermissions as rp', 'rp.roleId', 'ur.roleId')
      .innerJoin('users as u', 'u.id', 'ur.userId')
      .select('ur.userId')
      .distinct()
      .where('rp.permission', '=', permission)
      .where('ur.pending', '=', false)
      .where('ur.areaId', '=', sql<number>`ANY (${areaIds}::bigint[])`)
      .where('u.status', '=', 'active'),
  );
  return rows.map((r) => r.userId);
}

/** The ancestors of a case's node, nearest first, with their kinds (from its ltree path). */
export async function ancestorsOf(conn: Conn, path: string): Promise<{ id: number; kind: string }[]> {
  const ids = path.split('.').map(Number);
  const rows = await prepared(
    conn,
    conn.selectFrom('areas').select(['id', 'kind']).where('id', '=', sql<number>`ANY (${ids}::bigint[])`),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids
    .reverse()
    .map((id) => byId.get(id))
    .filter((r): r is { id: number; kind: string } => !!r);
}

/** The node of the given kind above (or at) the case's node. */
export function levelNode(ancestors: { id: number; kind: string }[], kind: string): number | null {
  return ancestors.find((a) => a.kind === kind)?.id ?? null;
}

export interface Notice {
  kind: TimelineKind | 'escalate';
  state?: CaseState;
  /** Set: the text every recipient reads (the sweep's warnings). */
  textZh?: string;
  textEn?: string;
  /** Who acted, by name (the sentence's subject). */
  actor?: string;
  /** The recipient a dispatch names ("派给了你") and the reporter ("你上报的"). */
  assigneeUserId?: number | null;
  reporterUserId?: number | null;
  /** What the step recorded (the timeline entry's data) and its comment. */
  data?: Record<string, unknown>;
  comment?: string | null;
}

type Words = { zh: string; en: string };

const unitWords: Record<string, Words> = {
  wday: { zh: '个工作日', en: ' working days' },
  whour: { zh: '个工作小时', en: ' working hours' },
  wmin: { zh: '个工作分钟', en: ' working minutes' },
  day: { zh: '天', en: ' days' },
};
const OUTCOMES: Record<string, Words> = Object.fromEntries(DISPUTE_OUTCOMES.map((o) => [o.code, o]));

const clip = (t: string, n = 40) => (Array.from(t).length > n ? `${Array.from(t).slice(0, n).join('')}…` : t);

/**
 * What one recipient reads of a step on a case, as a sentence with the actor's name and what it
 * asks of them (issue 16): "王建国 把案件派给了你，请签收", not "派遣，当前状态：待签收".
 * `you`: the recipient is the case's assignee or its reporter (the sentence says "你").
 */
export function noticeText(n: Notice, you: 'assignee' | 'reporter' | null): Words {
  if (n.textZh && n.textEn) return { zh: n.textZh, en: n.textEn };
  const a = n.actor ?? '';
  const ae = n.actor ?? 'Someone';
  const d = n.data ?? {};
  const assignee = typeof d.assignee === 'string' ? d.assignee : '';
  switch (n.kind) {
    case 'report':
      return { zh: `${a} 上报了新案件，请及时受理`, en: `${ae} reported a new case; please accept it` };
    case 'accept':
      return you === 'reporter'
        ? { zh: `${a} 受理了你上报的案件`, en: `${ae} accepted the case you reported` }
        : { zh: `${a} 受理了案件`, en: `${ae} accepted the case` };
    case 'reject':
      return d.reason === 'duplicate'
        ? { zh: `${a} 将案件作为重复件合并，不再单独办理`, en: `${ae} merged the case as a duplicate` }
        : { zh: `${a} 对案件不予受理`, en: `${ae} rejected the case` };
    case 'dispatch':
      return you === 'assignee'
        ? { zh: `${a} 把案件派给了你，请签收`, en: `${ae} dispatched the case to you; please sign for it` }
        : { zh: `${a} 把案件派给了 ${assignee} 处置`, en: `${ae} dispatched the case to ${assignee}` };
    case 'sign':
      return { zh: `${a} 已签收案件，开始处置`, en: `${ae} signed for the case and is handling it` };
    case 'return':
      return { zh: `${a} 退回了案件，请重新派遣`, en: `${ae} returned the case; please dispatch it again` };
    case 'feedback':
      return you === 'reporter'
        ? {
            zh: `${a} 已处置你上报的案件，等待核查`,
            en: `${ae} handled the case you reported; it awaits verification`,
          }
        : { zh: `${a} 反馈了处置结果，请核查`, en: `${ae} reported back; please verify` };
    case 'verify':
      if (d.passed === false)
        return you === 'assignee'
          ? { zh: `${a} 核查未通过，请重新处置`, en: `${ae} found the work not done; please handle it again` }
          : {
              zh: `${a} 核查未通过，案件退回重新处置`,
              en: `${ae} found the work not done; back to handling`,
            };
      return { zh: `${a} 核查通过，案件已结案`, en: `${ae} verified the work; the case is closed` };
    case 'rate':
      return {
        zh: `${a} 评价了案件（${d.rating ?? '—'} 星）`,
        en: `${ae} rated the case (${d.rating ?? '—'} stars)`,
      };
    case 'extend_request': {
      const u = unitWords[String(d.unit)] ?? { zh: '', en: '' };
      return {
        zh: `${a} 申请延期 ${d.amount ?? ''}${u.zh}，请审批`,
        en: `${ae} asks for ${d.amount ?? ''}${u.en} more; please decide`,
      };
    }
    case 'extend_decide':
      return d.approved
        ? { zh: `${a} 批准了延期申请`, en: `${ae} approved the extension` }
        : {
            zh: `${a} 未批准延期申请，请按原期限办理`,
            en: `${ae} refused the extension; the deadline stands`,
          };
    case 'suspend':
      return { zh: `${a} 将案件挂账，暂停办理`, en: `${ae} put the case on the pending list` };
    case 'resume':
      return {
        zh: `${a} 恢复办理案件，处置期限重新计算`,
        en: `${ae} resumed the case with a fresh deadline`,
      };
    case 'supervise':
      return { zh: `${a} 督办此案件，请加快办理`, en: `${ae} is supervising the case; please speed it up` };
    case 'remind':
      return { zh: `${a} 催办此案件，请尽快处理`, en: `${ae} sent a reminder; please deal with it soon` };
    case 'reopen':
      return { zh: `${a} 重新启动了案件办理`, en: `${ae} reopened the case` };
    case 'comment':
      return n.comment
        ? { zh: `${a} 添加了备注：${clip(n.comment)}`, en: `${ae} commented: ${clip(n.comment)}` }
        : { zh: `${a} 添加了备注`, en: `${ae} added a comment` };
    case 'mediate':
      return { zh: `${a} 记录了一次调解`, en: `${ae} recorded a mediation session` };
    case 'conclude': {
      const o = OUTCOMES[String(d.outcome)];
      return {
        zh: `${a} 登记了调解结果：${o?.zh ?? ''}`,
        en: `${ae} recorded the outcome: ${o?.en ?? ''}`,
      };
    }
    case 'follow_up':
      return { zh: `${a} 回访了案件`, en: `${ae} followed the case up` };
    default: {
      const label = ACTION_LABELS[n.kind];
      const state = n.state ? STATE_LABELS[n.state] : null;
      return {
        zh: `${a} ${label.zh}${state ? `，案件现在${state.zh}` : ''}`.trim(),
        en: `${ae}: ${label.en.toLowerCase()}${state ? `; the case is now ${state.en.toLowerCase()}` : ''}`,
      };
    }
  }
}

/**
 * The notifications of one change of a case: who hears of it (each recipient once, not the
 * actor) and what each reads. Null when nobody is to hear of it.
 */
export function notice(
  c: Pick<CaseRow, 'id' | 'no' | 'title'>,
  recipients: (number | null | undefined)[],
  exclude: number | null,
  n: Notice,
) {
  const userIds = [...new Set(recipients.filter((r): r is number => typeof r === 'number' && r !== exclude))];
  if (userIds.length === 0) return null;
  const bodies = userIds.map((id) =>
    noticeText(
      n,
      n.assigneeUserId != null && id === n.assigneeUserId
        ? 'assignee'
        : n.reporterUserId != null && id === n.reporterUserId
          ? 'reporter'
          : null,
    ),
  );
  return {
    userIds,
    text: {
      caseId: c.id,
      kind: n.kind,
      titleZh: `【${c.no}】${c.title}`,
      titleEn: `[${c.no}] ${c.title}`,
    },
    bodyZh: bodies.map((b) => b.zh),
    bodyEn: bodies.map((b) => b.en),
  };
}

/** The messages of a notice, one per recipient (engines/notifications). */
export function messagesOf(x: ReturnType<typeof notice>): Message[] {
  return x
    ? x.userIds.map((userId, i) => ({ userId, ...x.text, bodyZh: x.bodyZh[i]!, bodyEn: x.bodyEn[i]! }))
    : [];
}

/**
 * Writes one notification per recipient (not the actor), in the caller's transaction; the
 * messages are added to `out` for the transports once the transaction has committed.
 */
export async function notify(
  conn: Conn,
  c: Pick<CaseRow, 'id' | 'no' | 'title'>,
  recipients: (number | null | undefined)[],
  exclude: number | null,
  n: Notice,
  at: Date,
  out?: Message[],
): Promise<void> {
  const messages = messagesOf(notice(c, recipients, exclude, n));
  await writeInApp(conn, messages, at);
  out?.push(...messages);
}
