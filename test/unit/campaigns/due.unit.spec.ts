/** The due index's buckets and the due job's walk: a backlog drains, leased items are not published twice. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketsBetween, leaseMs, publishDueSends, walkFrom } from '../../../shared/campaigns/due.js';
import type { DuePage, DueSend, SendStore } from '../../../shared/campaigns/port.js';
import { DUE_SHARDS, dueBucket, dueKeys } from '../../../shared/platform/table/keys.js';
import { ENGAGE_SOURCE, type OutgoingEvent } from '../../../shared/platform/contracts/events.js';
import { routesFor } from '../../../shared/platform/contracts/functions.js';
import { laneOf } from '../../../shared/campaigns/lanes.js';

const trigger = { type: 'risk-changed', customerId: 'c', occurrence: 'o', vars: {}, match: {} } as unknown as DueSend['trigger'];

/** The due index in memory: items by shard, sorted by due time, paged like Query with Limit. */
class MemoryDue implements Pick<SendStore, 'listDue' | 'leaseDue' | 'getDueCursor' | 'putDueCursor'> {
  readonly items = new Map<string, DueSend & { shard: string }>();
  cursor?: string;
  queries = 0;
  add(d: DueSend, shard = dueKeys.of(d.customerId, d.dueAt)) {
    this.items.set(`${d.customerId}|${d.campaignId}|${d.occurrence}`, { ...d, shard });
  }
  async listDue(shard: string, now: string, limit: number, start?: Record<string, unknown>): Promise<DuePage> {
    this.queries++;
    const all = [...this.items.values()].filter((i) => i.shard === shard && i.dueAt <= now).sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.customerId.localeCompare(b.customerId));
    const from = start ? all.findIndex((i) => `${i.dueAt}|${i.customerId}` > (start.k as string)) : 0;
    const page = from < 0 ? [] : all.slice(from, from + limit);
    const last = page.at(-1);
    return { items: page.map(({ shard: _, ...d }) => d), ...(page.length === limit && last ? { next: { k: `${last.dueAt}|${last.customerId}` } } : {}) };
  }
  async leaseDue(d: DueSend, until: string) {
    const key = `${d.customerId}|${d.campaignId}|${d.occurrence}`;
    const i = this.items.get(key);
    if (!i || i.dueAt !== d.dueAt) return false;
    this.add({ ...i, dueAt: until, leases: (d.leases ?? 0) + 1 });
    return true;
  }
  async getDueCursor() {
    return this.cursor;
  }
  async putDueCursor(b: string) {
    this.cursor = b;
  }
}

const published = () => {
  const events: OutgoingEvent[] = [];
  return { events, publisher: { publish: async (e: OutgoingEvent[]) => void events.push(...e) } };
};

const NOW = new Date('2026-11-20T08:00:00Z');

describe('the due index buckets', () => {
  it('put a due time in its UTC day, and spread sends sharing one due time over every shard', () => {
    expect(dueBucket('2026-11-20T23:59:59.999Z')).toBe('2026-11-20');
    expect(dueBucket('2026-11-21T07:30:00+08:00')).toBe('2026-11-20');
    const shards = new Set(Array.from({ length: 2000 }, (_, i) => dueKeys.of(`cust-${i}`, '2026-11-20T08:00:00.000Z')));
    expect(shards.size).toBe(DUE_SHARDS);
    for (const s of shards) expect(s).toMatch(/^DUE#2026-11-20#\d{1,2}$/);
  });

  it('walk from the cursor, never from later than yesterday, over every day to today', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: -3, max: 3 }), (days, ahead) => {
        const cursor = dueBucket(new Date(NOW.getTime() + ahead * 86_400_000).toISOString());
        const { start, today, floor } = walkFrom(cursor, new Date(NOW.getTime() + days * 86_400_000));
        expect(start <= floor).toBe(true);
        expect(start <= cursor || start === floor).toBe(true);
        const walk = bucketsBetween(start, today);
        expect(walk.at(-1)).toBe(today);
        expect(new Set(walk).size).toBe(walk.length);
      }),
    );
    expect(bucketsBetween('2026-02-27', '2026-03-01')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });

  it('lease for longer each time an item is published again: 15 min doubling, at most 6 h', () => {
    expect([0, 1, 2, 3, 4, 5, 30].map((n) => leaseMs(n) / 60_000)).toEqual([15, 30, 60, 120, 240, 360, 360]);
  });
});

