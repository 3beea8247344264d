/**
 * Points: earn on orders (×tier multiplier), reverse on refunds and cancellations, redeem into
 * coupons, expire by monthly lot. Each decision returns the ledger entries and the new customer
 * state; the store writes them in one transaction (item design in index.ts).
 *
 * Reversal policy: the balance never goes negative. A refund takes back what the order's points
 * are now owed less, from the order's own lot first, then the oldest lots; whatever was already
 * redeemed is recorded on the entry as `unrecoverable` (and summed on the state) but not clawed
 * back. The order's `points` still drops to its new target, so a second refund never re-counts
 * the forgiven part.
 */
import { DetailType, type OrderEvent } from '../platform/contracts/events.js';
import { tierIndex, type LoyaltyConfig } from './config.js';
import type { CouponRequest, CustomerTierChanged, PointsExpiring } from './events.js';
import { creditLot, debitLots, type LedgerEntry } from './ledger.js';
import { evolveLoyaltyOrder, grossPoints, isEarnable, qualifyingContribution, targetPoints, type LoyaltyOrder } from './order.js';
import type { LoyaltyState } from './state.js';
import { addToBucket, bucketMonth, decideTierAfterOrder, pruneBuckets, windowStart } from './tiers.js';
import { addDays, addMonths, monthKey, startOfMonth } from '../platform/time.js';

export type OrderPointsDecision =
  | { kind: 'duplicate' }
  | { kind: 'apply'; order: LoyaltyOrder; state: LoyaltyState; entries: LedgerEntry[]; tierChange?: CustomerTierChanged };


function causeOf(event: OrderEvent): { kind: 'order' | 'refund' | 'cancellation'; key: string } {
  const id = event.detail.orderId;
  switch (event.type) {
    case DetailType.OrderPlaced:
      return { kind: 'order', key: `placed#${id}` };
    case DetailType.OrderFulfilled:
      return { kind: 'order', key: `fulfilled#${id}` };
    case DetailType.OrderRefunded:
      return { kind: 'refund', key: `refund#${id}#${event.detail.refundId}` };
    case DetailType.OrderCancelled:
      return { kind: 'cancellation', key: `cancel#${id}` };
  }
}

/**
 * When an order event happened, for the ledger: its own time, never later than `now` (a clock
 * ahead of ours counts as now). A live event is judged at about now; a backfilled one by its date.
 */
export function eventTime(event: OrderEvent, now: Date): Date {
  const t = Date.parse(event.detail.occurredAt);
  return t < now.getTime() ? new Date(t) : now;
}

/**
 * Any order event, decided on the order's loyalty item: duplicates are no-ops, and the bucket
 * and the points change by the difference between the order's contribution before and after,
 * so arrival order does not matter (a refund before its order reduces what the order earns).
 *
 * History-aware: points go to the lot of the event's own month (so they expire by the order's
 * date, not by when Engage heard of it), and entries and tier changes carry the event's time
 * (so a campaign can tell a years-old upgrade from today's). Qualification stays judged on the
 * window at `now`: an order older than the window never makes anyone Gold today.
 */
