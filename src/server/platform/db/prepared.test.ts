import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneDatabase, dbUrl } from '../../../../test/helpers/app.js';
import { createDb, type Db, prepared } from './index.js';

let db: Db;
let other: Db;
beforeAll(async () => {
  const url = dbUrl(await cloneDatabase());
  db = createDb(url, { max: 1 });
  other = createDb(url, { max: 1 });
  await sql`CREATE TABLE scratch (id int PRIMARY KEY, name text)`.execute(db);
  await sql`INSERT INTO scratch VALUES (1, 'a'), (2, 'b')`.execute(db);
});
afterAll(async () => {
  await db?.destroy();
  await other?.destroy();
});

describe('prepared statements', () => {
  const byId = (id: number) =>
    db
      .selectFrom('scratch' as never)
      .selectAll()
      .where('id' as never, '=', id as never);

  it('runs a marked query as a named statement: parsed once per connection, answers as before', async () => {
    expect(await prepared(db, byId(1))).toEqual([{ id: 1, name: 'a' }]);
    expect(await prepared(db, byId(2))).toEqual([{ id: 2, name: 'b' }]);
    const r = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE '%scratch%'`.execute(db);
    expect(r.rows[0]!.n).toBe(1);
  });

  it('survives a table changed under its SELECT * by another instance (a rolling upgrade)', async () => {
    await prepared(db, byId(1));
    await sql`ALTER TABLE scratch ADD COLUMN note text`.execute(other);
    expect(await prepared(db, byId(1))).toEqual([{ id: 1, name: 'a', note: null }]);
  });
});
