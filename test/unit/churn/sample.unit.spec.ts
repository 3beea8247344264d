/** The refit's sample (churn/sample.ts) and mergeable base statistics (churn/base-partial.ts). */
import { describe, expect, it } from 'vitest';
import { BottomK, keepBelowFor, mergeSamples, sampleKey, type SampleRow } from '../../../shared/churn/sample.js';
import { addCustomer, baseStatsFrom, emptyBase, histogramQuantiles, loadBase, mergeBase, storeBase } from '../../../shared/churn/base-partial.js';
import { quantiles } from '../../../shared/churn/model.js';
import { makeRng } from '../../../shared/scoring/simulate.js';
import type { OrderSummary } from '../../../shared/orders/decide.js';

const NOW = new Date('2026-11-22T02:00:00Z');
const summary = (i: number): OrderSummary => ({ orders: 1 + (i % 5), purchaseDays: 1 + (i % 5), firstDay: '2025-06-01', lastDay: `2026-${String(1 + (i % 10)).padStart(2, '0')}-15`, spend: 10 + ((i * 37) % 500) + (i % 7) / 10, firstDaySpend: 10 });
const rows = (n: number): SampleRow[] => Array.from({ length: n }, (_, i) => ({ id: `c${i}`, key: sampleKey(`c${i}`), s: summary(i) }));

/** Cuts the base into `segments` parts at random (as a parallel scan's hash would) and samples each. */
function sampledBySegments(base: SampleRow[], segments: number, k: number, seed: number, below = 1): string[] {
  const rng = makeRng(seed);
  const parts = Array.from({ length: segments }, () => new BottomK(k, below));
  for (const r of base) parts[Math.floor(rng() * segments)]!.offer(r);
  return mergeSamples(parts.map((p) => p.sample()), k).map((r) => r.id);
}

describe('the bottom-k sample', () => {
  const base = rows(20_000);
  const k = 2_000;
  const overall = [...base].sort((a, b) => a.key - b.key).slice(0, k).map((r) => r.id);

  it('is the k smallest keys of the whole base, of the requested size, however the base is cut into segments', () => {
    for (const [segments, seed] of [[1, 1], [4, 2], [7, 3], [40, 4], [400, 5]] as const) expect(sampledBySegments(base, segments, k, seed)).toEqual(overall);
  });

  it('is the same below the run threshold as without it, while the threshold leaves k candidates', () => {
    const below = keepBelowFor(k, base.length);
    expect(below).toBeLessThan(1);
    expect(sampledBySegments(base, 16, k, 6, below)).toEqual(overall);
    // A base that shrank far below the last count: fewer than k, all below the threshold (still uniform).
    const short = sampledBySegments(base, 16, k, 7, keepBelowFor(k, base.length * 4));
    expect(short.length).toBeLessThan(k);
    expect(short).toEqual(overall.slice(0, short.length));
  });

  it('is uniform: every tenth of the base (by position) holds a tenth of the sample, within sampling error', () => {
    const position = new Map(base.map((r, i) => [r.id, i]));
    const counts = Array(10).fill(0);
    for (const id of overall) counts[Math.floor(position.get(id)! / 2_000)]++;
    // Chi-square with 9 degrees of freedom: 99.9 % below 27.9.
    const chi2 = counts.reduce((t, c) => t + (c - k / 10) ** 2 / (k / 10), 0);
    expect(chi2).toBeLessThan(27.9);
  });

  it('counts a customer offered twice (a re-read page) once', () => {
    const keep = new BottomK(10);
    for (const r of [...rows(30), ...rows(30)]) keep.offer(r);
    expect(new Set(keep.sample().map((r) => r.id)).size).toBe(10);
  });
});

describe('the base statistics from segment partials', () => {
  const summaries = Array.from({ length: 5_000 }, (_, i) => summary(i));
  const whole = () => {
    const p = emptyBase();
    for (const s of summaries) addCustomer(p, s, NOW);
    return p;
  };

  it('merge to the statistics of the whole base, through their stored form', () => {
    const parts = Array.from({ length: 7 }, () => emptyBase());
    summaries.forEach((s, i) => addCustomer(parts[i % 7]!, s, NOW));
    const merged = parts.map((p) => loadBase(JSON.parse(JSON.stringify(storeBase(p))))).reduce((a, b) => mergeBase(a, b), emptyBase());
    expect(baseStatsFrom(merged, NOW)).toEqual(baseStatsFrom(whole(), NOW));
    expect(merged).toMatchObject({ customers: 5_000, buyers: 5_000 });
  });

  it('give the day-count cuts exactly as the list does, and spend within 1 %', () => {
    const stats = baseStatsFrom(whole(), NOW);
    expect(stats.rfmCuts.frequency).toEqual(quantiles(summaries.map((s) => s.purchaseDays), [0.2, 0.4, 0.6, 0.8]));
    const exact = quantiles(summaries.map((s) => s.spend), [0.2, 0.4, 0.6, 0.8]);
    stats.rfmCuts.monetary.forEach((v, i) => expect(Math.abs(v / exact[i]! - 1)).toBeLessThan(0.011));
    expect(histogramQuantiles(new Map([[3, 2], [7, 1]]), [0, 0.5, 0.75, 1])).toEqual(quantiles([3, 3, 7], [0, 0.5, 0.75, 1]));
  });
});
