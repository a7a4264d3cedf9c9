import { SYSTEM_ACTOR } from '../../engines/cases/sweep.js';
import { DEMO } from '../../platform/demo.js';
import { inTx, type Services, systemCtx } from '../../platform/services.js';
import { seedCatalogue } from './window.catalogue.js';
import { windowService } from './window.service.js';

/** The demo street's catalogue: the 45 community matters of [004] at 城关街道, effective since 2025. */
export async function seedDemoWindow(s: Services): Promise<void> {
  const street = await s.db
    .selectFrom('areas')
    .select('id')
    .where('code', '=', DEMO.street.code)
    .executeTakeFirst();
  if (!street) return;
  const have = await s.db
    .selectFrom('windowMatters')
    .select('id')
    .where('areaId', '=', street.id)
    .limit(1)
    .executeTakeFirst();
  if (have) return;
  const svc = windowService(s);
  const ctx = systemCtx(SYSTEM_ACTOR);
  await inTx(s, ctx, async (trx) => {
    for (const m of seedCatalogue('2025-01-01')) await svc.insertIn(trx, ctx, street.id, m);
  });
}
