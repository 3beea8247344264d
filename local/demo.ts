/**
 * The demo's way in, as a shop would come: its history through `engage import` (the same code,
 * shared/import), then the last days as live events through the bus and the real handlers
 * (npm start imports the live customers' history first, see importWithLive).
 *
 * Deterministic for a seed and an instant: the whole system runs on the clock the history was
 * generated for (runClockFrom), each customer's live events are handled one after the other (a
 * customer's events racing in one batch would make, e.g., the points multiplier depend on which
 * finished first), and the import judges the history at that same instant.
 */
import { DetailType } from '../shared/platform/contracts/events.js';
import { DAY_MS } from '../shared/platform/time.js';
import { loadLoyaltyConfig } from '../shared/loyalty/config.js';
import { importHistory, type ImportProgress, type ImportReport } from '../shared/import/run.js';
import type { DemoEvent } from './demo-shop.js';
import type { LocalSystem } from './system.js';

/** Long enough that deliveries of 3–7 days ago reach the post-delivery survey live. */
export const LIVE_DAYS = 7;

export function splitAt(events: readonly DemoEvent[], now: Date, liveDays = LIVE_DAYS): { history: DemoEvent[]; live: DemoEvent[] } {
  const cut = new Date(now.getTime() - liveDays * DAY_MS).toISOString();
  const history: DemoEvent[] = [];
  const live: DemoEvent[] = [];
  for (const e of events) (e.detail.occurredAt < cut ? history : live).push(e);
  return { history, live };
}

export async function importDemoHistory(sys: LocalSystem, history: readonly DemoEvent[], now: Date, progress: ImportProgress = {}): Promise<ImportReport> {
  const loyalty = loadLoyaltyConfig(sys.settings.loyaltyConfig);
  // JSON Lines, one Engage event each, made as they are read: a 100,000-customer shop is 0.5 GB of text.
  function* lines() {
    for (const e of history) yield JSON.stringify({ detailType: e.detailType, detail: e.detail });
  }
  return importHistory(
    { store: sys.stores.imports, clock: () => now },
    [{ name: 'demo-history.jsonl', lines: lines() }],
    { loyalty, refundWindowDays: loyalty.refundWindowDays, defaults: { currency: loyalty.currency, locale: loyalty.defaultLocale, timeZone: loyalty.timeZone } },
    progress,
  );
}

/** Messages every queue has handled so far (delivered or dead-lettered). */
export const handled = (sys: LocalSystem): number => [...sys.bus.queues.values()].reduce((n, q) => n + q.delivered, 0) + sys.bus.deadLetters.length;

/**
 * Live events in waves: wave k holds each customer's k-th event (in time order), published by a
 * few parallel publishers, and the next wave waits until everything the previous one set off
 * (tier changes, mails) is done.
 */
export async function publishLive(sys: LocalSystem, live: readonly DemoEvent[], onPublished: (n: number) => void = () => {}): Promise<void> {
  const byCustomer = new Map<string, DemoEvent[]>();
  for (const e of live) {
    const list = byCustomer.get(e.detail.customerId) ?? [];
    list.push(e);
    byCustomer.set(e.detail.customerId, list);
  }
  let published = 0;
  for (let k = 0; ; k++) {
    const wave = [...byCustomer.values()].flatMap((list) => (list[k] ? [list[k]!] : []));
    if (wave.length === 0) return;
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < wave.length) {
          const chunk = wave.slice(next, (next += 10));
          await sys.publisher.publish(chunk);
          onPublished((published += chunk.length));
        }
      }),
    );
    await sys.bus.idle();
  }
}

/** Calls `tick` a few times a second until the bus is idle: progress while handlers work. */
export async function whileBusy<T>(sys: LocalSystem, work: Promise<T>, tick: (handled: number, waiting: number) => void): Promise<T> {
  const timer = setInterval(() => tick(handled(sys), sys.bus.depth), 250);
  try {
    const out = await work;
    await sys.bus.idle();
    return out;
  } finally {
    clearInterval(timer);
    tick(handled(sys), sys.bus.depth);
  }
}

export const isOrderPlaced = (e: DemoEvent) => e.detailType === DetailType.OrderPlaced;

/** Two import reports of one run as one (the history imported in two inputs). */
function mergeReports(a: ImportReport, b: ImportReport): ImportReport {
  const c = (k: keyof ImportReport['customers']) => a.customers[k] + b.customers[k];
  return {
    ...b,
    alreadyDone: a.alreadyDone && b.alreadyDone,
    rows: a.rows + b.rows,
    orders: a.orders + b.orders,
    itemsWritten: a.itemsWritten + b.itemsWritten,
    customers: { total: c('total'), imported: c('imported'), unchanged: c('unchanged'), rejected: c('rejected'), erased: c('erased') },
    rejections: [...a.rejections, ...b.rejections],
  };
}

/**
 * The history of the customers who have live events first (a few percent of the shop), then
 * their live days through the bus, then the rest of the history: the first mail goes out seconds
 * after start instead of after the whole import. The live events meet the same state as after a
 * whole import: each reads and writes only its own customer's items, the import publishes
 * nothing, and the two sets of customers are disjoint. (Importing the rest alongside the live
 * days was slower for both: DynamoDB Local serves one request at a time.)
 */
export async function importWithLive(
  sys: LocalSystem,
  history: readonly DemoEvent[],
  live: readonly DemoEvent[],
  now: Date,
  progress: { first?: ImportProgress; import?: ImportProgress; live?: (n: number) => void } = {},
): Promise<{ imported: ImportReport; seconds: { import: number; live: number } }> {
  const liveIds = new Set(live.map((e) => e.detail.customerId));
  const t0 = performance.now();
  const first = await importDemoHistory(sys, history.filter((e) => liveIds.has(e.detail.customerId)), now, progress.first);
  const t1 = performance.now();
  progress.live?.(0);
  await publishLive(sys, live, progress.live);
  const t2 = performance.now();
  const rest = await importDemoHistory(sys, history.filter((e) => !liveIds.has(e.detail.customerId)), now, progress.import);
  return { imported: mergeReports(first, rest), seconds: { import: (t1 - t0 + performance.now() - t2) / 1000, live: (t2 - t1) / 1000 } };
}
