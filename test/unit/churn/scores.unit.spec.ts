import { describe, expect, it } from 'vitest';
import { gapPercentileFn, scoreAgainst, type ModelParams, type StoreModel } from '../../../shared/churn/model.js';
import { DEFAULT_RISK_CONFIG, decideScores, predictionOf, scoreCustomer as scoreOrFail, scorerCache, type Scored } from '../../../shared/churn/scores.js';
import { newCustomer, type CustomerRecord, type Prediction } from '../../../shared/customers/record.js';
import type { OrderSummary } from '../../../shared/orders/decide.js';
import { baseStats } from '../../../shared/churn/base-partial.js';

const now = new Date('2026-06-01T00:00:00Z');
const dayBefore = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
const summary = (firstAgo: number, lastAgo: number, purchaseDays: number, spend = 100): OrderSummary => ({
  orders: purchaseDays, purchaseDays, firstDay: dayBefore(firstAgo), lastDay: dayBefore(lastAgo), spend, firstDaySpend: spend / purchaseDays,
});
const customer = (s: OrderSummary, over: Partial<CustomerRecord> = {}): CustomerRecord => ({ ...newCustomer('c1'), summary: s, ...over });
/** The scored result with the prediction a write would store, failing the test when the customer could not be scored. */
function scoreCustomer(...args: Parameters<typeof scoreOrFail>): (Scored & { prediction?: Prediction }) | null {
  const s = scoreOrFail(...args);
  if (s && 'failed' in s) throw new Error(`unexpected scoring failure: ${s.failed}`);
  const prediction = s ? predictionOf(s, args[3]) : undefined;
  return s && prediction ? { ...s, prediction } : s;
}
/** A version 1 record, as stored before model selection: still read. */
const cdnowParams: ModelParams = {
  version: 3, fittedAt: '2026-05-31T00:00:00Z',
  paretoNbd: { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 },
  gammaGamma: { p: 6.25, q: 3.74, v: 15.44 },
  fit: { customers: 2357, repeatBuyers: 946, logLikelihood: -9595, gradNorm: 1e-7 },
};

describe('risk by rule (no reliable model yet)', () => {
  it.each([
    [31, 'active'], [61, 'at-risk'], [121, 'churned'],
  ])('judges a repeat buyer silent for %i days against a 30-day cycle as %s', (silent, level) => {
    const s = scoreCustomer(customer(summary(silent + 60, silent, 3)), {}, DEFAULT_RISK_CONFIG, now);
    expect(s).toMatchObject({ level, method: 'rule' });
  });

  it("judges a one-time buyer against the store's gap percentiles once measured", () => {
    // Given repeat buyers whose cycles are 10..100 days: p75 ≈ 77.5, p95 ≈ 95.5
    const base = Array.from({ length: 10 }, (_, i) => summary(400, 400 - 10 * (i + 1), 2));
    const model: StoreModel = { stats: baseStats(base, now) };
    expect(gapPercentileFn(model.stats)(0.75)).toBeCloseTo(77.5, 6);
    const once = (silent: number) => scoreCustomer(customer(summary(silent, silent, 1)), model, DEFAULT_RISK_CONFIG, now)?.level;
    expect([once(70), once(80), once(100)]).toEqual(['active', 'at-risk', 'churned']);
  });

  it('does not score a customer without purchases', () => {
    expect(scoreCustomer(newCustomer('c0'), {}, DEFAULT_RISK_CONFIG, now)).toBeNull();
  });
});

describe('risk by model (Pareto/NBD, CDNOW parameters)', () => {
  it('says the model produced the level and predicts P(alive), next order and CLV', () => {
    const s = scoreCustomer(customer(summary(38.86 * 7, (38.86 - 30.43) * 7, 3, 60)), { params: cdnowParams }, DEFAULT_RISK_CONFIG, now);
    expect(s).toMatchObject({ method: 'model', prediction: { modelVersion: 3 } });
    expect(s!.prediction!.pAlive).toBeGreaterThan(0.5);
    expect(s!.prediction!.clv12m).toBeGreaterThan(0);
  });

  it('gives a long-silent one-time buyer a low P(alive) — unlike BG/NBD, which would say 1', () => {
    const s = scoreCustomer(customer(summary(300, 300, 1)), { params: cdnowParams }, DEFAULT_RISK_CONFIG, now);
    expect(s!.prediction!.pAlive).toBeLessThan(0.3);
    expect(s!.level).toBe('churned');
  });
});

describe('writes only on change', () => {
  const c = customer(summary(150, 90, 3));
  const scored = scoreCustomer(c, {}, DEFAULT_RISK_CONFIG, now)!;

  it('updates and emits a transition the first time', () => {
    expect(decideScores(c, scored, 'run', now)).toMatchObject({ kind: 'update', event: { from: null, to: scored.level } });
  });
  it('is unchanged when level, method and segment are the same', () => {
    const d = decideScores(c, scored, 'run', now);
    const stored = { ...c, risk: d.kind === 'update' ? d.risk : undefined };
    expect(decideScores(stored, scored, 'run-2', now)).toEqual({ kind: 'unchanged' });
  });
  it('treats drifting back into the same level after a new purchase as a new entry', () => {
    const d = decideScores(c, scored, 'run', now);
    const stored = { ...c, risk: d.kind === 'update' ? d.risk : undefined };
    const again = decideScores(stored, { ...scored, lastOrderDay: dayBefore(10) }, 'run-2', now);
    expect(again).toMatchObject({ kind: 'update', event: { from: scored.level, to: scored.level, lastOrderDay: dayBefore(10) } });
  });

  it('writes a segment change without emitting a risk event, keeping the risk since-date', () => {
    const d = decideScores(c, scored, 'run', now);
    const stored = { ...c, risk: d.kind === 'update' ? d.risk : undefined };
    const moved = decideScores(stored, { ...scored, segment: 'Hibernating' }, 'run-2', new Date('2026-06-02T00:00:00Z'));
    expect(moved).toMatchObject({ kind: 'update', segment: 'Hibernating', risk: stored.risk });
    expect(moved.kind === 'update' && moved.event).toBeFalsy();
  });
});

describe('RFM cut points', () => {
  it('scores against ascending cuts, recency lower-is-better', () => {
    const cuts = [10, 20, 30, 40];
    expect([5, 10, 15, 45].map((v) => scoreAgainst(v, cuts, true))).toEqual([1, 1, 2, 5]);
    expect([5, 10, 15, 45].map((v) => scoreAgainst(v, cuts, false))).toEqual([5, 5, 4, 1]);
  });
});
