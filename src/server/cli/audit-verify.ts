import { boot } from '../boot.js';
import { verifyChain } from '../platform/audit/audit.js';
import { loadConfig } from '../platform/config.js';

// `npm run audit:verify`: walks the audit hash chain and names the first broken entry.
const runtime = await boot(
  { ...loadConfig(), seedDemo: false },
  { log: { info() {}, warn: console.warn, error: console.error } },
);
try {
  const r = await verifyChain(runtime.services.db);
  if (r.ok) console.log(`audit chain OK: ${r.checked} entries verified`);
  else
    console.log(
      `audit chain BROKEN at entry seq ${r.firstBrokenSeq}: ${r.reason} (${r.checked} entries verified before it)`,
    );
  process.exitCode = r.ok ? 0 : 1;
} finally {
  await runtime.close();
}
