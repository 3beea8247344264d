/**
 * Sweep scoring with a version 2 model (planRefit's choice): ranked levels from the stored cut
 * points, predictions from the chosen model, priority for audiences, failures as values, and
 * when the sweep writes.
 */
import { describe, expect, it } from 'vitest';
import { gapPercentileFn, type ModelParams } from '../../../shared/churn/model.js';
import { DEFAULT_RISK_CONFIG, decideScores, historyOf, modelScoring, predictionOf, scoreCustomer, scorerCache, type Scored } from '../../../shared/churn/scores.js';
import { purchaseStats } from '../../../shared/orders/decide.js';
import { newCustomer, type CustomerRecord, type Prediction } from '../../../shared/customers/record.js';
import { factsOf } from '../../../shared/customers/facts.js';
import { matchesAudience } from '../../../shared/campaigns/audience.js';
import { Audience } from '../../../shared/campaigns/schema.js';
import type { OrderSummary } from '../../../shared/orders/decide.js';
import { planRefit } from '../../../shared/scoring/refit-plan.js';
import { simulateShop } from '../../../shared/scoring/simulate-shop.js';
import { makeRng } from '../../../shared/scoring/simulate.js';
import { gapObservationsFromDays } from '../../../shared/scoring/km.js';
import { baseStats } from '../../../shared/churn/base-partial.js';

const DAY = 86_400_000;
const END_DAY = 20_000 + 400;
const now = new Date(END_DAY * DAY + 3 * 3_600_000);
const iso = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

// A shop whose one-time buyers may drop out at once (MBG/NBD, CDNOW-like parameters).
const shop = simulateShop({ model: 'mbgnbd', params: { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 } }, { customers: 3000, acquisitionDays: 250, endDay: 400 }, makeRng(5))
  .map((days) => days.map((d) => d + 20_000));
const plan = planRefit(shop, END_DAY, { horizonDays: 90 });

function v2(version: number, over: Partial<ModelParams> = {}): ModelParams {
  return {
    version, fittedAt: now.toISOString(), choice: plan.choice!, horizonDays: 90, gammaGamma: { p: 6.25, q: 3.74, v: 15.44 },
    fit: { customers: plan.choice!.customers, repeatBuyers: plan.choice!.repeatBuyers, logLikelihood: plan.choice!.logLikelihood }, ...over,
  };
}

const summaryOf = (days: readonly number[]): OrderSummary => ({
  orders: days.length, purchaseDays: days.length, firstDay: iso(days[0]!), lastDay: iso(days[days.length - 1]!), spend: 30 * days.length, firstDaySpend: 30,
});
const customer = (id: string, days: readonly number[], over: Partial<CustomerRecord> = {}): CustomerRecord => ({ ...newCustomer(id), summary: summaryOf(days), ...over });

/** The scored result with the prediction a write would store. */
function scored(c: CustomerRecord, params: ModelParams): Scored & { prediction?: Prediction } {
  const s = scoreCustomer(c, { params }, DEFAULT_RISK_CONFIG, now);
  if (!s || 'failed' in s) throw new Error(`not scored: ${JSON.stringify(s)}`);
  const prediction = predictionOf(s, now);
  return prediction ? { ...s, prediction } : s;
}

describe('ranked levels from the stored choice', () => {
  it('the refit plan on this shop is accepted and carries monotone cut points', () => {
    expect(plan.accepted).toBe(true);
    expect(plan.choice!.thresholds).not.toBeNull();
    const [a, r, c] = plan.choice!.thresholdFit!.returnRates;
    expect(a).toBeGreaterThan(r);
    expect(r).toBeGreaterThan(c);
  });

  it('orders levels by expected purchases: a customer expected to buy more is never at a worse level', () => {
    const params = v2(2);
    const rank = { active: 0, 'at-risk': 1, churned: 2 } as const;
    const all = shop.slice(0, 600).map((d, i) => scored(customer(`c${i}`, d), params));
    all.sort((x, y) => y.prediction!.expectedPurchases! - x.prediction!.expectedPurchases!);
    for (let i = 1; i < all.length; i++) expect(rank[all[i]!.level]).toBeGreaterThanOrEqual(rank[all[i - 1]!.level]);
    expect(new Set(all.map((s) => s.level))).toEqual(new Set(['active', 'at-risk', 'churned']));
    expect(all.every((s) => s.method === 'model')).toBe(true);
  });

  it('predicts from the chosen model: P(alive), E[X(H)], P(lapse), CLV and priority = CLV × P(lapse)', () => {
    const s = scored(customer('c1', [END_DAY - 300, END_DAY - 200, END_DAY - 150]), v2(2));
    const p = s.prediction!;
    expect(p).toMatchObject({ model: plan.choice!.model, modelVersion: 2, horizonDays: 90 });
    expect(p.pLapse).toBeGreaterThan(0);
    expect(p.pLapse).toBeLessThan(1);
    expect(p.expectedPurchases).toBeGreaterThan(0);
    expect(p.priority).toBeCloseTo(p.clv12m! * p.pLapse!, 1);
  });

  it('falls back to the P(alive) bands when the version has no cut points', () => {
    const params = v2(3, { choice: { ...plan.choice!, thresholds: null, thresholdFit: null } });
    const s = scored(customer('c1', [END_DAY - 300, END_DAY - 290]), params);
    expect(s.method).toBe('model');
    expect(s.level).toBe(s.prediction!.pAlive >= 0.6 ? 'active' : s.prediction!.pAlive >= 0.3 ? 'at-risk' : 'churned');
  });

  it('returns a failure, not an exception, for a history it cannot score', () => {
    // A purchase dated after the sweep's scheduled time (an order ingested while a continuation runs).
    const s = scoreCustomer(customer('late', [END_DAY - 10, END_DAY + 1]), { params: v2(2) }, DEFAULT_RISK_CONFIG, now);
    expect(s).toMatchObject({ failed: expect.stringMatching(/t_x/) });
  });

  it('builds one scorer per model version', () => {
    const scorers = scorerCache();
    const a = scorers(v2(4));
    expect(scorers(v2(4))).toBe(a);
    expect(scorers(v2(5))).not.toBe(a);
    expect(scorers(undefined)).toBeNull();
    expect(modelScoring({ version: 9, fittedAt: '', fit: { customers: 0, repeatBuyers: 0, logLikelihood: 0 } })).toBeNull();
  });
});