export function decideOrderEvent(
  given: { state: LoyaltyState; order: LoyaltyOrder },
  event: OrderEvent,
  now: Date,
  config: LoyaltyConfig,
): OrderPointsDecision {
  const evolved = evolveLoyaltyOrder(given.order, event);
  if (!evolved) return { kind: 'duplicate' };
  const when = eventTime(event, now);
  const at = when.toISOString();
  let cause = causeOf(event);
  let order: LoyaltyOrder = evolved;
  let state: LoyaltyState = { ...given.state, buckets: pruneBuckets(given.state.buckets, now, config) };

  // Qualification: the bucket the order counts in, by the difference of its contribution.
  if (!order.month && order.placedAt) {
    const month = bucketMonth(order.placedAt, now, config);
    if (month) order = { ...order, month };
  }
  if (!order.month) cause = { ...cause, kind: 'order' };
  else {
    const after = qualifyingContribution(order, config);
    const delta = { spend: after.spend - order.counted.spend, orders: after.orders - order.counted.orders };
    // A bucket that has left the window is gone for good: the order no longer counts either way.
    const inWindow = order.month >= windowStart(now, config);
    if (inWindow) state = { ...state, buckets: addToBucket(state.buckets, order.month, delta) };
    // Only a refund that actually lowered the window may undo an upgrade; one that arrived before
    // its order, or hit a month already gone, must not downgrade for reasons of its own (ageing).
    if (!inWindow || (delta.spend >= 0 && delta.orders >= 0)) cause = { ...cause, kind: 'order' };
    order = { ...order, counted: after };
  }

  // Points: the rate is the tier held when they are credited (before this event's own upgrade).
  if (!order.credit && isEarnable(order, config)) {
    const rate = config.tiers[tierIndex(config, state.tier)]!.multiplier;
    const lot = monthKey(when, config.timeZone);
    // Points whose expiry has passed before Engage hears of the order could never be spent: none
    // are credited (a lot credited after it expired would also expire twice).
    const gross = now >= lotExpiresAt(lot, config) ? 0 : grossPoints(order.total!, rate, config);
    order = { ...order, credit: { lot, rate, gross } };
  }
  const target = targetPoints(order, config);
  const delta = target - given.order.points;
  const entries: LedgerEntry[] = [];
  const refs = { orderId: order.orderId, ...(event.type === DetailType.OrderRefunded ? { refundId: event.detail.refundId } : {}) };
  if (delta > 0) {
    const lot = order.credit!.lot;
    state = { ...state, lots: creditLot(state.lots, lot, delta), balance: state.balance + delta };
    entries.push({ key: `earn#${order.orderId}`, kind: 'earn', points: delta, lots: { [lot]: delta }, balanceAfter: state.balance, at, ...refs });
  } else if (delta < 0) {
    const debit = debitLots(state.lots, -delta, order.credit?.lot);
    const points = Object.values(debit.taken).reduce((s, n) => s + n, 0);
    state = { ...state, lots: debit.lots, balance: state.balance + points, unrecoverable: state.unrecoverable + debit.shortfall };
    entries.push({
      key: cause.key,
      kind: 'reverse',
      points,
      lots: debit.taken,
      balanceAfter: state.balance,
      at,
      ...(debit.shortfall > 0 ? { unrecoverable: debit.shortfall } : {}),
      ...refs,
    });
  }
  order = { ...order, points: target };

  const tier = decideTierAfterOrder(state, cause, now, config, when);
  return { kind: 'apply', order, state: tier.state, entries, ...(tier.change ? { tierChange: tier.change } : {}) };
}

export interface RedeemCommand {
  /** The client's idempotency key: the same key never redeems twice. */
  key: string;
  points: number;
  now: Date;
}

export type RedeemReject = 'insufficient' | 'below-minimum' | 'not-a-step' | 'invalid-key' | 'key-reused' | 'erased';

export type RedeemDecision =
  | { kind: 'redeem'; entry: LedgerEntry; state: LoyaltyState; coupon: CouponRequest }
  | { kind: 'duplicate'; entry: LedgerEntry }
  /** `remember`: the refusal to store under the key, so a retry of the same key is refused too. */
  | { kind: 'reject'; reason: RedeemReject; remember?: LedgerEntry };

/** The contract's id rule (shared/platform/contracts/primitives.ts). */
const KEY = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * `existing` is the ledger item 'redeem#<key>' if the store found one. The store's transaction
 * (put entry if absent + update state if its version is unchanged) closes the race between two
 * concurrent redemptions: the loser re-reads and decides again, then sees 'insufficient' or
 * 'duplicate'.
 */
