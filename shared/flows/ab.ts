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
 * Pure.
 */
import { createHash } from 'node:crypto';
import { beta, makeRng } from '../scoring/simulate.js';
import { stepCampaignId } from './compile.js';
import type { FlowCounts } from './port.js';
import type { AbSplitStep } from './schema.js';

export interface VariantCounts {
  id: string;
  recipients: number;
  successes: number;
}

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

export function compareVariants(counts: readonly VariantCounts[], draws = DRAWS): VariantStats[] {
  const rng = makeRng(SEED);
  const wins = counts.map(() => 0);
  const samples = counts.map(() => new Float64Array(draws));
  for (let d = 0; d < draws; d++) {
    let best = -1;
    let bestAt = 0;
    counts.forEach((c, i) => {
      const x = beta(rng, 1 + c.successes, 1 + Math.max(0, c.recipients - c.successes));
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
    return {
      ...c,
      rate: c.recipients ? c.successes / c.recipients : null,
      interval: [sorted[Math.floor(draws * 0.025)]!, sorted[Math.floor(draws * 0.975)]!],
      pBest: wins[i]! / draws,
    };
  });
}

/** The winner, if the evidence is in: P(best) ≥ threshold and every variant has its minimum. */
export function abWinner(counts: readonly VariantCounts[], opts: { threshold: number; minRecipients: number }): string | undefined {
  if (counts.length < 2 || counts.some((c) => c.recipients < opts.minRecipients)) return undefined;
  return compareVariants(counts).find((s) => s.pBest >= opts.threshold)?.id;
}

/** The campaigns whose clicks a flow's click-metric splits are judged by (none for conversion). */
export function clickCampaigns(flowId: string, steps: readonly { type: string }[]): string[] {
  return steps.flatMap((s) => (s.type === 'ab-split' && (s as AbSplitStep).metric === 'click' ? (s as AbSplitStep).variants.map((v) => stepCampaignId(flowId, v.next)) : []));
}

/** Each variant's recipients and successes by the step's metric, 0 where nothing was counted. */
export function variantCounts(flowId: string, step: AbSplitStep, counts: FlowCounts, clicks: Readonly<Record<string, number>> = {}): VariantCounts[] {
  return step.variants.map((v) => ({
    id: v.id,
    recipients: counts[`ab:${step.id}:${v.id}:n`] ?? 0,
    successes: step.metric === 'click' ? (clicks[stepCampaignId(flowId, v.next)] ?? 0) : (counts[`ab:${step.id}:${v.id}:won`] ?? 0),
  }));
}
