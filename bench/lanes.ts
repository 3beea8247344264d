// Scale model of the send lanes and of the due index, in virtual time (bench/virtual-time.ts),
// driving the real code: SendLane (admit, pace), the GCRA schedule (takeSlot, as the table item's
// conditional UpdateItem applies it), the SES account cache, and publishDueSends.
//
// AWS latency model (per call, one region, warm containers; documented, not measured here):
//   DynamoDB GetItem 4 ms, UpdateItem 6 ms, Query page of 500 items 25 ms; SES SendEmail 80 ms
//   (± 20 ms); network to SES 2–10 ms; dispatch's own work before SES (claim, reads, render, last
//   look) 40 ms, after it (outcome) 8 ms; an SQS poll 20 ms per batch of 10; PutEvents (10
//   entries) 25 ms. SES throttles any call beyond MaxSendRate in a second (counted, never hit).
import type { SQSRecord } from 'aws-lambda';
import type { Bench, BenchFigure } from './bench.js';
import { VirtualTime } from './virtual-time.js';
import { SendLane } from '../shared/platform/runtime/lane.js';
import { SesAccountCache } from '../shared/mail/account.js';
import { takeSlot, type SesAccount, type Take } from '../shared/mail/pacing.js';
import type { SendRate } from '../shared/mail/port.js';
import { DEFAULTS } from '../shared/platform/config.js';
import { manifest } from '../shared/platform/contracts/functions.js';
import { publishDueSends } from '../shared/campaigns/due.js';
import type { DuePage, DueSend } from '../shared/campaigns/port.js';
import { dueKeys, DUE_SHARDS } from '../shared/platform/table/keys.js';

/** Sends simulated per scenario; longer runs are extrapolated from this steady state. */
const SIMULATED = 30_000;
const BULK = manifest['campaign-dispatch'].trigger.routes[0].lane.maxConcurrency;

function rng(seed: number) {
  return () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x9e3779b9) | 0) >>> 0) / 2 ** 32;
}

class ModelRate implements SendRate {
  tat?: number;
  constructor(private readonly vt: VirtualTime) {}
  async peek() {
    await this.vt.sleep(4);
    return this.tat;
  }
  async take(now: number, interval: number, maxAhead: number): Promise<Take> {
    await this.vt.sleep(3);
    // The service applies each conditional update atomically, one after another.
    const t = takeSlot(this.tat, now, interval, maxAhead);
    if (t.kind === 'slot') this.tat = t.tat;
    await this.vt.sleep(3);
    return t;
  }
}

interface LaneRun {
  wallS: number;
  maxPerSecond: number;
  overRate: number;
  holds: number;
  gbSeconds: number;
}

async function simulateLane(maxSendRate: number, sends: number, concurrency: number): Promise<LaneRun> {
  const vt = new VirtualTime();
  const random = rng(42);
  const account: SesAccount = { maxSendRate, max24HourSend: -1, sentLast24Hours: 0, sendingEnabled: true, productionAccess: true };
  const settings = { share: DEFAULTS.sesRateShare, refreshMs: DEFAULTS.sesAccountRefreshSeconds * 1000, maxWaitMs: DEFAULTS.laneMaxWaitMs, pauseHoldSeconds: 300, quotaHoldSeconds: 900 };
  const rate = new ModelRate(vt);
  let holds = 0;
  const sqs = { send: async () => void holds++ };
  const arrivals: number[] = [];
  let overRate = 0;
  let left = sends;
  let busyMs = 0;
  const container = async () => {
    // One lane per container (a Lambda execution environment): its own account cache.
    const lane = new SendLane({ account: new SesAccountCache(async () => (await vt.sleep(30), account), settings.refreshMs, vt.now), rate, sqs: sqs as never, settings, requeueAfter: 3, now: vt.now, random, sleep: vt.sleep });
    while (left > 0) {
      const batch = Math.min(10, left);
      left -= batch;
      const start = vt.now();
      await vt.sleep(20);
      for (let i = 0; i < batch; i++) {
        const held = await lane.admit({ attributes: { ApproximateReceiveCount: '1' }, eventSourceARN: 'arn:aws:sqs:r:1:q', receiptHandle: 'h', body: '' } as unknown as SQSRecord);
        if (held) {
          left++;
          continue;
        }
        await vt.sleep(40);
        if (!(await lane.pace())) {
          left++;
          continue;
        }
        await vt.sleep(2 + 8 * random());
        const at = vt.now();
        while (arrivals.length && arrivals[0]! <= at - 1000) arrivals.shift();
        if (arrivals.length >= maxSendRate) overRate++;
        arrivals.push(at);
        maxSeen = Math.max(maxSeen, arrivals.length);
        await vt.sleep(70 + 20 * random());
        await vt.sleep(8);
      }
      busyMs += vt.now() - start;
    }
  };
  let maxSeen = 0;
  const done = Promise.all(Array.from({ length: concurrency }, container));
  await vt.run();
  await done;
  // 512 MB per dispatcher while it holds a batch (sleeping on slots included).
  return { wallS: vt.now() / 1000, maxPerSecond: maxSeen, overRate, holds, gbSeconds: (busyMs / 1000) * 0.5 };
}

