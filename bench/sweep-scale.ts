// Scale model of the daily bulk run at 1M and 10M customers, driven by the real segment code
// (shared/churn/sweep.ts sweepSegment, shared/loyalty/sweep.ts loyaltyDueSegment and
// loyaltySweepSegment) over in-memory stores that charge each call by DynamoDB's pricing rules and
// wait the latency below. One 5,000-customer sample segment is run per case and scaled to the
// 25,000-customer segments of shared/platform/bulk.ts; the state machine runs 40 segments at once.
//
// Latency model (in-region Lambda → DynamoDB/EventBridge p50s, SDK keep-alive):
//   GetItem / UpdateItem / PutItem 8 ms, TransactWriteItems 20 ms, BatchGetItem (≤ 100 keys) 15 ms,
//   Query page 10 ms, Scan page of 500 items 30 ms, PutEvents (≤ 10 entries) 25 ms; plus the real
//   code's own CPU time on this machine (a 1,024 MB Lambda has about one vCPU).
// Pricing (us-east-1 on demand): $0.125 per million RRU (4 KB strongly consistent = 1, eventually
// consistent = 0.5), $0.625 per million WRU (1 KB = 1; transactions 2×; each GSI the item is
// projected into costs its own write). Items as stored: customer item ≈ 450 B (in the customers
// index, projection ALL), LOYALTY item ≈ 700 B, due-index entry ≈ 100 B (keys only).
import type { CustomerView } from '../shared/customers/view.js';
import type { Cursor } from '../shared/customers/port.js';
import type { CustomerRecord, RiskState } from '../shared/customers/record.js';
import { DEFAULT_RISK_CONFIG } from '../shared/churn/scores.js';
import { sweepSegment } from '../shared/churn/sweep.js';
import type { ScoreStore } from '../shared/churn/port.js';
import { loyaltyDueSegment, loyaltySweepSegment } from '../shared/loyalty/sweep.js';
import { loyaltyDue } from '../shared/loyalty/due.js';
import { parseLoyaltyConfig, newLoyaltyState, type LoyaltyState } from '../shared/loyalty/index.js';
import type { DueQuery, LoyaltyCommit, LoyaltyItem, LoyaltyStore } from '../shared/loyalty/port.js';
import type { Versioned } from '../shared/platform/ports.js';
import { segmentCount, type SegmentTask } from '../shared/platform/bulk.js';
import { DEFAULT_BULK_LIMITS } from '../infra/bulk-definition.js';
import { keys } from '../shared/platform/table/keys.js';
import type { Bench, BenchFigure } from './bench.js';
import { testCoupons } from '../test/support/coupons.js';

export const LATENCY_MS = { item: 8, transact: 20, batchGet: 15, query: 10, scanPage: 30, putEvents: 25 } as const;
export const PRICE = { rru: 0.125e-6, wru: 0.625e-6 } as const;
const SIZE = { customer: 450, loyalty: 700, dueKey: 100 } as const;
const SAMPLE = 5_000;
const SEGMENT = 25_000;
/** Lambda's timeout minus the Task's yield margin (shared/platform/runtime/task.ts). */
const TASK_BUDGET_S = 300 - 60;

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

class Meter {
  rru = 0;
  wru = 0;
  calls = 0;
  events = 0;
  /** Scan and Query: the bytes read, summed, in 4 KB units (at least one per call). */
  async read(bytes: number, consistent: boolean, ms: number) {
    this.calls++;
    this.rru += Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);
    await sleep(ms);
  }
  /** BatchGetItem: each key its own 4 KB unit, found or not. */
  async getItems(n: number, itemBytes: number, consistent: boolean, ms: number) {
    this.calls++;
    this.rru += n * Math.ceil(itemBytes / 4096) * (consistent ? 1 : 0.5);
    await sleep(ms);
  }
  async write(units: number, ms: number) {
    this.calls++;
    this.wru += units;
    await sleep(ms);
  }
  get cost() {
    return this.rru * PRICE.rru + this.wru * PRICE.wru;
  }
}

const NOW = new Date('2026-11-20T03:00:00Z');
const loyaltyConfig = parseLoyaltyConfig({
  currency: 'CNY',
  timeZone: 'Asia/Shanghai',
  tiers: [
    { id: 'member', name: { 'zh-CN': '会员', en: 'Member' } },
    { id: 'silver', name: { 'zh-CN': '银卡', en: 'Silver' }, qualify: { spend: 2000 } },
  ],
  review: { schedule: 'monthly', graceDays: 30 },
  birthday: { reward: { kind: 'points', points: 200 }, lateDays: 3 },
});

