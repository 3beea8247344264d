/**
 * A/B splits: stable assignment, and the winner by Bayesian comparison of rates.
 *
 * Each variant's rate (conversions or clicks per recipient) gets a Beta(1 + successes,
 * 1 + failures) posterior (a uniform prior: Beta-Binomial). P(variant is best) is estimated by
 * drawing every posterior DRAWS times with a fixed seed and counting how often each draw is the
 * largest, so the same counts always give the same answer. A winner needs P(best) ≥ threshold
 * (default 0.9) and every variant at least `minRecipients`; from then on new entrants get it.
 * Successes are conversions (the flow's `ab:<step>:<variant>:won` counters) or, with metric
 * `click`, the unique clicks of the variant's first mail (its campaign's engagement counters).
 * With metric `revenue`, the statistic is revenue per recipient (`…:rev` and `…:rev2`, the sum and
 * sum of squares of the converting orders' totals): a normal posterior of the mean, drawn the same
 * way for P(best), its interval the draws' 2.5 % and 97.5 % quantiles.
 * Pure.
 */
import { createHash } from 'node:crypto';
import { beta, makeRng, normal } from '../scoring/simulate.js';
import { stepCampaignId } from './compile.js';
import type { FlowCounts } from './port.js';
import type { AbSplitStep } from './schema.js';

export interface VariantCounts {
  id: string;
  recipients: number;
  successes: number;
  /** Revenue metric: the sum and the sum of squares of the converting orders' totals. */
  revenue?: { sum: number; sumSq: number };
}

/** `rate`: successes per recipient (Beta-Binomial); `mean`: revenue per recipient (normal). */
export type Statistic = 'rate' | 'mean';

export interface VariantStats extends VariantCounts {
  rate: number | null;
  /** 95 % credible interval of the rate (posterior 2.5 % and 97.5 % quantiles). */
  interval: [number, number];
  pBest: number;
}

export const DRAWS = 20_000;
const SEED = 0x5eed;

/** Which variant a customer gets: a stable hash of (flow, step, customer) over the weights. */
export function assignVariant(flowId: string, stepId: string, customerId: string, variants: ReadonlyArray<{ id: string; weight: number }>): string {
  const h = createHash('sha256').update(`ab\0${flowId}\0${stepId}\0${customerId}`).digest();
  const total = variants.reduce((s, v) => s + v.weight, 0);
  let point = (h.readUIntBE(0, 6) / 2 ** 48) * total;
  for (const v of variants) {
    if (point < v.weight) return v.id;
    point -= v.weight;
  }
  return variants.at(-1)!.id;
}

export function compareVariants(counts: readonly VariantCounts[], draws = DRAWS, statistic: Statistic = 'rate'): VariantStats[] {
  const rng = makeRng(SEED);
  const wins = counts.map(() => 0);
  const samples = counts.map(() => new Float64Array(draws));
  const posterior = counts.map((c) => (statistic === 'mean' ? meanPosterior(c) : undefined));
  for (let d = 0; d < draws; d++) {
    let best = -Infinity;
    let bestAt = 0;
    counts.forEach((c, i) => {
      const m = posterior[i];
      const x = m ? m.mean + m.se * normal(rng) : beta(rng, 1 + c.successes, 1 + Math.max(0, c.recipients - c.successes));
      samples[i]![d] = x;
      if (x > best) {
        best = x;
        bestAt = i;
      }
    });
    wins[bestAt]!++;
  }
  return counts.map((c, i) => {
    const sorted = samples[i]!.sort();
    const value = statistic === 'mean' ? (c.recipients ? (c.revenue?.sum ?? 0) / c.recipients : null) : c.recipients ? c.successes / c.recipients : null;
    return { ...c, rate: value, interval: [sorted[Math.floor(draws * 0.025)]!, sorted[Math.floor(draws * 0.975)]!], pBest: wins[i]! / draws };
  });
}

/**
 * Revenue per recipient (non-converters count as 0): its sampling distribution is about normal
 * once a variant has its minimum of recipients (the central limit theorem; the mean of a
 * zero-heavy, skewed spend needs more of them than a rate does), with the sample variance from
 * the sums. A variant without recipients gets a flat, wide posterior around 0.
 */
function meanPosterior(c: VariantCounts): { mean: number; se: number } {
  const n = c.recipients;
  const sum = c.revenue?.sum ?? 0;
  const sumSq = c.revenue?.sumSq ?? 0;
  if (n < 2) return { mean: n ? sum : 0, se: 1e6 };
  const mean = sum / n;
  const variance = Math.max(0, (sumSq - n * mean * mean) / (n - 1));
  return { mean, se: Math.sqrt(variance / n) || 1e-9 };
}

/** The winner, if the evidence is in: P(best) ≥ threshold and every variant has its minimum. */
export function abWinner(counts: readonly VariantCounts[], opts: { threshold: number; minRecipients: number; metric?: string }): string | undefined {
  if (counts.length < 2 || counts.some((c) => c.recipients < opts.minRecipients)) return undefined;
  return compareVariants(counts, DRAWS, statisticOf(opts.metric)).find((s) => s.pBest >= opts.threshold)?.id;
}

export const statisticOf = (metric: string | undefined): Statistic => (metric === 'revenue' ? 'mean' : 'rate');

/** The campaigns whose clicks a flow's click-metric splits are judged by (none for conversion). */
export function clickCampaigns(flowId: string, steps: readonly { type: string }[]): string[] {
  return steps.flatMap((s) => (s.type === 'ab-split' && (s as AbSplitStep).metric === 'click' ? (s as AbSplitStep).variants.map((v) => stepCampaignId(flowId, v.next)) : []));
}

/** Each variant's recipients and successes by the step's metric, 0 where nothing was counted. */
export function variantCounts(flowId: string, step: AbSplitStep, counts: FlowCounts, clicks: Readonly<Record<string, number>> = {}): VariantCounts[] {
  return step.variants.map((v) => {
    const key = `ab:${step.id}:${v.id}`;
    return {
      id: v.id,
      recipients: counts[`${key}:n`] ?? 0,
      successes: step.metric === 'click' ? (clicks[stepCampaignId(flowId, v.next)] ?? 0) : (counts[`${key}:won`] ?? 0),
      ...(step.metric === 'revenue' ? { revenue: { sum: counts[`${key}:rev`] ?? 0, sumSq: counts[`${key}:rev2`] ?? 0 } } : {}),
    };
  });
}
