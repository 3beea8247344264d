/**
 * Loyalty in the system: order events and redemptions into the points ledger and tiers.
 *
 * Every path is read → pure decision (shared/loyalty) → one transaction (state with its version,
 * the order's loyalty item with its version, ledger entries and coupons created only if absent)
 * → on conflict re-read and decide again. Decided events go through the outbox (./outbox.ts).
 */
import { withTierKpi } from './kpi.js';
import { DetailType, type OrderEvent, type OutgoingEvent, type PointsRedeemRequested } from '../platform/contracts/events.js';
import type { Clock, EventPublisher } from '../platform/ports.js';
import { CONFLICT, retryOnConflict } from '../platform/retry.js';
import { couponWithCode } from '../coupons/issue.js';
import type { CouponDeriver } from '../coupons/derive.js';
import type { LoyaltyCoupon } from '../platform/contracts/loyalty.js';
import type { CouponState } from '../coupons/redeem.js';
import type { LoyaltyConfig } from './config.js';
import type { CouponRequest } from './events.js';
import type { LedgerEntry } from './ledger.js';
import { newLoyaltyOrder } from './order.js';
import { hasRoom, openCuts, settleOpenOrders } from './open-orders.js';
import { decideOrderEvent, decideRedeem, eventTime, type RedeemReject } from './points.js';
import { newLoyaltyState } from './state.js';
import { loyaltyDue } from './due.js';
import { flushOutbox, withEvents } from './outbox.js';
import { tierToCopy, type LoyaltyStore } from './port.js';

export interface LoyaltyDeps {
  store: LoyaltyStore;
  publisher: EventPublisher;
  config: LoyaltyConfig;
  clock: Clock;
  /** Coupon codes: derived (coupons/derive.ts), so the mail that carries one derives it again. */
  coupons: CouponDeriver;
}

/** Validity of coupons bought with points or given on birthdays (the programme has no setting yet). */
export const LOYALTY_COUPON_DAYS = 365;

export type LoyaltyEvent = OrderEvent | { type: typeof DetailType.PointsRedeemRequested; detail: PointsRedeemRequested };

/** The `loyalty` function: one outcome string per record (logged; never holds a coupon code). */
export async function handleLoyaltyEvent(deps: LoyaltyDeps, event: LoyaltyEvent): Promise<string> {
  if (event.type === DetailType.PointsRedeemRequested) {
    const r = await redeemPoints(deps, event.detail);
    return r.outcome === 'rejected' ? `rejected:${r.reason}` : r.outcome;
  }
  return applyLoyaltyOrderEvent(deps, event);
}

/** 'erased': the customer was erased; a replayed or late event writes nothing back. */
export async function applyLoyaltyOrderEvent(deps: LoyaltyDeps, event: OrderEvent): Promise<'applied' | 'duplicate' | 'erased'> {
  const { customerId, orderId } = event.detail;
  return retryOnConflict(`loyalty for order ${orderId}`, async () => {
    const now = deps.clock();
    const { loyalty, order: ownItem, erased } = await deps.store.load(customerId, orderId);
    if (erased) return 'erased';
    // A member since their first order's date, also when the history arrives late.
    const state = loyalty?.value.state ?? newLoyaltyState(customerId, eventTime(event, now), deps.config);
    const open = loyalty?.value.open ?? {};
    const d = decideOrderEvent({ state, order: ownItem?.value ?? open[orderId]?.order ?? newLoyaltyOrder(orderId) }, event, now, deps.config);
    if (d.kind === 'duplicate') {
      await flushOutbox(deps, customerId, loyalty?.value.outbox, now);
      return 'duplicate';
    }
    const events: OutgoingEvent[] = d.tierChange ? [{ detailType: DetailType.CustomerTierChanged, detail: d.tierChange }] : [];
    const outbox = withEvents(loyalty?.value.outbox, events, now);
    const tier = tierToCopy(loyalty?.value.state, d.state);
    // The view and its entries go onto the state item (./open-orders.ts) — unless the order's view
    // is on an item of its own (stored so before, or no room on the state item): updated there.
    const cuts = openCuts(now, deps.config.refundWindowDays);
    const onState = !ownItem && hasRoom(open, orderId);
    const kept = onState
      ? settleOpenOrders({ ...open, [orderId]: { order: d.order, entries: [...(open[orderId]?.entries ?? []), ...d.entries], touchedAt: now.toISOString() } }, loyalty?.value.history, cuts)
      : settleOpenOrders(open, loyalty?.value.history, cuts);
    const result = await deps.store.commit({
      customerId,
      loyalty: { value: { state: d.state, outbox, ...kept }, v: loyalty?.v ?? 0 },
      ...(onState ? {} : { order: { orderId, value: d.order, v: ownItem?.v ?? 0 } }),
      entries: onState ? [] : d.entries,
      coupons: [],
      ...(tier ? { customerTier: tier } : {}),
      ...withTierKpi(customerId, loyalty?.value.state, d.state, deps.config),
      due: loyaltyDue(d.state, outbox, now, deps.config),
    });
    if (result === 'erased') return 'erased';
    if (result !== 'ok') return CONFLICT;
    await flushOutbox(deps, customerId, outbox, now, events);
    return 'applied';
  });
}