/** A sample segment: buyers with a history the rule judges, members with points, birthdays spread over the year. */
function sampleBase(n: number, reviewDue: boolean) {
  const customers: CustomerView[] = [];
  const loyalty = new Map<string, Versioned<LoyaltyItem>>();
  for (let i = 0; i < n; i++) {
    const customerId = `c${i}`;
    const last = new Date(NOW.getTime() - (20 + (i % 200)) * 86_400_000).toISOString().slice(0, 10);
    const birthday = new Date(Date.UTC(1990, 0, 1 + (i % 365))).toISOString().slice(5, 10);
    customers.push({
      customerId,
      summary: { orders: 4, purchaseDays: 4, firstDay: '2025-06-01', lastDay: last, spend: 400, firstDaySpend: 100 },
      profile: { email: `${customerId}@example.com`, name: customerId, locale: 'en', timeZone: 'Asia/Shanghai', marketingConsent: true, updatedAt: '2026-01-01T00:00:00Z', birthday },
    });
    // On a review day every member is reviewed; one in ten has spent enough to move up. This
    // year's birthday rewards and the notices ahead of them are given (a quiet day changes
    // nothing: the window is only read; without the notice year every member in the notice
    // window was announced on the metered day, four days' worth at once).
    const spend = reviewDue && i % 10 === 0 ? 2500 : 400;
    const state: LoyaltyState = { ...newLoyaltyState(customerId, new Date('2025-06-01T00:00:00Z'), loyaltyConfig), lastReview: reviewDue ? '2026-10' : '2026-11', birthdayYear: 2026, birthdayNoticeYear: 2026, balance: 400, lots: { '2026-06': { points: 400 } }, buckets: { '2026-06': { spend, orders: 4 } } };
    loyalty.set(customerId, { value: { state, outbox: {}, dueOn: loyaltyDue(state, {}, NOW, loyaltyConfig).on }, v: 1 });
  }
  return { customers, loyalty };
}

