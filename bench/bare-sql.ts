/**
 * The baseline of the read-route ratios (issue 22), run by bench/foundation.ts in its own process
 * as the app runs in its own: a bare Fastify server whose route `GET /r/<name>` runs the very
 * statements the app's route ran for one request (recorded at the pg client: text, parameters,
 * prepared-statement name, in order, on one connection) with a pool of the app's size, and
 * answers the last statement's rows as JSON. What the app adds over this is the app's own cost:
 * routing, the session and permission checks in JS, zod, presenters, serialisation.
 *
 * Usage: node --import tsx bench/bare-sql.ts <spec.json>   (spec: { url, port, pool, routes })
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import pg from 'pg';

export interface Stmt {
  text: string;
  values?: unknown[];
  name?: string;
}
export interface BareSpec {
  url: string;
  port: number;
  pool: number;
  routes: Record<string, Stmt[]>;
}

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as BareSpec;
const pool = new pg.Pool({ connectionString: spec.url, max: spec.pool });
pool.on('error', () => {});
const app = Fastify();
for (const [name, stmts] of Object.entries(spec.routes)) {
  app.get(`/r/${name}`, async () => {
    const client = await pool.connect();
    try {
      let rows: unknown[] = [];
      for (const s of stmts)
        rows = (await client.query(s.name ? { name: s.name, text: s.text, values: s.values } : s)).rows;
      return { rows };
    } finally {
      client.release();
    }
  });
}
await app.listen({ port: spec.port, host: '127.0.0.1' });
process.on('SIGTERM', async () => {
  await app.close();
  await pool.end();
  process.exit(0);
});
console.error('bare-sql ready');
