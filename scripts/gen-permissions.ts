/**
 * Writes docs/permissions.md from the permission matrix (test/trust/matrix.ts): per route, per
 * role, per position of the record relative to the role's node, the expected outcome.
 * Run: npx tsx scripts/gen-permissions.ts — test/trust/matrix.test.ts fails when the file is stale.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  expectedGlobal,
  expectedRecord,
  MATRIX,
  type Outcome,
  POSITION_LABELS,
  POSITIONS,
  placementKind,
  positionKind,
  RECORDS,
  ROLES,
  standingAt,
} from '../test/trust/matrix.js';

const SHORT: Record<string, string> = { same: 'S', child: 'C', parent: 'P', sibling: 'B', other: 'O' };

const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;
const width = (s: string) => [...s].reduce((n, ch) => n + (WIDE.test(ch) ? 2 : 1), 0);

/** A Markdown table with padded columns, so that `biome format` leaves the file as it is. */
function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(3, width(h), ...rows.map((r) => width(r[i]!))));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join(' | ')} |`;
  return [line(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

const mark = (o: Outcome) => (o === 'ok' ? '✓' : o === 'n/a' ? '—' : String(o));

/** One cell per role: the outcomes at S C P B O, e.g. `✓ ✓ 404 404 404`. */
function cells(f: (role: (typeof ROLES)[number], p: (typeof POSITIONS)[number]) => Outcome): string[] {
  return ROLES.map((r) => POSITIONS.map((p) => mark(f(r, p))).join(' '));
}

export function renderPermissionsDoc(): string {
  const head = ['Route', 'Record', ...ROLES.map((r) => r.role)];
  const rows: string[][] = [];
  const plain: string[][] = [];
  for (const [key, e] of Object.entries(MATRIX)) {
    const route = `\`${key}\``;
    if (e.kind === 'no-record') {
      plain.push([route, e.reason]);
    } else if (e.kind === 'public') {
      const seen = e.records
        .map((x) =>
          x.offered
            ? `${RECORDS[x.record].label}: ${x.shows.join(' and ') || 'nothing'} shown`
            : `${RECORDS[x.record].label}: never (404 by number)`,
        )
        .join('; ');
      plain.push([route, `public (GeoReport v2, anyone) — ${seen}; contacts and parties never`]);
    } else if (e.kind === 'global') {
      rows.push([
        route,
        `— (${e.reason})`,
        ...cells((r, p) =>
          positionKind(r, p) ? expectedGlobal(e.permission, standingAt(r.role, p)) : 'n/a',
        ),
      ]);
    } else if (e.kind === 'list') {
      rows.push([
        route,
        `list of ${e.records.map((x) => RECORDS[x.record].label).join(', ')}`,
        ...cells((r, p) =>
          positionKind(r, p) ? expectedGlobal(e.permission, standingAt(r.role, p)) : 'n/a',
        ),
      ]);
    } else {
      for (const v of e.variants) {
        rows.push([
          v.label ? `${route} (${v.label})` : route,
          RECORDS[v.record].label,
          ...cells((r, p) => {
            const k = positionKind(r, p);
            if (!k || !placementKind(v.record, k)) return 'n/a';
            return expectedRecord(e.permission, v, standingAt(r.role, p, placementKind(v.record, k) === k));
          }),
        ]);
      }
    }
  }
  const roles = table(
    ['Role', 'Demo account', 'Own node'],
    ROLES.map((r) => [r.role, `\`${r.account}\``, r.scopeKind]),
  );
  const positions = table(
    ['Position', 'Record placed at'],
    POSITIONS.map((p) => [`${SHORT[p]} (${p})`, POSITION_LABELS[p]]),
  );
  return `# Permission matrix

<!-- Generated from test/trust/matrix.ts by \`npx tsx scripts/gen-permissions.ts\`; do not edit by hand. -->

Who may do what to a record, by where the record lies relative to the role's own node. The table
below is generated from the declarative matrix in \`test/trust/matrix.ts\` (one entry per route the
app serves); the expected outcomes are derived there from each role's grants (the module
manifests) and whether the record's area lies in the role's scope — they are not written per case.
\`test/trust/matrix.test.ts\` runs every case against the seeded demo street plus a second district,
fails when a route has no entry (or an entry names a route that is gone), and fails when this file
is out of date: regenerate it with \`npx tsx scripts/gen-permissions.ts\`.

Each role cell gives the outcome at the five positions, in order S C P B O:

${positions}

Outcomes: ✓ the request succeeds (2xx) and a read shows the record; 404 the record is outside the
role's read scope (its existence is not revealed, and the answer names nothing of it); 403 the
role lacks the route's permission altogether, or may read the record but not change it; — no such
position for the role (a district has no parent) or the record cannot sit there. For lists, counts,
exports and indicators ✓ means the call succeeds, and records seeded at every position with unique
markers appear only where the role's scope covers them. A person's sensitive tag (严重精神障碍, \`tag.mental\`) never
appears for a role that does not hold its tag permission over the person.

Roles (demo accounts; each holds one role on one node):

${roles}

${table(head, rows)}

Routes that read or write no area-scoped record:

${table(['Route', 'Why'], plain)}
`;
}

export const PERMISSIONS_DOC_PATH = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../docs/permissions.md',
);

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(PERMISSIONS_DOC_PATH, renderPermissionsDoc());
  console.log(`wrote ${path.relative(process.cwd(), PERMISSIONS_DOC_PATH)}`);
}
