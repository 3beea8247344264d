/** Applies loyalty decisions to in-memory items as the store would: ledger entries by key with a
 * conditional put, so a decision that re-produced an existing key fails loudly. */
import type { OrderEvent } from '../../../shared/platform/contracts/events.js';
import {
  decideBirthday,
  decideExpire,
  decideOrderEvent,
  decideRedeem,
  decideReview,
  newLoyaltyOrder,
  newLoyaltyState,
  type BirthdayProfile,
  type CouponRequest,
  type CustomerTierChanged,
  type LedgerEntry,
  type LoyaltyConfig,
  type LoyaltyOrder,
  type LoyaltyState,
  type PointsExpiring,
} from '../../../shared/loyalty/index.js';

export class MemoryLoyalty {
  state: LoyaltyState;
  orders = new Map<string, LoyaltyOrder>();
  ledger = new Map<string, LedgerEntry>();
  tierChanges: CustomerTierChanged[] = [];
  notices: PointsExpiring[] = [];
  coupons: CouponRequest[] = [];

  constructor(
    readonly config: LoyaltyConfig,
    since: Date,
    customerId = 'c1',
  ) {
    this.state = newLoyaltyState(customerId, since, config);
  }

  get balance() {
    return this.state.balance;
  }

  /** attribute_not_exists(sk) */
  private put(entry: LedgerEntry) {
    if (this.ledger.has(entry.key)) throw new Error(`conditional put failed: ${entry.key} already exists`);
    this.ledger.set(entry.key, entry);
  }

  order(event: OrderEvent, now: Date) {
    const order = this.orders.get(event.detail.orderId) ?? newLoyaltyOrder(event.detail.orderId);
    const d = decideOrderEvent({ state: this.state, order }, event, now, this.config);
    if (d.kind === 'apply') {
      d.entries.forEach((e) => this.put(e));
      this.orders.set(order.orderId, d.order);
      this.state = d.state;
      if (d.tierChange) this.tierChanges.push(d.tierChange);
    }
    return d;
  }

  redeem(key: string, points: number, now: Date) {
    const d = decideRedeem({ state: this.state, existing: this.ledger.get(`redeem#${key}`) ?? null }, { key, points, now }, this.config);
    if (d.kind === 'redeem') {
      this.put(d.entry);
      this.state = d.state;
      this.coupons.push(d.coupon);
    }
    return d;
  }

  expire(now: Date) {
    const d = decideExpire(this.state, now, this.config);
    if (d.kind === 'apply') {
      d.entries.forEach((e) => this.put(e));
      this.state = d.state;
      this.notices.push(...d.notices);
    }
    return d;
  }

  review(now: Date) {
    const d = decideReview(this.state, now, this.config);
    if (d.kind === 'apply') {
      this.state = d.state;
      if (d.change) this.tierChanges.push(d.change);
    }
    return d;
  }

  birthday(profile: BirthdayProfile, now: Date) {
    const d = decideBirthday(this.state, profile, now, this.config);
    if (d.kind === 'reward') {
      this.put(d.entry);
      this.state = d.state;
      if (d.coupon) this.coupons.push(d.coupon);
    }
    return d;
  }
}
