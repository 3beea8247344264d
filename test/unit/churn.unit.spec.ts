import { describe, expect, it } from 'vitest';
import { assessRisk, decideRisk, typicalGap } from '../../shared/domain/churn.js';
import { newCustomer, type CustomerRecord } from '../../shared/domain/customer.js';

const rule = { atRiskMultiple: 2, churnedMultiple: 4, defaultGapDays: 60 };
const now = new Date('2026-06-01T00:00:00Z');
const customer = (firstDay: string, lastDay: string, purchaseDays: number, risk?: CustomerRecord['risk']): CustomerRecord => ({
  ...newCustomer('c1'),
  summary: { orders: purchaseDays, purchaseDays, firstDay, lastDay, spend: 100, firstDaySpend: 10 },
  ...(risk ? { risk } : {}),
});

describe('churn rule v0', () => {
  it.each([
    ['2026-05-01', 'active'], // 31 days silent, cycle 30 → 1.03×
    ['2026-04-01', 'at-risk'], // 61 days → 2.03×
    ['2026-01-31', 'churned'], // 121 days → 4.03×
  ])('judges a customer last seen %s against their own 30-day cycle as %s', (last, level) => {
    const first = new Date(Date.parse(last) - 60 * 86_400_000).toISOString().slice(0, 10);
    expect(assessRisk(customer(first, last, 3), {}, rule, now)?.level).toBe(level);
  });

  it('judges a one-time buyer against the store typical gap, or the default without one', () => {
    const once = customer('2026-03-01', '2026-03-01', 1); // 92 days silent
    expect(assessRisk(once, { typicalGapDays: 40 }, rule, now)?.level).toBe('at-risk');
    expect(assessRisk(once, {}, rule, now)?.level).toBe('active');
  });

  it('does not assess a customer without purchases', () => {
    expect(assessRisk(newCustomer('c0'), {}, rule, now)).toBeNull();
  });

  it('emits a transition once: an unchanged level is not rewritten', () => {
    const c = customer('2026-01-01', '2026-04-01', 4);
    const a = assessRisk(c, {}, rule, now)!;
    const first = decideRisk(c, a, 'run-1', now);
    expect(first).toMatchObject({ kind: 'transition', event: { from: null, to: 'at-risk', lastOrderDay: '2026-04-01' } });
    const after = { ...c, risk: first.kind === 'transition' ? first.risk : undefined };
    expect(decideRisk(after, a, 'run-2', now)).toEqual({ kind: 'unchanged' });
  });

  it('takes the median of buying cycles as the typical gap', () => {
    expect(typicalGap([10, 30, 20])).toBe(20);
    expect(typicalGap([10, 20, 30, 40])).toBe(25);
    expect(typicalGap([])).toBeUndefined();
  });
});