describe('publishDueSends', () => {
  const backlog = (store: MemoryDue, n: number, dueAt = '2026-11-20T08:00:00.000Z') => {
    for (let i = 0; i < n; i++) store.add({ customerId: `c${i}`, campaignId: 'win-back', occurrence: 'o', dueAt, trigger, lane: 'bulk' });
  };

  it('drains a backlog far larger than a page in one run, every item once, each carrying its leased due time', async () => {
    const store = new MemoryDue();
    backlog(store, 5_000);
    const { events, publisher } = published();
    const run = await publishDueSends({ sends: store, publisher }, NOW);
    expect(run).toMatchObject({ published: 5_000, drained: true });
    expect(new Set(events.map((e) => (e.detail as DueSend).customerId)).size).toBe(5_000);
    for (const e of events) expect((e.detail as DueSend).dueAt).toBe('2026-11-20T08:15:00.000Z');
  });

  it('does not publish a leased item again while its lease holds, and again (with a longer lease) once it ran out', async () => {
    const store = new MemoryDue();
    backlog(store, 30);
    const first = published();
    await publishDueSends({ sends: store, publisher: first.publisher }, NOW);
    const second = published();
    expect((await publishDueSends({ sends: store, publisher: second.publisher }, new Date('2026-11-20T08:14:00Z'))).published).toBe(0);
    const third = published();
    expect((await publishDueSends({ sends: store, publisher: third.publisher }, new Date('2026-11-20T08:16:00Z'))).published).toBe(30);
    expect((third.events[0]!.detail as DueSend).dueAt).toBe('2026-11-20T08:46:00.000Z');
  });

  it('stops at its time budget and leaves the cursor on the first day not drained', async () => {
    const store = new MemoryDue();
    backlog(store, 3, '2026-11-15T10:00:00.000Z');
    store.cursor = '2026-11-15';
    let t = 0;
    const { publisher } = published();
    // Each Query takes 1 s of the 5 s budget: the walk stops inside the first day.
    const clocked = { ...store, listDue: async (...a: Parameters<MemoryDue['listDue']>) => ((t += 1000), store.listDue(...a)) } as unknown as MemoryDue;
    Object.assign(clocked, { leaseDue: store.leaseDue.bind(store), getDueCursor: store.getDueCursor.bind(store), putDueCursor: store.putDueCursor.bind(store) });
    const run = await publishDueSends({ sends: clocked, publisher, clock: () => t }, NOW, 5_000);
    expect(run.drained).toBe(false);
    expect(store.cursor).toBe('2026-11-15');
    // Given time, the next run drains it and moves the cursor up to yesterday.
    const rest = await publishDueSends({ sends: store, publisher }, NOW);
    expect(rest.drained).toBe(true);
    expect(store.cursor).toBe('2026-11-19');
  });

  it('still reads the shards written before the buckets, and moves their items into a bucket', async () => {
    const store = new MemoryDue();
    store.add({ customerId: 'old', campaignId: 'win-back', occurrence: 'o', dueAt: '2026-11-01T00:00:00.000Z', trigger, lane: 'bulk' }, dueKeys.legacyShard(2));
    const { events, publisher } = published();
    expect((await publishDueSends({ sends: store, publisher }, NOW)).published).toBe(1);
    expect(events).toHaveLength(1);
    expect(store.items.get('old|win-back|o')!.shard).toMatch(/^DUE#2026-11-20#/);
  });
});

describe('several of one customer\'s items due at once', () => {
  it('go out one per run, the first by due time then campaign, so the frequency cap sees them in the same order on every run', async () => {
    // Given a customer whose deferred win-back, flow wait and reminder all end at 08:00, and another customer
    const store = new MemoryDue();
    const at = '2026-11-20T08:00:00.000Z';
    store.add({ customerId: 'c-1', campaignId: 'win-back', occurrence: 'o', dueAt: at, trigger, lane: 'bulk' });
    store.add({ customerId: 'c-1', campaignId: 'abandoned-checkout', occurrence: 'e-1', dueAt: at, trigger, lane: 'bulk', flow: true });
    store.add({ customerId: 'c-1', campaignId: 'coupon-reminder', occurrence: 'o', dueAt: '2026-11-19T20:00:00.000Z', trigger, lane: 'bulk' });
    store.add({ customerId: 'c-2', campaignId: 'win-back', occurrence: 'o', dueAt: at, trigger, lane: 'bulk' });
    const runs: string[][] = [];
    for (let i = 0; i < 4; i++) {
      // When the due job runs (each run after the dispatch of the previous one's events)
      const { events, publisher } = published();
      const out = await publishDueSends({ sends: store, publisher }, new Date(NOW.getTime() + i * 60_000));
      runs.push(events.map((e) => `${(e.detail as DueSend).customerId}:${(e.detail as { campaignId?: string; flowId?: string }).campaignId ?? (e.detail as { flowId: string }).flowId}`).sort());
      // Then what it left due is said, and the cursor stays on a bucket with items left
      expect(out.held).toBe([2, 1, 0, 0][i]);
      if (out.held) expect(out.drained).toBe(false);
    }
    expect(runs).toEqual([['c-1:coupon-reminder', 'c-2:win-back'], ['c-1:abandoned-checkout'], ['c-1:win-back'], []]);
  });
});

describe('due sends and their lanes', () => {
  it('go back to the lane they came in: each lane\'s due event reaches dispatch only through that lane\'s route', async () => {
    const store = new MemoryDue();
    const survey = { ...trigger, type: 'order-delivered' } as DueSend['trigger'];
    store.add({ customerId: 'bulk-1', campaignId: 'win-back', occurrence: 'o', dueAt: '2026-11-20T07:00:00.000Z', trigger, lane: 'bulk' });
    store.add({ customerId: 'tx-1', campaignId: 'survey', occurrence: 'o', dueAt: '2026-11-20T07:00:00.000Z', trigger: survey, lane: 'transactional' });
    const { events, publisher } = published();
    await publishDueSends({ sends: store, publisher }, NOW);
    const laneOfEvent = (e: OutgoingEvent) => routesFor({ source: ENGAGE_SOURCE, 'detail-type': e.detailType }).filter((r) => r.target === 'campaign-dispatch').map((r) => r.lane?.name);
    const byCustomer = Object.fromEntries(events.map((e) => [(e.detail as DueSend).customerId, laneOfEvent(e)]));
    expect(byCustomer).toEqual({ 'bulk-1': ['bulk'], 'tx-1': ['transactional'] });
  });

  it('take the lane of the route their trigger arrives on; coupon reminders, which no event brings, go bulk', () => {
    expect(laneOf('order-delivered')).toBe('transactional');
    expect(laneOf('survey-low-score')).toBe('transactional');
    expect(['risk-entered', 'tier-changed', 'birthday', 'schedule', 'coupon-expiring'].map((t) => laneOf(t as DueSend['trigger']['type']))).toEqual(Array(5).fill('bulk'));
  });
});
