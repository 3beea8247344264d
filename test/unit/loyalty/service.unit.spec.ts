/** The loyalty application layer over an in-memory LoyaltyStore with the table's conditions:
 * retries on conflict, the outbox surviving a failed publish, and the sweep's daily decision. */
import { describe, expect, it } from 'vitest';
import type { OutgoingEvent } from '../../../shared/platform/contracts/events.js';
import type { CouponState } from '../../../shared/coupons/index.js';
import { applyLoyaltyOrderEvent, redeemPoints, type LoyaltyDeps } from '../../../shared/loyalty/service.js';
import { OUTBOX_GRACE_MS } from '../../../shared/loyalty/outbox.js';
import type { LoyaltyCommit, LoyaltyItem, LoyaltyStore } from '../../../shared/loyalty/port.js';
import { decideDaily } from '../../../shared/loyalty/sweep.js';
import { MAX_OPEN_ORDERS } from '../../../shared/loyalty/open-orders.js';
import { newCustomer } from '../../../shared/customers/record.js';
import { newLoyaltyState, verifyLedger, type LedgerEntry, type LoyaltyOrder } from '../../../shared/loyalty/index.js';
import type { Versioned } from '../../../shared/platform/ports.js';
import { at, config, placed, refunded } from './fixtures.js';
import { testCoupons } from '../../support/coupons.js';

class MemoryLoyaltyStore implements LoyaltyStore {
  items = new Map<string, Versioned<LoyaltyItem>>();
  orders = new Map<string, Versioned<LoyaltyOrder>>();
  ledger = new Map<string, LedgerEntry>();
  coupons = new Map<string, CouponState>();
  /** Commits to refuse before accepting (a racing writer). */
  conflicts = 0;

  async load(customerId: string, orderId?: string) {
    const order = orderId ? this.orders.get(`${customerId}/${orderId}`) : undefined;
    return { loyalty: structuredClone(this.items.get(customerId)) ?? null, order: structuredClone(order) ?? null };
  }
  async queryDue() {
    return { customerIds: [] };
  }
  async loadMany(ids: string[]) {
    return new Map(ids.flatMap((id) => (this.items.has(id) ? [[id, structuredClone(this.items.get(id)!)] as const] : [])));
  }
  async getLedgerEntry(customerId: string, key: string) {
    return this.ledger.get(`${customerId}/${key}`) ?? null;
  }
  async listLedger(customerId: string) {
    const item = this.items.get(customerId)?.value;
    const onState = [...(item?.history ? [item.history] : []), ...Object.values(item?.open ?? {}).flatMap((o) => o.entries)];
    return [...onState, ...[...this.ledger].filter(([k]) => k.startsWith(`${customerId}/`)).map(([, e]) => e)];
  }
  async commit(c: LoyaltyCommit): Promise<'ok' | 'conflict'> {
    if (this.conflicts-- > 0) return 'conflict';
    const orderKey = c.order && `${c.customerId}/${c.order.orderId}`;
    if ((this.items.get(c.customerId)?.v ?? 0) !== c.loyalty.v) return 'conflict';
    if (orderKey && (this.orders.get(orderKey)?.v ?? 0) !== c.order!.v) return 'conflict';
    if (c.entries.some((e) => this.ledger.has(`${c.customerId}/${e.key}`)) || c.coupons.some((x) => this.coupons.has(x.codeHash))) return 'conflict';
    // As the adapter's SET: open orders and history stay unless the commit gives them.
    const prev = this.items.get(c.customerId)?.value;
    const kept = c.loyalty.value.open ? {} : { ...(prev?.open ? { open: prev.open } : {}), ...(prev?.history ? { history: prev.history } : {}) };
    this.items.set(c.customerId, { value: structuredClone({ ...c.loyalty.value, ...kept }), v: c.loyalty.v + 1 });
    if (orderKey) this.orders.set(orderKey, { value: c.order!.value, v: c.order!.v + 1 });
    for (const e of c.entries) this.ledger.set(`${c.customerId}/${e.key}`, e);
    for (const x of c.coupons) this.coupons.set(x.codeHash, x);
    return 'ok';
  }
  async clearOutbox(customerId: string, keys: string[]) {
    const item = this.items.get(customerId);
    for (const k of keys) delete item?.value.outbox[k];
  }
}

