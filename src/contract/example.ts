import { z } from 'zod';
import type { Category, Limit } from './case-codes.js';
import { caseCreateSchema } from './cases.js';

/**
 * The example module's contract (docs/modules.md walks through it): 公共设施报修, repairs of shared
 * facilities in a compound, a case type with two actions. Its codes and the body that reports one.
 */

const wd = (amount: number): Limit => ({ amount, unit: 'wday' });

/** Repair categories: groups with their handling limit, leaves under them. */
export const REPAIR_CATEGORIES: Category[] = [
  { code: 'water', parent: null, zh: '水电', en: 'Water and power', handle: wd(2) },
  { code: 'water.leak', parent: 'water', zh: '公共管道漏水', en: 'Leaking shared pipe' },
  { code: 'water.light', parent: 'water', zh: '楼道灯不亮', en: 'Stairwell light out' },
  { code: 'common', parent: null, zh: '公共设施', en: 'Shared facilities', handle: wd(5) },
  { code: 'common.door', parent: 'common', zh: '单元门损坏', en: 'Broken entrance door' },
  { code: 'common.lift', parent: 'common', zh: '电梯故障', en: 'Lift out of order' },
];

/** What a repair records besides the common fields: where in the building. */
export const RepairDetail = z.strictObject({
  floor: z.number().int().min(-5).max(100).optional(),
});

/** The body reporting a repair: the common fields of every case and the repair's detail. */
export const RepairCreate = caseCreateSchema('repair', RepairDetail.default({}));
export type RepairCreate = z.infer<typeof RepairCreate>;
