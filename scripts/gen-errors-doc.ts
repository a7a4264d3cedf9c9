/**
 * Writes docs/errors.md from the error catalogue (src/server/platform/errors/catalogue.ts).
 * Run: npx tsx scripts/gen-errors-doc.ts — test/routes.test.ts fails when the file is stale.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ERRORS } from '../src/server/platform/errors/catalogue.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Display width: CJK and full-width characters take two columns (as the formatter counts them). */
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

export function renderErrorsDoc(): string {
  const rows = Object.entries(ERRORS).map(([code, e]) => [
    `\`${code}\``,
    String(e.status),
    cell(e.zh),
    cell(e.en),
  ]);
  return `# API errors

<!-- Generated from src/server/platform/errors/catalogue.ts by \`npx tsx scripts/gen-errors-doc.ts\`; do not edit by hand. -->

Every error the API answers with has the same JSON envelope:

\`\`\`json
{
  "code": "VALIDATION_FAILED",
  "message": "请求内容有误：name",
  "requestId": "m1x2y3-4-abcdef",
  "issues": [{ "path": "name", "code": "too_small", "message": "数值过小：期望 string >=1 字符" }]
}
\`\`\`

- \`code\` is stable: clients branch on it, never on the message.
- \`message\` is in the request's language (\`Accept-Language: zh-CN\`, the default, or \`en\`);
  \`{placeholders}\` below are filled in from the error.
- \`requestId\` is also sent as the \`x-request-id\` header and appears in the server log.
- \`issues\` (validation errors only) names each field that failed: \`path\` is dotted
  (\`boundary.coordinates\`, \`query.page\`, \`params.id\`), \`code\` is the check that failed and \`message\` says why.

${table(['Code', 'HTTP status', '中文', 'English'], rows)}
`;
}

export const ERRORS_DOC_PATH = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../docs/errors.md',
);

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  writeFileSync(ERRORS_DOC_PATH, renderErrorsDoc());
  console.log(`wrote ${path.relative(process.cwd(), ERRORS_DOC_PATH)} (${Object.keys(ERRORS).length} codes)`);
}