function setup(start = '2026-03-01T04:00:00Z') {
  let now = at(start);
  const store = new MemoryLoyaltyStore();
  const sent: OutgoingEvent[] = [];
  let failPublish = 0;
  const deps: LoyaltyDeps = {
    store,
    config: config(),
    clock: () => now,
    coupons: testCoupons,
    publisher: {
      publish: async (events) => {
        if (failPublish-- > 0) throw new Error('PutEvents unavailable');
        sent.push(...events);
      },
    },
  };
  const advance = (ms: number) => void (now = new Date(now.getTime() + ms));
  return { store, sent, deps, advance, failNextPublish: () => void (failPublish = 1) };
}

describe('Function: applyLoyaltyOrderEvent', () => {
  it('re-reads and decides again after a conflicting write', async () => {
    const { store, deps } = setup();
    store.conflicts = 2;
    expect(await applyLoyaltyOrderEvent(deps, placed('o1', 100))).toBe('applied');
    expect(store.items.get('c1')?.value.state.balance).toBe(100);
  });

  it('keeps an order on the state item while it can be refunded or redelivered, then folds it into the statement history', async () => {
    const { store, deps, advance } = setup('2026-03-01T04:00:00Z');
    const DAY = 86_400_000;
    // A backfill through the bus: an order from last autumn, delivered twice.
    expect(await applyLoyaltyOrderEvent(deps, placed('old', 300, '2025-10-01T02:00:00Z'))).toBe('applied');
    advance(DAY);
    expect(await applyLoyaltyOrderEvent(deps, placed('old', 300, '2025-10-01T02:00:00Z'))).toBe('duplicate');
    expect(Object.keys(store.items.get('c1')!.value.open!)).toEqual(['old']);
    // Weeks later a new order: no copy of the old one can arrive any more, so it folds.
    advance(20 * DAY);
    expect(await applyLoyaltyOrderEvent(deps, placed('new', 100, '2026-03-22T02:00:00Z'))).toBe('applied');
    const item = store.items.get('c1')!.value;
    expect(Object.keys(item.open!)).toEqual(['new']);
    expect(item.history).toMatchObject({ kind: 'history', points: 300, folded: 1 });
    expect(store.ledger.size).toBe(0);
    expect(verifyLedger(item.state, await store.listLedger('c1'))).toEqual([]);
    expect(item.state.balance).toBe(400);
  });

  it('gives the orders of a heavy buyer beyond the room on the state item items of their own, and still earns each once', async () => {
    const { store, deps, advance } = setup('2026-03-01T04:00:00Z');
    for (let i = 0; i <= MAX_OPEN_ORDERS; i++) {
      advance(60_000);
      expect(await applyLoyaltyOrderEvent(deps, placed(`o${i}`, 10, '2026-03-01T02:00:00Z'))).toBe('applied');
    }
    const last = `o${MAX_OPEN_ORDERS}`;
    expect(Object.keys(store.items.get('c1')!.value.open!)).toHaveLength(MAX_OPEN_ORDERS);
    expect([...store.orders.keys()]).toEqual([`c1/${last}`]);
    // A refund of it goes to its own item; a copy of its placement is recognised there.
    expect(await applyLoyaltyOrderEvent(deps, refunded(last, 10))).toBe('applied');
    expect(await applyLoyaltyOrderEvent(deps, placed(last, 10, '2026-03-01T02:00:00Z'))).toBe('duplicate');
    const item = store.items.get('c1')!.value;
    expect(item.state.balance).toBe(10 * MAX_OPEN_ORDERS);
    expect(verifyLedger(item.state, await store.listLedger('c1'))).toEqual([]);
  });

  it('keeps a tier change whose publish failed in the outbox and publishes it on a later redelivery', async () => {
    const { store, sent, deps, advance, failNextPublish } = setup();
    failNextPublish();
    await expect(applyLoyaltyOrderEvent(deps, placed('o1', 1200))).rejects.toThrow('PutEvents unavailable');
    expect(Object.keys(store.items.get('c1')!.value.outbox)).toEqual(['tier#placed#o1']);
    // A redelivery at once leaves it to the writer that may still be publishing it...
    expect(await applyLoyaltyOrderEvent(deps, placed('o1', 1200))).toBe('duplicate');
    expect(sent).toEqual([]);
    // ...one after the visibility timeout finds the order a duplicate and publishes the event.
    advance(OUTBOX_GRACE_MS);
    expect(await applyLoyaltyOrderEvent(deps, placed('o1', 1200))).toBe('duplicate');
    expect(sent.map((e) => e.detailType)).toEqual(['customer.tier-changed']);
    expect(store.items.get('c1')!.value.outbox).toEqual({});
  });
});