function stores(base: ReturnType<typeof sampleBase>, m: Meter, consistentLoyalty: boolean) {
  const byId = new Map(base.customers.map((c) => [c.customerId, c]));
  const customers = {
    async scanCustomers(page: { cursor?: Cursor; limit: number }) {
      const from = Number(page.cursor?.at ?? 0);
      const items = base.customers.slice(from, from + page.limit);
      await m.read(items.length * SIZE.customer, false, LATENCY_MS.scanPage);
      const next = from + items.length;
      return { customers: items, ...(next < base.customers.length ? { cursor: { at: String(next) } } : {}) };
    },
    async getCustomers(ids: string[]) {
      for (let i = 0; i < ids.length; i += 100) await m.getItems(Math.min(100, ids.length - i), SIZE.customer, false, LATENCY_MS.batchGet);
      return new Map(ids.flatMap((id) => (byId.has(id) ? [[id, byId.get(id)! as CustomerRecord] as const] : [])));
    },
  };
  const scores: ScoreStore = {
    // One item per invocation with the base's aggregate for the report (≈ 1.5 KB).
    async putBaseAggregate() {
      await m.write(2, LATENCY_MS.item);
    },
    async putScores(id: string, expected: RiskState | undefined, next: { risk: RiskState; segment?: string }) {
      // UpdateItem of the customer item, and its copy in the customers index (projection ALL); a
      // change of level also ADDs its KPI counter: a transaction, so both items bill twice.
      await m.write(expected?.level === next.risk.level ? 2 : 2 * 2 + 1, expected?.level === next.risk.level ? LATENCY_MS.item : LATENCY_MS.transact);
      const c = byId.get(id)!;
      c.risk = next.risk;
      if (next.segment) c.segment = next.segment;
      return true;
    },
    async putScoresMany(writes: readonly { customerId: string; expected: RiskState | undefined; next: { risk: RiskState; segment?: string } }[]) {
      // The level changes of a chunk in one transaction with one counter ADD; the rest one by one.
      const entries = writes.filter((w) => w.expected?.level !== w.next.risk.level);
      if (entries.length > 1) await m.write(2 * 2 * entries.length + 1, LATENCY_MS.transact);
      const single = entries.length > 1 ? writes.filter((w) => w.expected?.level === w.next.risk.level) : writes;
      await Promise.all(single.map((w) => scores.putScores(w.customerId, w.expected, w.next)));
      for (const w of entries.length > 1 ? entries : []) {
        const c = byId.get(w.customerId)!;
        c.risk = w.next.risk;
        if (w.next.segment) c.segment = w.next.segment;
      }
      return writes.map(() => true);
    },
    getStoreModel: async () => ({}),
    putBaseStats: async () => undefined,
    putModelParams: async () => true,
    putRefitReport: async () => undefined,
    readPurchaseDays: async () => ({ days: new Map(), queries: 0, items: 0 }),
  };
  const loyalty: LoyaltyStore = {
    async load(id) {
      await m.getItems(2, SIZE.loyalty, true, LATENCY_MS.batchGet);
      return { loyalty: base.loyalty.get(id) ?? null, order: null };
    },
    async loadMany(ids, opts) {
      // `before` stands for the previous code, which read these strongly consistent.
      for (let i = 0; i < ids.length; i += 100) await m.getItems(Math.min(100, ids.length - i), SIZE.loyalty, consistentLoyalty || opts?.consistent !== false, LATENCY_MS.batchGet);
      return new Map(ids.flatMap((id) => (base.loyalty.has(id) ? [[id, base.loyalty.get(id)!] as const] : [])));
    },
    async queryDue(q: DueQuery) {
      // Each shard query returns the sample's customers of that shard that are due.
      const shard = Number(q.partition.split('#')[1]);
      const inShard = (id: string) => keys.loyaltyShardOf(id) === shard;
      const ids = q.partition.startsWith('BDAY#')
        ? base.customers.filter((c) => inShard(c.customerId) && c.profile!.birthday! >= q.from! && c.profile!.birthday! <= q.to).map((c) => c.customerId)
        : [...base.loyalty].filter(([id, l]) => inShard(id) && (l.value.dueOn ?? '') <= q.to).map(([id]) => id);
      await m.read(ids.length * SIZE.dueKey, false, LATENCY_MS.query);
      return { customerIds: ids };
    },
    async commit(c: LoyaltyCommit) {
      const prior = base.loyalty.get(c.customerId);
      // Transactions bill twice; the due index is written only when the date moves.
      const items = 1 + c.entries.length + c.coupons.length + (c.customerTier ? 1 : 0);
      await m.write(2 * (items + 1 /* tombstone check */) + (prior?.value.dueOn === c.due.on ? 0 : 1), LATENCY_MS.transact);
      base.loyalty.set(c.customerId, { value: { ...c.loyalty.value, dueOn: c.due.on }, v: c.loyalty.v + 1 });
      return 'ok';
    },
    async clearOutbox() {
      await m.write(1, LATENCY_MS.item);
    },
    getLedgerEntry: async () => null,
    listLedger: async () => [],
  };
  const publisher = { publish: async (events: unknown[]) => { for (let i = 0; i < events.length; i += 10) { m.events += Math.min(10, events.length - i); m.calls++; await sleep(LATENCY_MS.putEvents); } } };
  return { customers, scores, loyalty, publisher };
}

interface SegmentRun { seconds: number; meter: Meter }

async function timed(run: (m: Meter) => Promise<unknown>): Promise<SegmentRun> {
  const meter = new Meter();
  const t0 = performance.now();
  await run(meter);
  return { seconds: (performance.now() - t0) / 1000, meter };
}

const task = (job: SegmentTask['job']): SegmentTask => ({ job, runKey: NOW.toISOString(), scheduledTime: NOW.toISOString(), segment: 0, totalSegments: 1 });
const never = { shouldYield: () => false };