export function decideRedeem(
  given: { state: LoyaltyState; existing?: LedgerEntry | null },
  cmd: RedeemCommand,
  config: LoyaltyConfig,
): RedeemDecision {
  if (!KEY.test(cmd.key)) return { kind: 'reject', reason: 'invalid-key' };
  const key = `redeem#${cmd.key}`;
  const { existing } = given;
  if (existing) {
    // A retry is the same request and gets the same answer, a refusal included (the customer may
    // have earned more since: the shop asks again with a new key); the same key for another
    // amount is a client bug, not a retry.
    if (existing.kind === 'rejected') return existing.requested === cmd.points ? { kind: 'reject', reason: existing.reason as RedeemReject } : { kind: 'reject', reason: 'key-reused' };
    return -existing.points === cmd.points ? { kind: 'duplicate', entry: existing } : { kind: 'reject', reason: 'key-reused' };
  }
  const { state } = given;
  const refuse = (reason: RedeemReject): RedeemDecision => ({
    kind: 'reject',
    reason,
    remember: { key, kind: 'rejected', points: 0, lots: {}, balanceAfter: state.balance, at: cmd.now.toISOString(), reason, requested: cmd.points },
  });
  const { minPoints, step, pointsPerUnit } = config.redemption;
  if (!Number.isInteger(cmd.points) || cmd.points < minPoints) return refuse('below-minimum');
  if (cmd.points % step !== 0) return refuse('not-a-step');
  if (cmd.points > state.balance) return refuse('insufficient');

  const debit = debitLots(state.lots, cmd.points);
  const next: LoyaltyState = { ...state, lots: debit.lots, balance: state.balance - cmd.points };
  const value = cmd.points / pointsPerUnit;
  const entry: LedgerEntry = { key, kind: 'redeem', points: -cmd.points, lots: debit.taken, balanceAfter: next.balance, at: cmd.now.toISOString(), couponValue: value };
  return {
    kind: 'redeem',
    entry,
    state: next,
    coupon: { customerId: state.customerId, idempotencyKey: key, value, currency: config.currency, points: cmd.points },
  };
}

/** Lot 'YYYY-MM' expires when month + expiryMonths ends in the shop's time zone. */
export const lotExpiresAt = (lot: string, config: LoyaltyConfig): Date => startOfMonth(addMonths(lot, config.points.expiryMonths + 1), config.timeZone);

export type ExpireDecision =
  | { kind: 'none' }
  | { kind: 'apply'; state: LoyaltyState; entries: LedgerEntry[]; notices: PointsExpiring[] };

/**
 * Expire every lot whose time has come and decide the notice for the next one(s) within
 * noticeDays. Lots expire oldest first, so only the oldest lots are ever looked at.
 */
export function decideExpire(state: LoyaltyState, now: Date, config: LoyaltyConfig): ExpireDecision {
  const at = now.toISOString();
  let lots = { ...state.lots };
  let balance = state.balance;
  const entries: LedgerEntry[] = [];
  const notices: PointsExpiring[] = [];
  for (const lot of Object.keys(state.lots).sort()) {
    const held = lots[lot]!;
    const expiresAt = lotExpiresAt(lot, config);
    if (now >= expiresAt) {
      balance -= held.points;
      delete lots[lot];
      entries.push({ key: `expire#${lot}`, kind: 'expire', points: -held.points, lots: { [lot]: -held.points }, balanceAfter: balance, at });
      continue;
    }
    if (now < addDays(expiresAt, -config.points.noticeDays)) break;
    if (!held.noticed) {
      lots = { ...lots, [lot]: { ...held, noticed: true } };
      notices.push({ customerId: state.customerId, points: held.points, lot, expiresAt: expiresAt.toISOString(), balance, key: `expiring#${lot}`, occurredAt: at });
    }
  }
  if (!entries.length && !notices.length) return { kind: 'none' };
  return { kind: 'apply', state: { ...state, lots, balance }, entries, notices };
}
