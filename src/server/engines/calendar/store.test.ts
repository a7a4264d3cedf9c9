import { describe, expect, it } from 'vitest';
import type { CaseLimit } from '../../../contract/cases.js';
import { overrideFor } from './store.js';

const row = (category: string, urgency: CaseLimit['urgency'], amount: number): CaseLimit => ({
  type: 'event',
  category,
  urgency,
  stage: 'handle',
  amount,
  unit: 'wday',
});

describe('the limits table (overrideFor)', () => {
  const limits = [
    row('*', '*', 9),
    row('fire', '*', 5),
    row('fire.exit', 'urgent', 1),
    row('fire.exit', '*', 2),
  ];
  const q = { type: 'event', group: 'fire', stage: 'handle' as const };

  it('takes the most specific override: category, then its group, then *; exact urgency before *', () => {
    expect(overrideFor(limits, { ...q, category: 'fire.exit', urgency: 'urgent' })?.amount).toBe(1);
    expect(overrideFor(limits, { ...q, category: 'fire.exit', urgency: 'normal' })?.amount).toBe(2);
    expect(overrideFor(limits, { ...q, category: 'fire.hydrant', urgency: 'normal' })?.amount).toBe(5);
    expect(
      overrideFor(limits, { ...q, category: 'order.parking', group: 'order', urgency: 'normal' })?.amount,
    ).toBe(9);
  });

  it('answers null when nothing matches the type or the stage', () => {
    expect(
      overrideFor(limits, { ...q, type: 'request', category: 'fire.exit', urgency: 'normal' }),
    ).toBeNull();
    expect(overrideFor(limits, { ...q, stage: 'sign', category: 'fire.exit', urgency: 'normal' })).toBeNull();
  });
});
