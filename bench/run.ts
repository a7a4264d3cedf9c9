// `npm run bench [name]`: runs the benchmarks and prints their figures (never asserted in tests).
import { benchCases } from './cases.js';
import { benchDashboard } from './dashboard.js';
import { benchFirstload } from './firstload.js';
import { benchFoundation } from './foundation.js';
import { installGuard } from './lib.js';
import { benchLimits } from './limits.js';
import { benchRegistry } from './registry.js';
import { benchVisits } from './visits.js';

const benches: Record<string, () => Promise<void>> = {
  foundation: benchFoundation,
  registry: benchRegistry,
  cases: benchCases,
  visits: benchVisits,
  dashboard: benchDashboard,
  firstload: benchFirstload,
  limits: benchLimits,
};
installGuard();
const only = process.argv[2];
for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue;
  console.log(`\n# bench: ${name}`);
  await run();
}
