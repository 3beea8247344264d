import { describe, expect, it } from 'vitest';
import { mergeResults } from '../../../bench/results.js';

describe('bench/results.json', () => {
  it('replaces the figures of the benches that ran and keeps every other bench', () => {
    const previous = { scoring: { 'fit (s)': 1.2 }, bundles: { 'old figure (ms)': 9 } };
    const merged = mergeResults(previous, [{ bench: 'bundles', figures: [{ figure: 'links: module init', value: 412.3456, unit: 'ms' }] }]);
    expect(merged).toEqual({ scoring: { 'fit (s)': 1.2 }, bundles: { 'links: module init (ms)': 412.3 } });
  });
});
