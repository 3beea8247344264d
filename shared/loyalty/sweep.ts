/**
 * The daily loyalty sweep, one scan segment at a time like the churn sweep (shared/churn/sweep.ts):
 * per customer the tier review, point expiry (with notices) and the birthday reward, judged at the
 * run's scheduled time, so re-running a schedule decides the same and writes nothing twice
 * (review once per period, `expire#<lot>` and `birthday#<year>` once ever).
 *
 * Customers without a LOYALTY item (never ordered) have no tier to review and no points to expire;
 * they still get the birthday reward when their profile has a birthday: a registered shopper is a
 * member, and a birthday present is most worth giving to someone who has not bought yet. Their
 * state is created by that write; everyone else without a state is only read.
 */
import { withTierKpi } from './kpi.js';
import { DetailType, type OutgoingEvent } from '../platform/contracts/events.js';
import type { SegmentTask } from '../platform/bulk.js';
import type { Cursor } from '../customers/port.js';
import type { Clock, EventPublisher, Versioned } from '../platform/ports.js';
import type { CouponDeriver } from '../coupons/derive.js';
import { CONFLICT, retryOnConflict } from '../platform/retry.js';
import type { CustomerRecord } from '../customers/record.js';
import type { CustomerStore } from '../customers/port.js';
import { inParallel, pageThroughSegment } from '../customers/scan.js';
import type { CouponState } from '../coupons/redeem.js';
import { decideBirthdayNotice } from './birthday.js';
import { decideBirthday, decideExpire, decideReview, newLoyaltyState, type LedgerEntry, type LoyaltyConfig, type LoyaltyState } from './index.js';
import { birthdayRanges, loyaltyDue } from './due.js';
import { flushOutbox, withEvents } from './outbox.js';
import { tierToCopy, type DueQuery, type LoyaltyItem, type LoyaltyStore } from './port.js';
import { keys, LOYALTY_DUE_SHARDS } from '../platform/table/keys.js';
import { loyaltyCoupon } from './service.js';

export interface LoyaltySweepDeps {
  store: LoyaltyStore;
  customers: Pick<CustomerStore, 'scanCustomers' | 'getCustomers'>;
  publisher: EventPublisher;
  config: LoyaltyConfig;
  /** The wall clock, for the outbox only: decisions are judged at the scheduled time. */
  clock: Clock;
  /** Birthday coupons' codes, derived like redemptions' (service.ts loyaltyCoupon). */
  coupons: CouponDeriver;
}

export interface LoyaltySegmentResult {
  scanned: number;
  written: number;
  tierChanges: number;
  expired: number;
  birthdays: number;
  cursor?: Cursor;
}

/** Customers of one page decided in parallel: each is its own partition, so they never conflict. */
const PARALLEL = 8;

export async function loyaltySweepSegment(
  deps: LoyaltySweepDeps,
  req: SegmentTask,
  opts: { pageSize: number; shouldYield: () => boolean },
): Promise<LoyaltySegmentResult> {
  const now = new Date(req.scheduledTime);
  const result: LoyaltySegmentResult = { scanned: 0, written: 0, tierChanges: 0, expired: 0, birthdays: 0 };
  const paged = await pageThroughSegment(
    deps.customers,
    req,
    opts,
    async (customers) => {
      // Eventually consistent: a stale item only loses its commit's version guard and is re-read.
      const items = await deps.store.loadMany(customers.map((c) => c.customerId), { consistent: false });
      const outcomes = await inParallel(customers, PARALLEL, (c) => sweepCustomer(deps, c, items.get(c.customerId) ?? null, now));
      tally(result, outcomes);
    },
  );
  return { ...result, ...paged };
}