describe('the sweep\'s history of a summary', () => {
  it('is purchaseStats (orders/decide.ts) with cached day parsing', () => {
    for (const days of shop.slice(0, 200)) {
      const s = summaryOf(days);
      const { cycleDays: _, ...expected } = purchaseStats(s, now)!;
      expect(historyOf(s, now.getTime())).toEqual(expected);
    }
    expect(historyOf({ orders: 0, purchaseDays: 0, spend: 0, firstDaySpend: 0 }, now.getTime())).toBeNull();
  });
});

describe('when the sweep writes', () => {
  const c = customer('c1', [END_DAY - 300, END_DAY - 200]);
  const first = scored(c, v2(2));
  const d = decideScores(c, first, 'run', now);
  const stored: CustomerRecord = { ...c, ...(d.kind === 'update' ? { risk: d.risk, ...(d.prediction ? { prediction: d.prediction } : {}), ...(d.segment ? { segment: d.segment } : {}) } : {}) };

  it('writes nothing while level, segment and model version stay', () => {
    expect(decideScores(stored, scored(stored, v2(2)), 'run-2', now)).toEqual({ kind: 'unchanged' });
  });

  it('rewrites the prediction once for a new model version, without a risk event or a new since-date', () => {
    const next = scored(stored, v2(3));
    expect(next.level).toBe(first.level);
    const again = decideScores(stored, next, 'run-3', now);
    expect(again).toMatchObject({ kind: 'update', risk: stored.risk, prediction: { modelVersion: 3 } });
    expect(again.kind === 'update' && again.event).toBeFalsy();
  });
});

describe('priority and P(lapse) in campaign audiences', () => {
  const profile = { email: 'a@example.com', name: 'A', locale: 'en' as const, timeZone: 'UTC', marketingConsent: true, updatedAt: '2026-01-01T00:00:00Z' };

  it('filters on the stored priority and P(lapse); a customer without a prediction never matches', () => {
    const s = scored(customer('c1', [END_DAY - 300, END_DAY - 200, END_DAY - 150]), v2(2));
    const facts = factsOf({ ...customer('c1', [END_DAY - 300]), profile, prediction: s.prediction! }, now);
    expect(facts).toMatchObject({ priority: s.prediction!.priority, pLapse: s.prediction!.pLapse });
    const at = (a: unknown) => matchesAudience(Audience.parse(a), facts, now);
    expect(at({ priority: { min: 0, max: s.prediction!.priority! + 1 } })).toEqual({ ok: true });
    expect(at({ priority: { min: s.prediction!.priority! + 1 } })).toEqual({ ok: false, reason: 'priority' });
    expect(at({ pLapse: { max: s.prediction!.pLapse! / 2 } })).toEqual({ ok: false, reason: 'pLapse' });
    const noPrediction = factsOf({ ...customer('c2', [END_DAY - 300]), profile }, now);
    expect(matchesAudience(Audience.parse({ priority: { min: 0 } }), noPrediction, now)).toEqual({ ok: false, reason: 'priority' });
    expect(() => Audience.parse({ pLapse: { min: 0.5, max: 1.5 } })).toThrow();
  });
});

describe('Kaplan–Meier gap percentiles in the base statistics', () => {
  it('counts the open gap since the last purchase as censored, so a young shop\'s gaps are not biased short', () => {
    // Repeat buyers with 20-day gaps, and many customers silent for 100 days since their last purchase.
    const histories = [
      ...Array.from({ length: 50 }, () => [END_DAY - 60, END_DAY - 40, END_DAY - 20]),
      ...Array.from({ length: 50 }, () => [END_DAY - 160, END_DAY - 130, END_DAY - 100]),
    ];
    const gaps = histories.flatMap((d) => gapObservationsFromDays(d, END_DAY));
    const km = baseStats(histories.map(summaryOf), now, gaps);
    const completedOnly = baseStats(histories.map(summaryOf), now);
    expect(km.gapMethod).toBe('kaplan-meier');
    expect(km.gapQuantiles).toHaveLength(21);
    expect(gapPercentileFn(km)(0.95)).toBeGreaterThanOrEqual(gapPercentileFn(completedOnly)(0.95));
    expect(baseStats([], now, []).gapQuantiles).toEqual([]);
  });
});
