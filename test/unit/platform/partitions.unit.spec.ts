import { describe, expect, it } from 'vitest';
import { keys, PARTITIONS, type Key } from '../../../shared/platform/table/keys.js';

/** IAM StringLike: `*` matches any run of characters. */
const like = (pattern: string, value: string) => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(value);

describe('PARTITIONS (the dynamodb:LeadingKeys families a function may be granted)', () => {
  it('cover the partition key of every item key the table design builds', () => {
    const built = Object.values(keys)
      .filter((k): k is (...a: never[]) => Key => typeof k === 'function')
      .map((build) => (build as (...a: unknown[]) => unknown)('x', 'y', 'z'))
      .filter((k): k is Key => typeof k === 'object' && k !== null && 'pk' in k);
    expect(built.length).toBeGreaterThan(10);
    const uncovered = built.filter((k) => !Object.values(PARTITIONS).some((p) => like(p, k.pk)));
    expect(uncovered).toEqual([]);
  });

  it('are disjoint: a customer grant cannot reach coupons, the address list or the store', () => {
    expect(like(PARTITIONS.customer, keys.coupon('h').pk)).toBe(false);
    expect(like(PARTITIONS.customer, keys.suppressedAddress('h').pk)).toBe(false);
    expect(like(PARTITIONS.customer, keys.modelCurrent().pk)).toBe(false);
    expect(like(PARTITIONS.store, keys.customer('STORE').pk)).toBe(false);
  });
});
