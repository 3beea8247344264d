/**
 * Every 15 minutes: pending sends whose time has come go back to campaign dispatch, and flow
 * entries whose wait is over go back to the flow runner (flow.step-due).
 *
 * The due index is bucketed by the UTC day of the due time × 16 shards (platform/table/keys.ts).
 * A run walks the buckets from its cursor (the first day not known to be drained, never later
 * than yesterday) to today, pages every shard until its time budget, and leases each item before
 * publishing it: the due time moves forward under a condition on the old one, so the next run does
 * not publish it again while dispatch is still working through a backlog, and a duplicate or late
 * event for the old due time is a no-op (dispatch reclaims on the due time it carries). A lost
 * publish only delays the item by its lease. Leases grow (15 min, 30, 60 … 6 h) for items published
 * again and again behind a long backlog. The shards written before the buckets are read as well.
 *
 * One item per customer per run: when several of a customer's items are due at once (deferred
 * sends and flow waits all ending at 08:00 after quiet hours), the first by due time, then
 * campaign and occurrence, goes out and the rest stay due for the next run. Published together
 * they would race for the customer's frequency cap, and which mail it let through would follow
 * arrival; one at a time, the cap sees the first one and decides the rest the same way every time.
 */
import { DetailType, type OutgoingEvent } from '../platform/contracts/events.js';
import { DUE_EVENT } from './lanes.js';
import type { EventPublisher } from '../platform/ports.js';
import { DAY_MS } from '../platform/time.js';
import { DUE_SHARDS, LEGACY_DUE_SHARDS, dueBucket, dueKeys } from '../platform/table/keys.js';
import type { DueSend, SendStore } from './port.js';

const PAGE = 500;
/** Shards paged at once; leases (UpdateItem) and PutEvents calls in flight per page. */
const SHARDS_AT_ONCE = 8;
const WRITES_AT_ONCE = 16;
export const FIRST_LEASE_MS = 15 * 60_000;
export const MAX_LEASE_MS = 6 * 3_600_000;

/** The n-th lease of an item (n = leases so far): doubling from 15 minutes, at most 6 hours. */
export const leaseMs = (leases: number): number => Math.min(MAX_LEASE_MS, FIRST_LEASE_MS * 2 ** Math.min(leases, 16));

/** The days from `from` to `to` inclusive (yyyy-mm-dd). */
export function bucketsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/**
 * Where the walk starts and where the cursor goes after it. The cursor never passes yesterday: a
 * send written now (or with a little clock skew) is due today or later, so it can never land
 * behind the cursor.
 */
export function walkFrom(cursor: string | undefined, now: Date): { start: string; today: string; floor: string } {
  const today = dueBucket(now.toISOString());
  const floor = dueBucket(new Date(now.getTime() - DAY_MS).toISOString());
  return { start: cursor && cursor < floor ? cursor : floor, today, floor };
}

export interface DueRun {
  published: number;
  /** Items another run or dispatch had already moved on (their lease failed: nothing published). */
  skipped: number;
  /** Items left due for the next run: their customer had an earlier one published in this run. */
  held: number;
  buckets: number;
  /** Every due item was reached within the budget. */
  drained: boolean;
  cursor: string;
}

type DueDeps = { sends: Pick<SendStore, 'listDue' | 'leaseDue' | 'getDueCursor' | 'putDueCursor'>; publisher: EventPublisher; clock?: () => number };

export async function publishDueSends(deps: DueDeps, now: Date, budgetMs = 90_000): Promise<DueRun> {
  const clock = deps.clock ?? Date.now;
  const deadline = clock() + budgetMs;
  const { start, today, floor } = walkFrom(await deps.sends.getDueCursor(), now);
  const run: DueRun = { published: 0, skipped: 0, held: 0, buckets: 0, drained: true, cursor: floor };
  let firstUndrained: string | undefined;
  // A customer's items share a shard number in every bucket, and buckets are walked in turn.
  const served = new Set<string>();
  const shards = async (keys: string[]) => (await pool(keys, SHARDS_AT_ONCE, (k) => drainShard(deps, k, now, deadline, clock, run, served))).every(Boolean);
  const buckets = bucketsBetween(start, today);
  for (const bucket of buckets) {
    if (clock() >= deadline) {
      firstUndrained ??= bucket;
      break;
    }
    run.buckets++;
    if (!(await shards(Array.from({ length: DUE_SHARDS }, (_, n) => dueKeys.shard(bucket, n))))) firstUndrained ??= bucket;
  }
  const legacyDone = clock() < deadline && (await shards(Array.from({ length: LEGACY_DUE_SHARDS }, (_, n) => dueKeys.legacyShard(n))));
  run.drained = !firstUndrained && legacyDone;
  run.cursor = firstUndrained && firstUndrained < floor ? firstUndrained : floor;
  await deps.sends.putDueCursor(run.cursor);
  return run;
}

/** Pages one shard: lease, then publish, page by page. true when the shard had nothing more due. */
async function drainShard(deps: DueDeps, shard: string, now: Date, deadline: number, clock: () => number, run: DueRun, served: Set<string>): Promise<boolean> {
  let start: Record<string, unknown> | undefined;
  let held = 0;
  do {
    if (clock() >= deadline) return false;
    const page = await deps.sends.listDue(shard, now.toISOString(), PAGE, start);
    const chosen = firstPerCustomer(page.items, served);
    held += page.items.length - chosen.length;
    const leased = await pool(chosen, WRITES_AT_ONCE, async (d): Promise<DueSend | undefined> => {
      const until = new Date(now.getTime() + leaseMs(d.leases ?? 0)).toISOString();
      return (await deps.sends.leaseDue(d, until)) ? { ...d, dueAt: until, leases: (d.leases ?? 0) + 1 } : undefined;
    });
    // Each back to its own lane: a deferred survey does not queue behind a bulk backlog; a flow
    // entry whose wait is over goes back to the flow runner.
    const events: OutgoingEvent[] = leased.flatMap((d): OutgoingEvent[] =>
      !d ? [] : d.flow ? [{ detailType: DetailType.FlowStepDue, detail: { customerId: d.customerId, flowId: d.campaignId, entry: d.occurrence, dueAt: d.dueAt } }] : [{ detailType: DUE_EVENT[d.lane], detail: eventOf(d) }],
    );
    run.skipped += chosen.length - events.length;
    const chunks = Array.from({ length: Math.ceil(events.length / 10) }, (_, i) => events.slice(i * 10, i * 10 + 10));
    await pool(chunks, WRITES_AT_ONCE, (c) => deps.publisher.publish(c));
    run.published += events.length;
    start = page.next;
  } while (start);
  run.held += held;
  // Held items are still due: the cursor must not pass their bucket.
  return held === 0;
}

/** Of a page, each not yet served customer's first item (by due time, campaign, occurrence). */
function firstPerCustomer(items: readonly DueSend[], served: Set<string>): DueSend[] {
  const order = [...items].sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.campaignId.localeCompare(b.campaignId) || a.occurrence.localeCompare(b.occurrence));
  const out: DueSend[] = [];
  for (const d of order) {
    if (served.has(d.customerId)) continue;
    served.add(d.customerId);
    out.push(d);
  }
  return out;
}

/** The event carries the leased due time: dispatch takes the send over only while it still holds. */
const eventOf = (d: DueSend) => ({ customerId: d.customerId, campaignId: d.campaignId, occurrence: d.occurrence, dueAt: d.dueAt, trigger: d.trigger });

/** Runs `fn` over `items`, at most `limit` at a time, results in order. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
