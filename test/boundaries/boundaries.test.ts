import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

const run = (cwd: string, config: string, target: string, type: string) =>
  spawnSync(process.execPath, [bin, '--config', path.join(root, config), '--output-type', type, target], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });

/**
 * Runs depcruise with the rules `npm run lint` uses, in `cwd`: the exit status of the check as
 * lint runs it (`err` output), and the violations it names.
 */
function cruise(cwd: string, config: string, target: string) {
  const out = JSON.parse(run(cwd, config, target, 'json').stdout) as { summary: { violations: Violation[] } };
  return {
    status: run(cwd, config, target, 'err').status,
    violations: out.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort(),
  };
}

describe('module boundaries (.dependency-cruiser.cjs)', () => {
  it('refuses every deliberate violation of the fixture, and only those', () => {
    const fixture = path.join(root, 'test/boundaries/fixture');
    const ts = cruise(fixture, '.dependency-cruiser.cjs', 'src');
    const tsx = cruise(fixture, '.dependency-cruiser.tsx.cjs', 'src/web');
    expect(ts.status).not.toBe(0);
    expect(tsx.status).not.toBe(0);
    expect(ts.violations).toEqual(
      [
        'contract-is-pure: src/contract/codes.ts → src/server/platform/name.ts',
        'platform-imports-no-engine-or-module: src/server/platform/boot.ts → src/server/engines/tick/tick.ts',
        'engines-import-platform-and-contract: src/server/engines/clock/clock.ts → src/server/modules/alpha/alpha.rules.ts',
        'no-circular-engines: src/server/engines/clock/clock.ts → src/server/engines/tick/tick.ts',
        'module-imports-its-own-folder: src/server/modules/alpha/alpha.service.ts → src/server/modules/beta/beta.seed.ts',
        'module-imports-its-own-folder: src/server/modules/alpha/alpha.service.ts → src/server/modules/index.ts',
        'module-list-only-at-the-top: src/server/modules/alpha/alpha.service.ts → src/server/modules/index.ts',
        'no-test-code-in-src: src/server/modules/alpha/alpha.service.ts → test/helper.ts',
        'web-imports-contract-only: src/web/api.ts → src/server/modules/alpha/alpha.service.ts',
      ].sort(),
    );
    expect(tsx.violations).toContain(
      'web-imports-contract-only: src/web/Page.tsx → src/server/platform/name.ts',
    );
  });
});
