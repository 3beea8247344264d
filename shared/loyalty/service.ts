/**
 * Loyalty in the system: order events and redemptions into the points ledger and tiers.
 *
 * Every path is read → pure decision (shared/loyalty) → one transaction (state with its version,
 * the order's loyalty item with its version, ledger entries and coupons created only if absent)
 * → on conflict re-read and decide again. Events a decision emits are written to the state's
 * `outbox` in that transaction and published after it by the writer; a later touch of the
 * customer publishes what a failed publish left behind once it is older than OUTBOX_GRACE_MS
 * (at least once; each event carries a `key` to dedupe on). The grace keeps a concurrent
 * redelivery from re-publishing what the writer is publishing at that moment.
 */
import { randomBytes } from 'node:crypto';
import { DetailType, type OrderEvent, type OutgoingEvent, type PointsRedeemRequested } from '../platform/contracts/events.js';
import { couponHash, generateCouponCode, type CouponState } from '../coupons/index.js';
import {
  decideOrderEvent,
  decideRedeem,
  newLoyaltyOrder,
  newLoyaltyState,
  type CouponRequest,
  type LedgerEntry,
  type LoyaltyConfig,
  type LoyaltyOrder,
  type LoyaltyState,
  type RedeemReject,
} from './index.js';
import type { Clock, EventPublisher, Versioned } from '../platform/ports.js';
import { RetryableError } from '../platform/errors.js';

export interface PendingEvent {
  event: OutgoingEvent;
  /** Wall-clock time it was decided. */
  at: string;
}
export type Outbox = Record<string, PendingEvent>;

/** The LOYALTY item: the state and the events decided but not yet known to be published. */
export interface LoyaltyItem {
  state: LoyaltyState;
  outbox: Outbox;
}

export interface LoyaltyCommit {
  customerId: string;
  /** `v` is the version read (0: create). */
  loyalty: Versioned<LoyaltyItem>;
  order?: { orderId: string } & Versioned<LoyaltyOrder>;
  /** Each created only if its key is new. */
  entries: LedgerEntry[];
  /** Each created only if its hash is new. */
  coupons: CouponState[];
}

/** Port: what loyalty needs from the table (DynamoLoyaltyStore in shared/loyalty/dynamodb.ts). */
export interface LoyaltyStore {
  load(customerId: string, orderId?: string): Promise<{ loyalty: Versioned<LoyaltyItem> | null; order: Versioned<LoyaltyOrder> | null }>;
  /** LOYALTY items of many customers (absent ones are missing from the map). */
  loadMany(customerIds: string[]): Promise<Map<string, Versioned<LoyaltyItem>>>;
  getLedgerEntry(customerId: string, key: string): Promise<LedgerEntry | null>;
  listLedger(customerId: string): Promise<LedgerEntry[]>;
  /** Atomic; 'conflict' when an item changed since it was read or a key already exists. */
  commit(c: LoyaltyCommit): Promise<'ok' | 'conflict'>;
  /** Drops published events from the outbox (no version change: a racing writer that re-adds
   * them only causes a harmless re-publish). */
  clearOutbox(customerId: string, keys: string[]): Promise<void>;
}

export interface LoyaltyDeps {
  store: LoyaltyStore;
  publisher: EventPublisher;
  config: LoyaltyConfig;
  clock: Clock;
}

export const MAX_ATTEMPTS = 8;
/** Far beyond one publish with SDK retries: an entry this old was left by a failed writer. */
export const OUTBOX_GRACE_MS = 60_000;
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

