import { describe, expect, it } from 'vitest';
import { decideRedeem, lotExpiresAt, verifyLedger } from '../../../shared/loyalty/index.js';
import { MemoryLoyalty } from './memory-loyalty.js';
import { at, cancelled, config, fulfilled, placed, refunded } from './fixtures.js';

const MARCH = at('2026-03-01T04:00:00Z');
const given = (cfg = config()) => new MemoryLoyalty(cfg, at('2026-01-01T00:00:00Z'));
const entries = (m: MemoryLoyalty) => [...m.ledger.values()];

describe('earning points', () => {
  it('credits one point per yuan at the tier held before the order, once', () => {
    const m = given();
    m.order(placed('o1', 1200), MARCH); // member ×1; the order itself makes the customer silver
    expect(m.order(placed('o1', 1200), MARCH).kind).toBe('duplicate');
    m.order(placed('o2', 100), MARCH); // silver ×1.5
    expect(m.ledger.get('earn#o1')).toMatchObject({ points: 1200, lots: { '2026-03': 1200 } });
    expect(m.ledger.get('earn#o2')).toMatchObject({ points: 150 });
    expect(m.balance).toBe(1350);
    expect(m.state.tier).toBe('silver');
  });

  it('waits for fulfilment when configured so, counts the order towards its tier at once, and credits at the tier held then', () => {
    const m = given(config({ points: { earnOn: 'fulfilled' } }));
    m.order(placed('o1', 1200), MARCH);
    expect(m.balance).toBe(0);
    expect(m.state.tier).toBe('silver');
    m.order(fulfilled('o1'), MARCH);
    expect(m.ledger.get('earn#o1')?.points).toBe(1800); // silver ×1.5 since the order was placed
  });

  it('ignores orders in another currency', () => {
    const m = given();
    m.order(placed('o1', 500, '2026-03-01T02:00:00Z', 'USD'), MARCH);
    expect(m.balance).toBe(0);
    expect(m.state.buckets).toEqual({});
  });
});

describe('reversing points', () => {
  it('takes back points in proportion to the refunded amount, without rounding drift', () => {
    const m = given();
    m.order(placed('o1', 999), MARCH);
    m.order(refunded('o1', 333, 'r1'), MARCH);
    m.order(refunded('o1', 333, 'r2'), MARCH);
    expect(m.order(refunded('o1', 333, 'r2'), MARCH).kind).toBe('duplicate');
    expect(m.ledger.get('refund#o1#r1')).toMatchObject({ kind: 'reverse', points: -333, refundId: 'r1' });
    expect(m.balance).toBe(333);
    m.order(refunded('o1', 333, 'r3'), MARCH);
    expect(m.balance).toBe(0);
  });

  it('applies a refund that arrives before its order when the order arrives', () => {
    const m = given();
    expect(m.order(refunded('o1', 40), MARCH)).toMatchObject({ kind: 'apply', entries: [] });
    m.order(placed('o1', 100), MARCH);
    expect(m.ledger.get('earn#o1')?.points).toBe(60);
    expect(m.state.buckets['2026-03']).toEqual({ spend: 60, orders: 1 });
  });

  it('takes back everything on cancellation, keyed by the order', () => {
    const m = given();
    m.order(placed('o1', 300), MARCH);
    m.order(cancelled('o1'), MARCH);
    expect(m.ledger.get('cancel#o1')).toMatchObject({ points: -300 });
    expect(m.balance).toBe(0);
    expect(m.state.buckets).toEqual({});
  });

  it('forgives points already spent: the balance stops at zero and the shortfall is recorded', () => {
    const m = given();
    m.order(placed('o1', 500), MARCH);
    m.redeem('k1', 400, MARCH);
    m.order(cancelled('o1'), MARCH);
    expect(m.ledger.get('cancel#o1')).toMatchObject({ points: -100, unrecoverable: 400 });
    expect(m.state).toMatchObject({ balance: 0, unrecoverable: 400 });
    expect(verifyLedger(m.state, entries(m))).toEqual([]);
  });
});

describe('redeeming points', () => {
  it('redeems into a coupon request, oldest lot first, once per idempotency key', () => {
    const m = given();
    m.order(placed('o1', 300), at('2026-01-10T00:00:00Z'));
    m.order(placed('o2', 300), MARCH);
    const first = m.redeem('k1', 400, MARCH);
    expect(first).toMatchObject({
      kind: 'redeem',
      entry: { key: 'redeem#k1', points: -400, lots: { '2026-01': -300, '2026-03': -100 } },
      coupon: { idempotencyKey: 'redeem#k1', value: 4, currency: 'CNY', points: 400 },
    });
    expect(m.redeem('k1', 400, MARCH).kind).toBe('duplicate');
    expect(m.balance).toBe(200);
  });

  it.each([
    ['insufficient', 'k2', 300],
    ['below-minimum', 'k2', 50],
    ['not-a-step', 'k2', 150],
    ['invalid-key', 'bad key#', 100],
    ['key-reused', 'k1', 200],
  ])('rejects a redemption: %s', (reason, key, points) => {
    const m = given();
    m.order(placed('o1', 300), MARCH);
    m.redeem('k1', 100, MARCH);
    expect(m.redeem(key, points, MARCH)).toMatchObject({ kind: 'reject', reason });
    expect(m.balance).toBe(200);
  });

  it('remembers a refusal under its key: the same request is refused again once the balance would cover it', () => {
    const m = given();
    const refused = decideRedeem({ state: m.state }, { key: 'k9', points: 500, now: MARCH }, m.config);
    expect(refused).toMatchObject({ kind: 'reject', reason: 'insufficient', remember: { key: 'redeem#k9', kind: 'rejected', points: 0, requested: 500 } });
    m.order(placed('o1', 900), MARCH);
    const existing = refused.kind === 'reject' ? refused.remember! : null;
    expect(decideRedeem({ state: m.state, existing }, { key: 'k9', points: 500, now: MARCH }, m.config)).toEqual({ kind: 'reject', reason: 'insufficient' });
    expect(decideRedeem({ state: m.state, existing }, { key: 'k9', points: 600, now: MARCH }, m.config)).toEqual({ kind: 'reject', reason: 'key-reused' });
  });
});