/**
 * The daily sweep's loyalty part: only the members the due index names for today (their next
 * review, expiry or grace end has come, or events wait in their outbox) and the customers whose
 * birthday is around today; everyone else is not read at all. A segment takes the shards
 * s ≡ segment (mod totalSegments), one query at a time; its cursor is the query index and the
 * query's LastEvaluatedKey. The reads are eventually consistent: each commit's version guard
 * catches a stale one, and a member missed by a lagging index is due again tomorrow.
 */
export async function loyaltyDueSegment(
  deps: LoyaltySweepDeps,
  req: SegmentTask,
  opts: { shouldYield: () => boolean },
): Promise<LoyaltySegmentResult> {
  const now = new Date(req.scheduledTime);
  const today = now.toISOString().slice(0, 10);
  const queries: DueQuery[] = [];
  for (let shard = req.segment; shard < LOYALTY_DUE_SHARDS; shard += req.totalSegments) {
    queries.push({ partition: keys.loyaltyDueShardKey(shard), to: today });
    if (deps.config.birthday) for (const r of birthdayRanges(now, deps.config.birthday.lateDays, deps.config.birthday.noticeDays)) queries.push({ partition: keys.birthdayShardKey(shard), ...r });
  }
  const result: LoyaltySegmentResult = { scanned: 0, written: 0, tierChanges: 0, expired: 0, birthdays: 0 };
  const { q: from = '0', ...start } = req.cursor ?? {};
  for (let q = Number(from); q < queries.length; q++) {
    let cursor: Record<string, string> | undefined = q === Number(from) && Object.keys(start).length ? start : undefined;
    do {
      const page = await deps.store.queryDue(queries[q]!, cursor);
      await sweepIds(deps, page.customerIds, now, result);
      cursor = page.cursor;
      const more = cursor !== undefined || q + 1 < queries.length;
      if (more && opts.shouldYield()) return { ...result, cursor: cursor ? { q: String(q), ...cursor } : { q: String(q + 1) } };
    } while (cursor);
  }
  return result;
}

async function sweepIds(deps: LoyaltySweepDeps, ids: string[], now: Date, result: LoyaltySegmentResult): Promise<void> {
  if (ids.length === 0) return;
  const unique = [...new Set(ids)];
  const [customers, items] = await Promise.all([deps.customers.getCustomers(unique), deps.store.loadMany(unique, { consistent: false })]);
  // A LOYALTY item without its customer item (erased meanwhile, or the index lagging) is left alone.
  const known = unique.flatMap((id) => (customers.has(id) ? [customers.get(id)!] : []));
  result.scanned += known.length;
  const outcomes = await inParallel(known, PARALLEL, (c) => sweepCustomer(deps, c, items.get(c.customerId) ?? null, now));
  tally(result, outcomes);
}

/** Adds the members' outcomes (null: nothing written) to the segment's result. */
function tally(result: LoyaltySegmentResult, outcomes: ReadonlyArray<Awaited<ReturnType<typeof sweepCustomer>>>): void {
  for (const o of outcomes) {
    if (!o) continue;
    result.written++;
    result.tierChanges += o.tierChanges;
    result.expired += o.expired;
    result.birthdays += o.birthday ? 1 : 0;
  }
}

interface Decided {
  state: LoyaltyState;
  entries: LedgerEntry[];
  coupons: CouponState[];
  events: OutgoingEvent[];
  tierChanges: number;
  expired: number;
  birthday: boolean;
}

