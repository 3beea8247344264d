import { describe, expect, it } from 'vitest';
import { storable } from '../../../shared/churn/model.js';

describe('storable: what the refit writes, in numbers DynamoDB can hold', () => {
  it('given magnitudes outside DynamoDB range, it writes 0 for the tiny and clamps the huge; ordinary numbers stay exact', () => {
    const report = { gradNorm: 3.2e-150, pValue: -1e-200, ll: -9582.4292, big: 1e200, nested: [{ e: 5e-131 }], missing: undefined, bad: Number.NaN };
    expect(storable(report)).toEqual({ gradNorm: 0, pValue: 0, ll: -9582.4292, big: 9.9e125, nested: [{ e: 0 }], bad: null });
  });
});