describe('expiring points', () => {
  it('expires a lot when its month plus twelve ends (shop time), after a notice 30 days before', () => {
    const m = given();
    m.order(placed('o1', 300), MARCH);
    expect(lotExpiresAt('2026-03', m.config).toISOString()).toBe('2027-03-31T16:00:00.000Z');
    expect(m.expire(at('2027-02-28T00:00:00Z')).kind).toBe('none');
    const notice = m.expire(at('2027-03-02T00:00:00Z'));
    expect(notice).toMatchObject({ kind: 'apply', entries: [], notices: [{ lot: '2026-03', points: 300, key: 'expiring#2026-03' }] });
    expect(m.expire(at('2027-03-03T00:00:00Z')).kind).toBe('none');
    m.expire(at('2027-03-31T16:00:00Z'));
    expect(m.ledger.get('expire#2026-03')).toMatchObject({ points: -300 });
    expect(m.balance).toBe(0);
  });

  it('expires only what is left of the lot after redemptions took from it', () => {
    const m = given();
    m.order(placed('o1', 300), MARCH);
    m.order(placed('o2', 200, '2026-05-01T00:00:00Z'), at('2026-05-01T00:00:00Z'));
    m.redeem('k1', 200, at('2026-06-01T00:00:00Z'));
    m.expire(at('2027-04-01T00:00:00Z'));
    expect(m.ledger.get('expire#2026-03')?.points).toBe(-100);
    expect(m.state.lots).toEqual({ '2026-05': { points: 200 } });
    expect(verifyLedger(m.state, entries(m))).toEqual([]);
  });
});

describe('history: events judged by their own date', () => {
  const NOW = at('2026-11-20T04:00:00Z');

  it('credits a backfilled order to the lot of its own month, which expires by that date', () => {
    const m = given();
    m.order(placed('jan', 300, '2026-01-10T02:00:00Z'), NOW);
    m.order(placed('nov', 100, '2026-11-19T02:00:00Z'), NOW);
    expect(m.ledger.get('earn#jan')).toMatchObject({ lots: { '2026-01': 300 }, at: '2026-01-10T02:00:00.000Z' });
    expect(m.ledger.get('earn#nov')).toMatchObject({ lots: { '2026-11': 100 } });
    expect(m.expire(at('2027-01-31T15:00:00Z')).kind).toBe('apply'); // the notice only
    // January 2026 + 12 months has ended in Shanghai: the January points go, November's stay.
    expect(m.expire(at('2027-01-31T16:00:00Z'))).toMatchObject({ kind: 'apply', entries: [{ key: 'expire#2026-01', points: -300 }] });
    expect(m.state.lots).toEqual({ '2026-11': { points: 100 } });
    expect(verifyLedger(m.state, entries(m))).toEqual([]);
  });

  it('credits nothing for an order whose points would already have expired', () => {
    const m = given();
    const d = m.order(placed('old', 300, '2025-06-10T02:00:00Z'), NOW);
    expect(d).toMatchObject({ kind: 'apply', entries: [], order: { credit: { lot: '2025-06', gross: 0 }, points: 0 } });
    m.order(refunded('old', 100), NOW);
    expect(m.balance).toBe(0);
    expect(m.ledger.size).toBe(0);
  });

  it('judges a live event as before: a timestamp ahead of the clock counts as now', () => {
    const m = given();
    m.order(placed('o1', 200, '2026-12-02T00:00:00Z'), NOW);
    expect(m.ledger.get('earn#o1')).toMatchObject({ lots: { '2026-11': 200 }, at: NOW.toISOString() });
  });
});

describe('concurrent redemptions', () => {
  it('never overdraw: the second write, decided on the same read, fails its version condition and is re-decided', () => {
    const m = given();
    m.order(placed('o1', 500), MARCH);
    const store = { state: m.state, version: 1 };
    const commit = (d: ReturnType<typeof decideRedeem>, readVersion: number) => {
      if (d.kind !== 'redeem') return d.kind;
      if (store.version !== readVersion) return 'condition-failed'; // version = :read
      store.state = d.state;
      store.version += 1;
      return 'written';
    };
    const read = { state: store.state, version: store.version };
    const a = decideRedeem({ state: read.state }, { key: 'a', points: 400, now: MARCH }, m.config);
    const b = decideRedeem({ state: read.state }, { key: 'b', points: 400, now: MARCH }, m.config);
    expect([commit(a, read.version), commit(b, read.version)]).toEqual(['written', 'condition-failed']);
    const retried = decideRedeem({ state: store.state }, { key: 'b', points: 400, now: MARCH }, m.config);
    expect(retried).toMatchObject({ kind: 'reject', reason: 'insufficient' });
    expect(store.state.balance).toBe(100);
  });
});