/** Churn + loyalty of one sample segment, for a quiet day (nothing changes) or a mass-change day. */
async function sampleDay(kind: 'quiet' | 'mass' | 'before') {
  const base = sampleBase(SAMPLE, kind === 'mass');
  const churnDeps = (m: Meter) => { const s = stores(base, m, true); return { customers: s.customers, scores: s.scores, publisher: s.publisher, risk: DEFAULT_RISK_CONFIG }; };
  const loyaltyDeps = (m: Meter) => { const s = stores(base, m, kind === 'before'); return { store: s.loyalty, customers: s.customers, publisher: s.publisher, config: loyaltyConfig, clock: () => NOW, coupons: testCoupons }; };
  // A quiet day follows a day that already scored everyone: run that day first, unmetered.
  if (kind !== 'mass') await sweepSegment(churnDeps(new Meter()), task('daily-sweep'), { pageSize: 500, ...never });
  const churn = await timed((m) => sweepSegment(churnDeps(m), task('daily-sweep'), { pageSize: 500, ...never }));
  // Before: every member BatchGot (strongly consistent) by a full scan; now: only who is due. A
  // mass-change day adds the monthly tier review over every member (its own run, same day).
  const loyalty = await timed((m) => (kind === 'before' ? loyaltySweepSegment(loyaltyDeps(m), task('tier-review'), { pageSize: 500, ...never }) : loyaltyDueSegment(loyaltyDeps(m), task('daily-sweep'), never)));
  const review = kind === 'mass' ? await timed((m) => loyaltySweepSegment(loyaltyDeps(m), task('tier-review'), { pageSize: 500, ...never })) : undefined;
  return { churn, loyalty, review };
}

/** Scales a sample to N customers: segments of 25k, 40 at a time, a Task invocation per 240 s. */
function atScale(n: number, day: Awaited<ReturnType<typeof sampleDay>>) {
  const k = SEGMENT / SAMPLE;
  const segments = segmentCount(n, 4);
  const waves = Math.ceil(segments / DEFAULT_BULK_LIMITS.maxConcurrency);
  const parts = [day.churn, day.loyalty, ...(day.review ? [day.review] : [])];
  const segmentSeconds = parts.reduce((s, p) => s + p.seconds * k, 0);
  const invocations = segments * parts.reduce((s, p) => s + Math.max(1, Math.ceil((p.seconds * k) / TASK_BUDGET_S)), 0);
  const perCustomerCost = parts.reduce((s, p) => s + p.meter.cost, 0) / SAMPLE;
  // 1 s per wave for the Map to start child executions.
  return { wallSeconds: waves * (segmentSeconds + 1), invocations, dynamoCost: perCustomerCost * n, segments };
}

export const sweepScaleBench: Bench = {
  name: 'sweep-scale',
  async run(): Promise<BenchFigure[]> {
    const before = await sampleDay('before');
    const quiet = await sampleDay('quiet');
    const mass = await sampleDay('mass');
    const figures: BenchFigure[] = [];
    const perMillion = (d: typeof quiet) => atScale(1_000_000, d).dynamoCost;
    figures.push({ figure: 'quiet day DynamoDB cost per 1M customers, before (full scan, every member read)', value: perMillion(before), unit: '$' });
    figures.push({ figure: 'quiet day DynamoDB cost per 1M customers (due-only loyalty, nothing changes)', value: perMillion(quiet), unit: '$', target: 0.02 });
    figures.push({ figure: 'quiet day loyalty part per 1M customers (due index + due members)', value: (quiet.loyalty.meter.cost / SAMPLE) * 1e6, unit: '$' });
    for (const n of [1_000_000, 10_000_000]) {
      const label = n === 1_000_000 ? '1M' : '10M';
      const q = atScale(n, quiet);
      const m = atScale(n, mass);
      figures.push({ figure: `${label}: segments`, value: q.segments, unit: 'segments' });
      figures.push({ figure: `${label}: quiet day wall time`, value: q.wallSeconds / 60, unit: 'min' });
      figures.push({ figure: `${label}: quiet day Lambda invocations`, value: q.invocations, unit: 'invocations' });
      figures.push({ figure: `${label}: quiet day DynamoDB cost`, value: q.dynamoCost, unit: '$' });
      figures.push({ figure: `${label}: mass-change day wall time (everyone rescored + tier review)`, value: m.wallSeconds / 60, unit: 'min', ...(n === 10_000_000 ? { target: 60 } : {}) });
      figures.push({ figure: `${label}: mass-change day Lambda invocations`, value: m.invocations, unit: 'invocations' });
      figures.push({ figure: `${label}: mass-change day DynamoDB cost`, value: m.dynamoCost, unit: '$' });
    }
    figures.push({ figure: 'mass-change day events published per customer', value: mass.churn.meter.events / SAMPLE, unit: 'events' });
    return figures;
  },
};
