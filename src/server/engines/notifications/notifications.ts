import { sql } from 'kysely';
import type { Conn } from '../../platform/db/index.js';
import type { Services } from '../../platform/services.js';

/**
 * Notifications: the in-app messages behind the bell (`notifications`, written in the changing
 * transaction so nobody hears of a change that did not commit), and transports that carry the
 * same messages elsewhere after the commit (SMS, WeChat template messages — none ship yet).
 */

/** One message to one user, in both languages; `caseId` links it to a case page. */
export interface Message {
  userId: number;
  kind: string;
  titleZh: string;
  titleEn: string;
  bodyZh: string;
  bodyEn: string;
  caseId: number | null;
  /**
   * A number to send to instead of the user's own (a transport that cannot reach it drops the
   * message): the code confirming a resident's new phone number goes to the new number.
   */
  to?: string;
}

/**
 * A channel besides the bell. `send` runs after the change committed; a failure is logged and
 * never undoes the change (the in-app message is the record).
 */
export interface Transport {
  name: string;
  send(messages: Message[]): Promise<void>;
}

/** A transport that only records what it would send (tests, and a dry run of a new channel). */
export class RecordingTransport implements Transport {
  readonly name = 'recording';
  readonly sent: Message[] = [];
  async send(messages: Message[]): Promise<void> {
    this.sent.push(...messages);
  }
}

const transports = new WeakMap<Services, Transport[]>();

/** Sets the transports of a running app (boot.ts: none by default; tests add a recorder). */
export function registerTransports(s: Services, list: Transport[]): void {
  transports.set(s, list);
}

/** Adds a transport to a running app's list (a module's onStart: the demo's development transport). */
export function addTransport(s: Services, t: Transport): void {
  transports.set(s, [...(transports.get(s) ?? []), t]);
}

/** Hands committed messages to every transport; returns when all have answered. */
export async function deliver(s: Services, messages: Message[]): Promise<void> {
  const list = transports.get(s) ?? [];
  if (messages.length === 0 || list.length === 0) return;
  await Promise.all(
    list.map((t) =>
      t
        .send(messages)
        .catch((e) => s.log.warn(`notification transport ${t.name} failed: ${(e as Error)?.message ?? e}`)),
    ),
  );
}

/** Writes in-app messages in the caller's transaction. */
export async function writeInApp(conn: Conn, messages: Message[], at: Date): Promise<void> {
  if (messages.length === 0) return;
  await conn
    .insertInto('notifications')
    .values(messages.map((m) => ({ ...m, createdAt: at })))
    .execute();
}

/** The bell's figure: the user's unread messages. */
export async function unreadCount(conn: Conn, userId: number): Promise<number> {
  const r = await conn
    .selectFrom('notifications')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('userId', '=', userId)
    .where('readAt', 'is', null)
    .executeTakeFirst();
  return r?.n ?? 0;
}
