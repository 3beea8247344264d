/** Address normalization and hashing, and the order of the erasure steps (in-memory fakes). */
import { describe, expect, it } from 'vitest';
import { eraseCustomer, type ErasureDeps } from '../../../shared/privacy/erase.js';
import { emailHash, normalizeEmail } from '../../../shared/privacy/suppression.js';
import { emptySummary } from '../../../shared/orders/decide.js';
import type { CustomerRecord } from '../../../shared/customers/record.js';

describe('normalizeEmail / emailHash', () => {
  it('ignores case and surrounding blanks, and keeps everything else', () => {
    expect(normalizeEmail('  Erin.Erase+Shop@Example.COM\t')).toBe('erin.erase+shop@example.com');
    expect(emailHash(' Test@Example.com ')).toBe(emailHash('test@example.com'));
    expect(emailHash('a.b@example.com')).not.toBe(emailHash('ab@example.com'));
  });

  it('is the hex SHA-256 of the normalized address (so other tools can check the list)', () => {
    expect(emailHash('TEST@example.com')).toBe('973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b');
    expect(emailHash('x@example.com')).toMatch(/^[0-9a-f]{64}$/);
  });
});

/** One customer's items in memory; records every call so the order of the steps can be checked. */
function fakes(customer: CustomerRecord | null, items: number, coupons: number, failAt?: string) {
  const calls: string[] = [];
  const hashes = new Map<string, { reason: string; at: string }>();
  let state = { customer, items, coupons };
  const step = (name: string) => {
    calls.push(name);
    if (name === failAt) throw new Error(`crash in ${name}`);
  };
  const deps: ErasureDeps = {
    customers: {
      getCustomer: async () => state.customer,
      suppress: async () => {
        step('suppress');
        if (state.customer) state.customer = { ...state.customer, suppressed: true };
      },
    },
    suppression: {
      suppressAddress: async (h, reason, at) => {
        step('suppressAddress');
        if (!hashes.has(h)) hashes.set(h, { reason, at });
      },
      getAddressSuppression: async (h) => hashes.get(h) ?? null,
    },
    erasure: {
      writeTombstone: async () => step('tombstone'),
      deleteCustomerPartition: async () => {
        step('deletePartition');
        const n = state.items;
        state = { ...state, customer: null, items: 0 };
        return n;
      },
      deleteCouponsOf: async () => {
        step('deleteCoupons');
        const n = state.coupons;
        state = { ...state, coupons: 0 };
        return n;
      },
      deleteReportCommentsOf: async () => {
        step('deleteReportComments');
        return 0;
      },
    },
  };
  return { deps, calls, hashes, state: () => state };
}

const erin: CustomerRecord = {
  customerId: 'c-1',
  summary: emptySummary(),
  profile: { email: 'Erin@Example.com', name: 'Erin', locale: 'en', timeZone: 'UTC', marketingConsent: true, updatedAt: '2026-01-01T00:00:00Z' },
};
const now = new Date('2026-06-01T00:00:00Z');

describe('eraseCustomer', () => {
  it('lists the hash and flags the customer before deleting anything, then reports what it deleted', async () => {
    const f = fakes(erin, 12, 2);
    expect(await eraseCustomer(f.deps, 'c-1', now)).toEqual({ itemsDeleted: 12, couponsDeleted: 2, suppressed: true });
    // Coupons before the partition: they are found through the COUPONREF# pointers in it.
    expect(f.calls).toEqual(['tombstone', 'suppressAddress', 'suppress', 'deleteCoupons', 'deleteReportComments', 'deletePartition']);
    expect([...f.hashes]).toEqual([[emailHash('erin@example.com'), { reason: 'erasure', at: now.toISOString() }]]);
  });

  it('is harmless when repeated: nothing left, zeros reported, the listing unchanged', async () => {
    const f = fakes(erin, 12, 2);
    await eraseCustomer(f.deps, 'c-1', now);
    const listed = [...f.hashes];
    expect(await eraseCustomer(f.deps, 'c-1', new Date('2026-06-02T00:00:00Z'))).toEqual({ itemsDeleted: 0, couponsDeleted: 0, suppressed: false });
    expect([...f.hashes]).toEqual(listed);
  });

  it('leaves a suppressed (never re-mailable) customer when it crashes mid-way, and the retry finishes', async () => {
    const f = fakes(erin, 12, 2, 'deletePartition');
    await expect(eraseCustomer(f.deps, 'c-1', now)).rejects.toThrow('crash in deletePartition');
    expect(f.state().customer?.suppressed).toBe(true);
    expect(f.hashes.size).toBe(1);
    const retry = fakes(f.state().customer, 12, 2);
    expect(await eraseCustomer(retry.deps, 'c-1', now)).toMatchObject({ itemsDeleted: 12, couponsDeleted: 2 });
  });

  it('still deletes a customer who never had a profile (orders only), with nothing to list', async () => {
    const f = fakes({ customerId: 'c-2', summary: emptySummary() }, 3, 0);
    expect(await eraseCustomer(f.deps, 'c-2', now)).toEqual({ itemsDeleted: 3, couponsDeleted: 0, suppressed: false });
    expect(f.calls).toEqual(['tombstone', 'deleteCoupons', 'deleteReportComments', 'deletePartition']);
  });
});