/** Review → expiry → birthday on one state; null when nothing changes. */
export function decideDaily(existing: LoyaltyState | null, customer: CustomerRecord, now: Date, config: LoyaltyConfig, coupons: CouponDeriver): Decided | null {
  const d: Decided = { state: existing ?? newLoyaltyState(customer.customerId, now, config), entries: [], coupons: [], events: [], tierChanges: 0, expired: 0, birthday: false };
  let changed = false;
  if (existing) {
    const review = decideReview(d.state, now, config);
    // A review that keeps the tier and confirms what was already confirmed changes nothing a
    // reader sees: no write (the next run reviews again, alike, at the cost of a read).
    const unchanged = review.kind === 'apply' && review.outcome === 'kept' && review.state.reviewedTier === d.state.reviewedTier && !d.state.grace;
    if (review.kind === 'apply' && !unchanged) {
      changed = true;
      d.state = review.state;
      if (review.change) {
        d.events.push({ detailType: DetailType.CustomerTierChanged, detail: review.change });
        d.tierChanges++;
      }
    }
    const expire = decideExpire(d.state, now, config);
    if (expire.kind === 'apply') {
      changed = true;
      d.state = expire.state;
      d.entries.push(...expire.entries);
      d.expired += expire.entries.length;
      d.events.push(...expire.notices.map((n): OutgoingEvent => ({ detailType: DetailType.PointsExpiring, detail: n })));
    }
  }
  const profile = customer.profile;
  const birthdayProfile = { ...(profile?.birthday ? { birthday: profile.birthday } : {}), timeZone: profile?.timeZone ?? config.timeZone };
  const notice = decideBirthdayNotice(d.state, birthdayProfile, now, config);
  if (notice.kind === 'notice') {
    changed = true;
    d.state = notice.state;
    d.events.push({ detailType: DetailType.BirthdayUpcoming, detail: notice.event });
  }
  const birthday = decideBirthday(d.state, birthdayProfile, now, config);
  if (birthday.kind === 'reward') {
    changed = true;
    d.birthday = true;
    d.state = birthday.state;
    // A coupon reward's code is derived again by the birthday mail (the event names its claim).
    const coupon = birthday.coupon ? loyaltyCoupon(birthday.coupon, 'loyalty-birthday', now, coupons) : undefined;
    d.entries.push(coupon ? { ...birthday.entry, couponHash: coupon.state.codeHash } : birthday.entry);
    if (coupon) d.coupons.push(coupon.state);
    d.events.push({ detailType: DetailType.BirthdayRewarded, detail: coupon ? { ...birthday.event, coupon: coupon.ref } : birthday.event });
  }
  return changed ? d : null;
}

async function sweepCustomer(deps: LoyaltySweepDeps, customer: CustomerRecord, loaded: Versioned<LoyaltyItem> | null, now: Date): Promise<Decided | null> {
  const { customerId } = customer;
  let current = loaded;
  return retryOnConflict(`loyalty sweep for ${customerId}`, async (attempt) => {
    // An order or redemption for this customer landed in between: decide on the fresh state.
    if (attempt > 1) current = (await deps.store.load(customerId)).loyalty;
    const decided = decideDaily(current?.value.state ?? null, customer, now, deps.config, deps.coupons);
    // A member stored before the due index existed carries no due date: write it once (the tier
    // review's full pass reaches everyone), so the daily sweep finds them from then on.
    const undated = !decided && current && current.value.dueOn === undefined;
    if (!decided && !undated) {
      await flushOutbox(deps, customerId, current?.value.outbox, deps.clock());
      return null;
    }
    const d: Decided = decided ?? { state: current!.value.state, entries: [], coupons: [], events: [], tierChanges: 0, expired: 0, birthday: false };
    const outbox = withEvents(current?.value.outbox, d.events, deps.clock());
    const tier = tierToCopy(current?.value.state, d.state);
    const result = await deps.store.commit({
      customerId,
      loyalty: { value: { state: d.state, outbox }, v: current?.v ?? 0 },
      entries: d.entries,
      coupons: d.coupons,
      ...(tier ? { customerTier: tier } : {}),
      ...withTierKpi(customerId, current?.value.state, d.state, deps.config),
      due: loyaltyDue(d.state, outbox, deps.clock(), deps.config),
    });
    // Erased since the page was scanned: nothing is written for them again.
    if (result === 'erased') return null;
    if (result !== 'ok') return CONFLICT;
    await flushOutbox(deps, customerId, outbox, deps.clock(), d.events);
    return decided;
  });
}
