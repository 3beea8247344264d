/** A/B statistics: Beta-Binomial posteriors, P(best) with a fixed seed, the winner rule, stable assignment. */
import { describe, expect, it } from 'vitest';
import { abWinner, assignVariant, clickCampaigns, compareVariants, DRAWS, variantCounts } from '../../../shared/flows/ab.js';
import type { AbSplitStep } from '../../../shared/flows/schema.js';

describe('A/B', () => {
  it('P(best) of two equal variants is near one half, and the same on every run', () => {
    const s = compareVariants([{ id: 'a', recipients: 500, successes: 50 }, { id: 'b', recipients: 500, successes: 50 }]);
    expect(s[0]!.pBest).toBeGreaterThan(0.45);
    expect(s[0]!.pBest).toBeLessThan(0.55);
    expect(compareVariants([{ id: 'a', recipients: 500, successes: 50 }, { id: 'b', recipients: 500, successes: 50 }])).toEqual(s);
  });
  it('a clearly better variant wins once both have their minimum of recipients', () => {
    const counts = [{ id: 'a', recipients: 400, successes: 20 }, { id: 'b', recipients: 400, successes: 48 }];
    expect(abWinner(counts, { threshold: 0.9, minRecipients: 100 })).toBe('b');
    expect(abWinner(counts, { threshold: 0.9, minRecipients: 500 })).toBeUndefined();
    // 5 % vs 12 %: P(b best) is ~1; intervals contain the observed rates
    const [a, b] = compareVariants(counts);
    expect(b!.pBest).toBeGreaterThan(0.99);
    expect(a!.interval[0]).toBeLessThan(0.05);
    expect(a!.interval[1]).toBeGreaterThan(0.05);
  });
  it('no winner while the evidence is weak', () => {
    expect(abWinner([{ id: 'a', recipients: 120, successes: 10 }, { id: 'b', recipients: 120, successes: 12 }], { threshold: 0.9, minRecipients: 100 })).toBeUndefined();
  });
  it('assignment is stable and follows the weights', () => {
    const variants = [{ id: 'a', weight: 3 }, { id: 'b', weight: 1 }];
    expect(assignVariant('f', 's', 'c-1', variants)).toBe(assignVariant('f', 's', 'c-1', variants));
    const n = Array.from({ length: 4000 }, (_, i) => assignVariant('f', 's', `c-${i}`, variants)).filter((v) => v === 'a').length;
    expect(n / 4000).toBeGreaterThan(0.72);
    expect(n / 4000).toBeLessThan(0.78);
  });
  it('counts successes by the metric: conversions from the flow counters, clicks from the variant mail\'s campaign', () => {
    const step = (metric: 'conversion' | 'click'): AbSplitStep => ({ id: 'offer', type: 'ab-split', metric, threshold: 0.9, minRecipients: 100, windowDays: 30, variants: [{ id: 'a', weight: 1, next: 'mail-a' }, { id: 'b', weight: 1, next: 'mail-b' }] });
    const counts = { 'ab:offer:a:n': 200, 'ab:offer:a:won': 10, 'ab:offer:b:n': 190, 'ab:offer:b:won': 12 };
    const clicks = { 'f--mail-a': 40, 'f--mail-b': 25 };
    expect(variantCounts('f', step('conversion'), counts, clicks)).toEqual([{ id: 'a', recipients: 200, successes: 10 }, { id: 'b', recipients: 190, successes: 12 }]);
    expect(variantCounts('f', step('click'), counts, clicks)).toEqual([{ id: 'a', recipients: 200, successes: 40 }, { id: 'b', recipients: 190, successes: 25 }]);
    expect(variantCounts('f', step('click'), {}, {})).toEqual([{ id: 'a', recipients: 0, successes: 0 }, { id: 'b', recipients: 0, successes: 0 }]);
    expect(clickCampaigns('f', [step('conversion'), { type: 'send' }])).toEqual([]);
    expect(clickCampaigns('f', [step('click')])).toEqual(['f--mail-a', 'f--mail-b']);
  });
  it('judges revenue per recipient by the mean: zeros for non-converters, the variance from the sums, the interval around the mean', () => {
    // a: 400 recipients, 40 orders of 100 (mean 10); b: 400 recipients, 30 orders of 200 (mean 15)
    const a = { id: 'a', recipients: 400, successes: 40, revenue: { sum: 4000, sumSq: 40 * 100 * 100 } };
    const b = { id: 'b', recipients: 400, successes: 30, revenue: { sum: 6000, sumSq: 30 * 200 * 200 } };
    const [sa, sb] = compareVariants([a, b], DRAWS, 'mean');
    expect([sa!.rate, sb!.rate]).toEqual([10, 15]);
    expect(sa!.interval[0]).toBeLessThan(10);
    expect(sa!.interval[1]).toBeGreaterThan(10);
    // b's standard error: sqrt((30·200² − 400·15²)/399/400) ≈ 2.54, so its interval is about 15 ± 5
    expect(sb!.interval[1] - sb!.interval[0]).toBeGreaterThan(9);
    expect(sb!.interval[1] - sb!.interval[0]).toBeLessThan(11);
    expect(sb!.pBest).toBeGreaterThan(0.9);
    expect(abWinner([a, b], { threshold: 0.9, minRecipients: 100, metric: 'revenue' })).toBe('b');
    // by conversion rate the same counts favour a (40 against 30 orders)
    expect(abWinner([a, b], { threshold: 0.8, minRecipients: 100, metric: 'conversion' })).toBe('a');
    const step = { id: 'offer', type: 'ab-split' as const, metric: 'revenue' as const, threshold: 0.9, minRecipients: 100, windowDays: 30, variants: [{ id: 'a', weight: 1, next: 'x' }] };
    expect(variantCounts('f', step, { 'ab:offer:a:n': 5, 'ab:offer:a:won': 2, 'ab:offer:a:rev': 300, 'ab:offer:a:rev2': 50000 })).toEqual([{ id: 'a', recipients: 5, successes: 2, revenue: { sum: 300, sumSq: 50000 } }]);
  });
});