export async function applyLoyaltyOrderEvent(deps: LoyaltyDeps, event: OrderEvent): Promise<'applied' | 'duplicate'> {
  const { customerId, orderId } = event.detail;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const now = deps.clock();
    const { loyalty, order } = await deps.store.load(customerId, orderId);
    const state = loyalty?.value.state ?? newLoyaltyState(customerId, now, deps.config);
    const d = decideOrderEvent({ state, order: order?.value ?? newLoyaltyOrder(orderId) }, event, now, deps.config);
    if (d.kind === 'duplicate') {
      await flushOutbox(deps, customerId, loyalty?.value.outbox, now);
      return 'duplicate';
    }
    const events: OutgoingEvent[] = d.tierChange ? [{ detailType: DetailType.CustomerTierChanged, detail: d.tierChange }] : [];
    const outbox = withEvents(loyalty?.value.outbox, events, now);
    const result = await deps.store.commit({
      customerId,
      loyalty: { value: { state: d.state, outbox }, v: loyalty?.v ?? 0 },
      order: { orderId, value: d.order, v: order?.v ?? 0 },
      entries: d.entries,
      coupons: [],
    });
    if (result === 'ok') {
      await flushOutbox(deps, customerId, outbox, now, events);
      return 'applied';
    }
  }
  throw new RetryableError(`loyalty for order ${orderId}: gave up after ${MAX_ATTEMPTS} conflicting attempts`);
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
 */
export async function redeemPoints(deps: LoyaltyDeps, req: PointsRedeemRequested): Promise<RedeemOutcome> {
  const { customerId } = req;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const now = deps.clock();
    const existing = await deps.store.getLedgerEntry(customerId, `redeem#${req.key}`);
    const { loyalty } = await deps.store.load(customerId);
    const state = loyalty?.value.state ?? newLoyaltyState(customerId, now, deps.config);
    const d = decideRedeem({ state, existing }, { key: req.key, points: req.points, now }, deps.config);
    if (d.kind === 'reject') return { outcome: 'rejected', reason: d.reason };
    if (d.kind === 'duplicate') {
      await flushOutbox(deps, customerId, loyalty?.value.outbox, now);
      return { outcome: 'duplicate', entry: d.entry };
    }
    const { code, coupon } = loyaltyCoupon(d.coupon, 'loyalty-redemption', now);
    const entry: LedgerEntry = { ...d.entry, couponHash: coupon.codeHash };
    const result = await deps.store.commit({
      customerId,
      loyalty: { value: { state: d.state, outbox: loyalty?.value.outbox ?? {} }, v: loyalty?.v ?? 0 },
      entries: [entry],
      coupons: [coupon],
    });
    if (result === 'ok') return { outcome: 'redeemed', entry, code };
    // A conflict: a concurrent redemption or order changed the balance, the same key was
    // committed meanwhile, or (vanishingly rare) the code collided. Deciding again covers all.
  }
  throw new RetryableError(`redemption ${req.key}: gave up after ${MAX_ATTEMPTS} conflicting attempts`);
}

/** A fresh code from the system CSPRNG and the coupon stored under its hash. */
export function loyaltyCoupon(req: CouponRequest, campaignId: string, now: Date): { code: string; coupon: CouponState } {
  const code = generateCouponCode((n) => randomBytes(n));
  const coupon: CouponState = {
    codeHash: couponHash(code),
    campaignId,
    customerId: req.customerId,
    kind: 'fixed',
    value: req.value,
    currency: req.currency,
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + LOYALTY_COUPON_DAYS * 86_400_000).toISOString(),
  };
  return { code, coupon };
}

export const eventKey = (e: OutgoingEvent): string => (e.detail as { key: string }).key;

export function withEvents(outbox: Outbox | undefined, events: OutgoingEvent[], now: Date): Outbox {
  const next = { ...outbox };
  for (const event of events) next[eventKey(event)] = { event, at: now.toISOString() };
  return next;
}

/**
 * Publishes the writer's own new events and whatever a failed writer left (older than the grace),
 * then removes them from the outbox. A failed publish throws: the record is retried.
 */
export async function flushOutbox(
  deps: Pick<LoyaltyDeps, 'store' | 'publisher'>,
  customerId: string,
  outbox: Outbox | undefined,
  now: Date,
  own: OutgoingEvent[] = [],
): Promise<number> {
  const mine = new Set(own.map(eventKey));
  const stale = new Date(now.getTime() - OUTBOX_GRACE_MS).toISOString();
  const due = Object.entries(outbox ?? {}).filter(([k, p]) => mine.has(k) || p.at <= stale);
  if (due.length === 0) return 0;
  await deps.publisher.publish(due.map(([, p]) => p.event));
  await deps.store.clearOutbox(customerId, due.map(([k]) => k));
  return due.length;
}