export type RedeemOutcome =
  | { outcome: 'redeemed'; entry: LedgerEntry; code: string }
  | { outcome: 'duplicate'; entry: LedgerEntry }
  | { outcome: 'rejected'; reason: RedeemReject };

/**
 * Points into a single-use coupon, once per redemption key. The coupon item is created in the
 * same transaction as the ledger entry `redeem#<key>`, and the entry records the coupon's hash:
 * a retry (redelivery, or a crash after the commit) finds the entry and issues nothing, and a
 * coupon never exists without the points having been taken. The plain code exists only in
 * memory and in the return value (for a synchronous caller); it is never logged or stored.
 * A refusal (too few points, below the minimum, not a step) is stored under the same key, so the
 * same request retried later is refused again instead of redeemed: one outcome per key.
 */
export async function redeemPoints(deps: LoyaltyDeps, req: PointsRedeemRequested): Promise<RedeemOutcome> {
  const { customerId } = req;
  // A conflict: a concurrent redemption or order changed the balance, or the same key was
  // committed meanwhile; deciding again covers both. (The code is derived from the key, so a
  // 2^-70 collision with another coupon would conflict on every try and end in the dead-letter queue.)
  return retryOnConflict(`redemption ${req.key}`, async () => {
    const now = deps.clock();
    const existing = await deps.store.getLedgerEntry(customerId, `redeem#${req.key}`);
    const { loyalty, erased } = await deps.store.load(customerId);
    if (erased) return { outcome: 'rejected', reason: 'erased' } as const;
    const state = loyalty?.value.state ?? newLoyaltyState(customerId, now, deps.config);
    const d = decideRedeem({ state, existing }, { key: req.key, points: req.points, now }, deps.config);
    if (d.kind === 'reject') {
      if (!d.remember) return { outcome: 'rejected', reason: d.reason } as const;
      // The state is written back unchanged under its version: a concurrent order or
      // redemption makes this a conflict, and the request is decided again on the new balance.
      const kept = await deps.store.commit({
        customerId,
        loyalty: { value: { state, outbox: loyalty?.value.outbox ?? {} }, v: loyalty?.v ?? 0 },
        entries: [d.remember],
        coupons: [],
        due: loyaltyDue(state, loyalty?.value.outbox, now, deps.config),
      });
      if (kept === 'conflict') return CONFLICT;
      return { outcome: 'rejected', reason: kept === 'erased' ? 'erased' : d.reason } as const;
    }
    if (d.kind === 'duplicate') {
      await flushOutbox(deps, customerId, loyalty?.value.outbox, now);
      return { outcome: 'duplicate', entry: d.entry } as const;
    }
    const { code, state: coupon, ref } = loyaltyCoupon(d.coupon, 'loyalty-redemption', now, deps.coupons);
    const entry: LedgerEntry = { ...d.entry, couponHash: coupon.codeHash };
    // The redemption mail (campaigns/points-redeemed.yaml) carries the coupon: it derives the code again.
    const redeemed: OutgoingEvent = {
      detailType: DetailType.PointsRedeemed,
      detail: { customerId, key: entry.key, points: req.points, value: d.coupon.value, currency: d.coupon.currency, balanceAfter: d.state.balance, coupon: ref, occurredAt: now.toISOString() },
    };
    const outbox = withEvents(loyalty?.value.outbox, [redeemed], now);
    const result = await deps.store.commit({
      customerId,
      loyalty: { value: { state: d.state, outbox }, v: loyalty?.v ?? 0 },
      entries: [entry],
      coupons: [coupon],
      due: loyaltyDue(d.state, outbox, now, deps.config),
    });
    if (result === 'erased') return { outcome: 'rejected', reason: 'erased' } as const;
    if (result !== 'ok') return CONFLICT;
    await flushOutbox(deps, customerId, outbox, now, [redeemed]);
    return { outcome: 'redeemed', entry, code } as const;
  });
}

/** A coupon bought with points or given as a birthday reward (coupons/issue.ts), its code
 * derived from (cause, customer, ledger key): a retried decision derives the same coupon. */
export function loyaltyCoupon(req: CouponRequest, cause: string, now: Date, coupons: CouponDeriver): { code: string; state: CouponState; ref: LoyaltyCoupon } {
  const claim = { campaignId: cause, occurrence: req.idempotencyKey };
  const code = coupons.code({ ...claim, customerId: req.customerId });
  const state = couponWithCode({ kind: 'fixed', value: req.value, expiresInDays: LOYALTY_COUPON_DAYS }, { campaignId: cause, customerId: req.customerId, currency: req.currency }, now, code);
  return { code, state, ref: { claim, kid: coupons.kid } };
}