describe('Function: redeemPoints', () => {
  it('issues one coupon, tied to its ledger entry, however often the request is retried', async () => {
    const { store, deps } = setup();
    await applyLoyaltyOrderEvent(deps, placed('o1', 500));
    const req = { customerId: 'c1', key: 'k1', points: 300, occurredAt: '2026-03-01T04:00:00Z' };
    const first = await redeemPoints(deps, req);
    const again = await redeemPoints(deps, req);
    expect(first).toMatchObject({ outcome: 'redeemed', code: expect.stringMatching(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{2}$/) });
    expect(again.outcome).toBe('duplicate');
    expect([...store.coupons.values()]).toEqual([expect.objectContaining({ value: 3, customerId: 'c1', codeHash: store.ledger.get('c1/redeem#k1')?.couponHash })]);
    expect(verifyLedger(store.items.get('c1')!.value.state, await store.listLedger('c1'))).toEqual([]);
  });

  it('rejects what the balance cannot cover, writing only the refusal under its key', async () => {
    const { store, deps } = setup();
    expect(await redeemPoints(deps, { customerId: 'c1', key: 'k1', points: 100, occurredAt: '2026-03-01T04:00:00Z' })).toEqual({ outcome: 'rejected', reason: 'insufficient' });
    expect(store.coupons.size).toBe(0);
    expect([...store.ledger.values()]).toEqual([expect.objectContaining({ key: 'redeem#k1', kind: 'rejected', points: 0 })]);
  });
});

describe('Function: decideDaily', () => {
  const profile = (birthday?: string) => ({
    ...newCustomer('c1'),
    profile: { email: 'a@b.c', name: 'A', locale: 'en' as const, timeZone: 'Asia/Shanghai', marketingConsent: true, updatedAt: '2026-01-01T00:00:00Z', ...(birthday ? { birthday } : {}) },
  });

  it('leaves a customer without loyalty state and without a birthday today alone', () => {
    expect(decideDaily(null, profile('05-01'), at('2026-03-01T04:00:00Z'), config(), testCoupons)).toBeNull();
    expect(decideDaily(null, newCustomer('c1'), at('2026-03-01T04:00:00Z'), config(), testCoupons)).toBeNull();
  });

  it('gives a registered shopper who never ordered the birthday reward', () => {
    const d = decideDaily(null, profile('03-01'), at('2026-03-01T04:00:00Z'), config(), testCoupons);
    expect(d).toMatchObject({ birthday: true, state: { balance: 200, birthdayYear: 2026 }, entries: [{ key: 'birthday#2026', points: 200 }] });
    expect(d?.events.map((e) => e.detailType)).toEqual(['customer.birthday-reward']);
  });

  it('writes nothing when a review keeps the tier it had already confirmed, and still writes a downgrade', () => {
    const member = { ...newLoyaltyState('c1', at('2025-01-10T04:00:00Z'), config()), lastReview: '2026-02' };
    // March's review of a base-tier member: kept, nothing new confirmed
    expect(decideDaily(member, newCustomer('c1'), at('2026-03-01T04:00:00Z'), config(), testCoupons)).toBeNull();
    // A gold member with no spend left in the window is downgraded (no grace here): that is written
    const gold = { ...member, tier: 'gold', reviewedTier: 'gold' };
    expect(decideDaily(gold, newCustomer('c1'), at('2026-03-01T04:00:00Z'), config(), testCoupons)).toMatchObject({ tierChanges: 1, state: { tier: 'member', lastReview: '2026-03' } });
    // An upgrade since the last review (silver by an order) that the review confirms is written too
    const upgraded = { ...member, tier: 'silver', buckets: { '2026-02': { spend: 2500, orders: 3 } } };
    expect(decideDaily(upgraded, newCustomer('c1'), at('2026-03-01T04:00:00Z'), config(), testCoupons)).toMatchObject({ state: { reviewedTier: 'silver', lastReview: '2026-03' } });
  });
});
