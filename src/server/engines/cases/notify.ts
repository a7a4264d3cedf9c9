import { sql } from 'kysely';
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
  textZh?: string;
  textEn?: string;
}

/**
 * The notifications of one change of a case: who hears of it (each recipient once, not the
 * actor) and what they read. Null when nobody is to hear of it.
 */
export function notice(
  c: Pick<CaseRow, 'id' | 'no' | 'title'>,
  recipients: (number | null | undefined)[],
  exclude: number | null,
  n: Notice,
) {
  const userIds = [...new Set(recipients.filter((r): r is number => typeof r === 'number' && r !== exclude))];
  if (userIds.length === 0) return null;
  const label = ACTION_LABELS[n.kind];
  const state = n.state ? STATE_LABELS[n.state] : null;
  return {
    userIds,
    text: {
      caseId: c.id,
      kind: n.kind,
      titleZh: `【${c.no}】${c.title}`,
      titleEn: `[${c.no}] ${c.title}`,
      bodyZh: n.textZh ?? `${label.zh}${state ? `，当前状态：${state.zh}` : ''}`,
      bodyEn: n.textEn ?? `${label.en}${state ? `; now: ${state.en}` : ''}`,
    },
  };
}

/** The messages of a notice, one per recipient (engines/notifications). */
export function messagesOf(x: ReturnType<typeof notice>): Message[] {
  return x ? x.userIds.map((userId) => ({ userId, ...x.text })) : [];
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
