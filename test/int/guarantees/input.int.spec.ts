/**
 * Guarantee: odd input never blocks good input, and is refused where it enters with a clear error.
 * Malformed events (unbounded numbers, ids that are e-mail addresses, times in the future or
 * without an offset, oversized text) are dead-lettered as malformed without writes while their
 * batch neighbours go through; times with mixed offsets are ordered by instant; one customer's
 * odd data never fails the sweep for the others.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { putRaw, systemForTest } from '../../support/system.js';
import { captureOutput, placed, profile } from '../../support/guarantees.js';

let sys: Awaited<ReturnType<typeof systemForTest>>;
const T0 = new Date('2026-11-20T10:00:00Z');

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(T0);
  sys = await systemForTest();
});
afterAll(async () => {
  await sys?.close();
  vi.useRealTimers();
});

type Detail = Record<string, unknown> & { lines: Array<Record<string, unknown>> };
/** One way of breaking an order.placed, and the field the error must name. */
const corruption = fc.constantFrom<[string, (d: Detail) => void]>(
  ['total', (d) => void (d.total = 1e130)],
  ['total', (d) => void (d.total = -5)],
  ['total', (d) => void (d.total = 'abc')],
  ['lines.0.quantity', (d) => void (d.lines[0]!.quantity = 1e12)],
  ['lines.0.quantity', (d) => void (d.lines[0]!.quantity = 1.5)],
  ['lines.0.unitPrice', (d) => void (d.lines[0]!.unitPrice = 1e200)],
  ['customerId', (d) => void (d.customerId = 'ada.lovelace@example.com')],
  ['customerId', (d) => void (d.customerId = 'has#hash')],
  ['orderId', (d) => void (d.orderId = 'o'.repeat(300))],
  ['lines.0.name', (d) => void (d.lines[0]!.name = '名'.repeat(500))],
  ['occurredAt', (d) => void (d.occurredAt = new Date(Date.now() + 86_400_000).toISOString())],
  ['occurredAt', (d) => void (d.occurredAt = '2026-11-20T09:00:00')],
  ['occurredAt', (d) => void (d.occurredAt = '2026-02-30T09:00:00Z')],
  ['currency', (d) => void (d.currency = 'yuan')],
);

let run = 0;

describe('odd input', () => {
  it('dead-letters each malformed event as malformed, naming the field, without writes or blocking its batch', async () => {
    await fc.assert(
      fc.asyncProperty(corruption, async ([field, corrupt]) => {
        const n = run++;
        const ok1 = placed(`in-ok-${sys.tag}-${n}a`, 'o-1', '2026-11-19T10:00:00Z');
        const ok2 = placed(`in-ok-${sys.tag}-${n}b`, 'o-1', '2026-11-19T10:00:00Z');
        const bad = placed(`in-bad-${sys.tag}-${n}`, 'o-1', '2026-11-19T10:00:00Z');
        corrupt(bad.detail as unknown as Detail);
        const before = sys.bus.deadLetters.length;
        const output = captureOutput();
        try {
          await putRaw(sys, [ok1, bad, ok2]);
        } finally {
          output.restore();
        }
        // Dead-lettered on each route that consumes orders, and only the bad one
        const dead = sys.bus.deadLetters.slice(before);
        expect(dead.map((d) => d.route).sort(), field).toEqual(['LoyaltyEvents', 'OrderEvents', 'ShopActivity']);
        // reported as malformed input naming the field, not as a transient failure
        const errors = output.lines.filter((l) => l.includes('"malformed event"') || l.includes('"record failed"'));
        expect(errors.length, field).toBeGreaterThan(0);
        expect(errors.every((l) => l.includes('"malformed event"') && l.includes(`detail.${field}`)), `${field}: ${errors[0]}`).toBe(true);
        // nothing written for it; its neighbours went through
        expect(await sys.stores.customers.getCustomer(`in-bad-${sys.tag}-${n}`)).toBeNull();
        expect((await sys.stores.customers.getCustomer(ok1.detail.customerId))?.summary.orders).toBe(1);
        expect((await sys.stores.customers.getCustomer(ok2.detail.customerId))?.summary.orders).toBe(1);
      }),
      { numRuns: 14, seed: 9 },
    );
  });

  it('orders profile updates by instant whatever offsets they carry and whatever order they arrive in', async () => {
    const withOffset = (ms: number, offsetMin: number) => {
      const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 19);
      const sign = offsetMin < 0 ? '-' : '+';
      const abs = Math.abs(offsetMin);
      return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    };
    const offset = fc.integer({ min: -48, max: 56 }).map((q) => q * 15);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-06-01T00:00:00Z') }),
        fc.integer({ min: 1, max: 12 * 60 }),
        offset,
        offset,
        fc.boolean(),
        async (t1, gapMinutes, o1, o2, newerFirst) => {
          const id = `off-${sys.tag}-${run++}`;
          const older = profile(id, { name: 'Older', consent: true, occurredAt: withOffset(t1, o1) });
          const newer = profile(id, { name: 'Newer', consent: false, occurredAt: withOffset(t1 + gapMinutes * 60_000, o2) });
          for (const e of newerFirst ? [newer, older] : [older, newer]) await putRaw(sys, [e]);
          const stored = (await sys.stores.customers.getCustomer(id))?.profile;
          expect(stored, `${older.detail.occurredAt} then ${newer.detail.occurredAt}`).toMatchObject({ name: 'Newer', marketingConsent: false });
        },
      ),
      // The issue's own case first: 09:00+08:00, then 05:00Z four hours later.
      { numRuns: 12, seed: 3, examples: [[Date.parse('2026-03-01T01:00:00Z'), 240, 480, 0, false]] },
    );
  });

  it('does not let one customer whose last order lies ahead of the sweep clock fail the sweep for the others', async () => {
    // 23:58 UTC: an order three minutes ahead (the shop's clock is fast) falls on tomorrow's date
    const now = new Date('2026-11-20T23:58:00Z');
    vi.setSystemTime(now);
    const drifting = Array.from({ length: 6 }, (_, i) => `sw-${sys.tag}-${i}`);
    const ahead = `sw-${sys.tag}-ahead`;
    await putRaw(sys, [
      ...drifting.flatMap((id) => [profile(id), ...['2026-07-03', '2026-08-02', '2026-09-01'].map((d, k) => placed(id, `o${k}`, `${d}T10:00:00Z`))]),
      profile(ahead),
      placed(ahead, 'o-ahead', '2026-11-21T00:01:00Z'),
    ]);
    expect((await sys.stores.customers.getCustomer(ahead))?.summary.lastDay).toBe('2026-11-21');
    await sys.sweep(now);
    expect(sys.bus.deadLetters.filter((d) => d.route === 'SweepSegments')).toEqual([]);
    for (const id of drifting) expect((await sys.stores.customers.getCustomer(id))?.risk?.level, id).toBe('at-risk');
    expect((await sys.stores.customers.getCustomer(ahead))?.risk?.level).toBe('active');
    vi.setSystemTime(T0);
  }, 120_000);
});
