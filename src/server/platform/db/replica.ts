import { sql } from 'kysely';
import { createDb, type Db, isDbUnavailable } from './index.js';

/**
 * Reads that may come from a streaming replica (READ_DATABASE_URL, issue 22): the dashboard, the
 * screen, exports and report generation — figures, where an answer some seconds old is right if
 * it says so. Everything else reads and writes the primary.
 *
 * `use()` answers the connection to read from and how old its data may be:
 *  - the replica while it answers, with how old its data may be: when it has replayed all it
 *    received, the time since the primary sent its last message (the replica has everything the
 *    primary had then); else the time since the last transaction it replayed; plus the time
 *    since that was checked. An upper bound, never an underestimate: the freshness shown to the
 *    user, "数据计算于 …", is the computation time minus this lag;
 *  - the primary (lag 0) when no replica is configured, or when the replica does not answer —
 *    with one log line when it goes and one when it is back, never an error to the user.
 * The replica's state is checked at most every `checkEveryMs` (a failed check is retried after
 * the same interval, so a dead replica costs one connection timeout per interval, not per read).
 */
export interface ReadSource {
  db: Db;
  /** Milliseconds the data may lag behind the primary. */
  lagMs: number;
  replica: boolean;
}

export class ReadReplica {
  private readonly replica: Db | null;
  private state: { at: number; ok: boolean; lagMs: number } | null = null;
  private checking: Promise<void> | null = null;

  constructor(
    private readonly primary: Db,
    url: string | null,
    private readonly log: { warn(m: string): void; info(m: string): void },
    private readonly checkEveryMs = 5000,
    replica?: Db,
  ) {
    this.replica = replica ?? (url ? createDb(url, { max: 10, log: () => {} }) : null);
  }

  get configured(): boolean {
    return this.replica !== null;
  }

  async use(): Promise<ReadSource> {
    if (!this.replica) return { db: this.primary, lagMs: 0, replica: false };
    if (!this.state || Date.now() - this.state.at >= this.checkEveryMs) {
      this.checking ??= this.check().finally(() => {
        this.checking = null;
      });
      await this.checking;
    }
    const st = this.state!;
    // The lag as checked, plus the time since the check: never younger than the data may be.
    return st.ok
      ? { db: this.replica, lagMs: st.lagMs + (Date.now() - st.at), replica: true }
      : { db: this.primary, lagMs: 0, replica: false };
  }

  private async check(): Promise<void> {
    const was = this.state?.ok;
    try {
      const r = await sql<{ recovery: boolean; lagMs: number | null }>`
        SELECT pg_is_in_recovery() AS recovery,
               extract(epoch FROM now() - CASE
                 WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn()
                   THEN coalesce((SELECT last_msg_send_time FROM pg_stat_wal_receiver), pg_last_xact_replay_timestamp())
                 ELSE pg_last_xact_replay_timestamp() END) * 1000 AS "lagMs"`.execute(this.replica!);
      const row = r.rows[0]!;
      // A server out of recovery (promoted) is a primary of its own: reading it would show data
      // the real primary no longer has. Read the configured primary instead.
      const ok = row.recovery;
      this.state = { at: Date.now(), ok, lagMs: Math.max(0, Math.round(Number(row.lagMs ?? 0))) };
      if (!ok && was !== false)
        this.log.warn('read replica is not in recovery (promoted?): figures are read from the primary');
      else if (ok && was === false) this.log.info('read replica is back: figures are read from it again');
    } catch (e) {
      this.state = { at: Date.now(), ok: false, lagMs: 0 };
      if (was !== false)
        this.log.warn(
          `read replica unavailable (${isDbUnavailable(e) ? 'not reachable' : ((e as Error)?.message ?? e)}): figures are read from the primary`,
        );
    }
  }

  async close(): Promise<void> {
    await this.replica?.destroy().catch(() => {});
  }
}

/** The time the figures are as of: computed `at`, from data up to `lagMs` older. */
export const dataAsOf = (at: Date, src: Pick<ReadSource, 'lagMs'>) => new Date(at.getTime() - src.lagMs);