async function laneFigures(): Promise<BenchFigure[]> {
  const out: BenchFigure[] = [];
  for (const [customers, mails] of [['1M', 185_000], ['10M', 1_850_000]] as const) {
    for (const rate of [14, 200]) {
      const r = await simulateLane(rate, SIMULATED, BULK);
      const scale = mails / SIMULATED;
      const label = `${customers} customers, ${mails.toLocaleString('en-US')} mails at SES ${rate}/s (bulk lane, maxConcurrency ${BULK})`;
      out.push(
        { figure: `${label}: wall time`, value: (r.wallS * scale) / 3600, unit: 'h', target: Number(((mails / (rate * DEFAULTS.sesRateShare)) / 3600 * 1.05).toFixed(2)) },
        { figure: `${label}: most SendEmail calls in any second`, value: r.maxPerSecond, unit: 'calls', target: rate },
        { figure: `${label}: throttled by SES, held back, dead-lettered`, value: r.overRate + r.holds, unit: 'records', target: 0 },
        { figure: `${label}: Lambda GB-s`, value: r.gbSeconds * scale, unit: 'GB-s' },
      );
    }
  }
  return out;
}

/** The due index in memory, latencies from the model. */
class ModelDue {
  readonly shards = new Map<string, DueSend[]>();
  cursor?: string;
  constructor(private readonly vt: VirtualTime) {}
  add(d: DueSend, shard = dueKeys.of(d.customerId, d.dueAt)) {
    const list = this.shards.get(shard) ?? [];
    list.push(d);
    this.shards.set(shard, list);
  }
  async listDue(shard: string, now: string, limit: number, start?: Record<string, unknown>): Promise<DuePage> {
    await this.vt.sleep(25);
    const from = (start?.i as number | undefined) ?? 0;
    // (every item of this backlog is due: no filtering needed to page it)
    const due = (this.shards.get(shard) ?? []).filter((d, i) => i < from + limit && d.dueAt <= now);
    const total = this.shards.get(shard)?.length ?? 0;
    const items = due.slice(from, from + limit);
    return { items, ...(from + limit < total ? { next: { i: from + limit } } : {}) };
  }
  async leaseDue() {
    await this.vt.sleep(6);
    return true;
  }
  async getDueCursor() {
    return this.cursor;
  }
  async putDueCursor(b: string) {
    this.cursor = b;
  }
}

async function dueFigures(): Promise<BenchFigure[]> {
  const vt = new VirtualTime();
  const store = new ModelDue(vt);
  const now = new Date('2026-11-20T08:00:00Z');
  // Quiet hours ending at 08:00: one due time for the whole backlog.
  const backlog = 2_000_000;
  const trigger = { type: 'risk-changed', customerId: 'c', occurrence: 'o', vars: {}, match: {} } as unknown as DueSend['trigger'];
  for (let i = 0; i < backlog; i++) store.add({ customerId: `c${i}`, campaignId: 'win-back', occurrence: 'o', dueAt: '2026-11-20T08:00:00.000Z', trigger, lane: 'bulk' });
  let published = 0;
  const publisher = { publish: async (e: unknown[]) => { await vt.sleep(25); published += e.length; } };
  // dispatch-due's budget: its 120 s timeout less 20 s.
  const run = publishDueSends({ sends: store, publisher, clock: () => vt.now() }, now, 100_000);
  await vt.run();
  await run;
  return [
    { figure: `due index drain before: ${4} shards x one page of 500 per run`, value: 4 * 500, unit: 'items/15 min' },
    { figure: `due index drain after: ${DUE_SHARDS} shards/day, paged until the 100 s budget, leased (backlog ${backlog.toLocaleString('en-US')} due at one instant)`, value: published, unit: 'items/15 min', target: 2_000, better: 'higher' },
  ];
}

export const lanesBench: Bench = {
  name: 'lanes',
  async run() {
    return [...(await laneFigures()), ...(await dueFigures())];
  },
};
