/**
 * One customer's whole history folded in memory with the handlers' own pure decisions — the
 * profile (decideProfile), the order summary and purchase days (decideOrder) and
 * loyalty (decideOrderEvent) — applied in time order, as the bus would have delivered them. The
 * result is what the live items would hold had every event gone through the bus at `now`.
 *
 * What is kept for writing: per-order state only for orders inside the refund window (an older
 * order's state would only ever be read by a late refund); the loyalty views of those orders, with
 * their entries, and the ledger entries from before the window folded into one (foldLedger), ride
 * on the loyalty state's item as the live handler keeps them (loyalty/open-orders.ts). The purchase days all stay,
 * on the customer item as order ingest keeps them.
 */
import { createHash } from 'node:crypto';
import { DetailType } from '../platform/contracts/events.js';
import { DAY_MS, instantMs, utcDay } from '../platform/time.js';
import { decideOrder, emptyOrder, emptySummary, withDay, type DayState, type OrderState, type OrderSummary } from '../orders/decide.js';
import { decideProfile, type Profile } from '../customers/record.js';
import { decideOrderEvent, eventTime, foldLedger, newLoyaltyOrder, newLoyaltyState, type LedgerEntry, type LoyaltyConfig, type LoyaltyOrder, type LoyaltyState } from '../loyalty/index.js';
import type { ShopEvent } from './rows.js';
import { emptyMarks, orderKpi, type KpiMarks } from '../orders/kpi.js';
import { tierKpi } from '../loyalty/kpi.js';
import type { KpiDelta } from '../platform/table/counters.js';
import { MAX_OPEN_ORDERS, isOpen, openCuts, type OpenOrder, type OpenOrders } from '../loyalty/open-orders.js';

export interface FoldContext {
  now: Date;
  loyalty: LoyaltyConfig;
  refundWindowDays: number;
}

export interface FoldedCustomer {
  customerId: string;
  /** Hash of the customer's input history: a re-run over the same input recognises its work. */
  digest: string;
  /** The address of every profile applied, in order: each is checked against the suppression list. */
  profileEmails: string[];
  profile?: Profile;
  /** Set once an order event applied (as the order adapter writes it). */
  summary?: OrderSummary;
  orders: Map<string, OrderState>;
  days: Record<string, DayState>;
  loyalty?: LoyaltyState;
  loyaltyOrders: Map<string, LoyaltyOrder>;
  ledger: LedgerEntry[];
  /** Orders that counted (placed, not cancelled, not fully refunded). */
  activeOrders: number;
  /** The KPI counters the live handlers would have ADDed for this history (orders, tiers). */
  kpi: KpiDelta[];
  kpiMarks: KpiMarks;
}

const timeOf = (e: ShopEvent) => Date.parse(e.detail.occurredAt);

/** Time order, stable for equal times (input order then decides, as arrival would). */
export const inTimeOrder = (events: readonly ShopEvent[]): ShopEvent[] =>
  events.map((e, i) => ({ e, i })).sort((a, b) => timeOf(a.e) - timeOf(b.e) || a.i - b.i).map(({ e }) => e);

export const historyDigest = (events: readonly ShopEvent[]): string =>
  createHash('sha256').update(JSON.stringify(events)).digest('base64url').slice(0, 22);

export function foldCustomer(customerId: string, history: readonly ShopEvent[], ctx: FoldContext): FoldedCustomer {
  const events = inTimeOrder(history);
  const f: FoldedCustomer = { customerId, digest: historyDigest(events), profileEmails: [], orders: new Map(), days: {}, loyaltyOrders: new Map(), ledger: [], activeOrders: 0, kpi: [], kpiMarks: emptyMarks() };
  for (const event of events) {
    if (event.type === DetailType.CustomerUpserted) {
      const profile = decideProfile(f.profile, event.detail);
      if (profile) {
        f.profile = profile;
        f.profileEmails.push(profile.email);
      }
      continue;
    }
    const { orderId } = event.detail;
    // The order-events consumer: order state, purchase days and summary by difference.
    const given = { order: f.orders.get(orderId) ?? emptyOrder(), days: f.days, summary: f.summary ?? emptySummary() };
    const d = decideOrder(given, event);
    if (d.kind === 'apply') {
      // No risk level is known for history: its returns are not counted as reactivations.
      const kpi = orderKpi(customerId, given, d, { marks: f.kpiMarks });
      f.kpi.push(...kpi.deltas);
      if (kpi.marks) f.kpiMarks = kpi.marks;
      f.orders.set(orderId, d.order);
      if (d.day) f.days = withDay(f.days, d.day);
      f.summary = d.summary;
    }
    // The loyalty consumer, with the clock the import runs at.
    const state = f.loyalty ?? newLoyaltyState(customerId, eventTime(event, ctx.now), ctx.loyalty);
    const l = decideOrderEvent({ state, order: f.loyaltyOrders.get(orderId) ?? newLoyaltyOrder(orderId) }, event, ctx.now, ctx.loyalty);
    if (l.kind === 'apply') {
      const tier = tierKpi(customerId, f.loyalty, l.state, ctx.loyalty);
      if (tier) f.kpi.push(tier);
      f.loyalty = l.state;
      f.loyaltyOrders.set(orderId, l.order);
      f.ledger.push(...l.entries);
    }
  }
  f.activeOrders = f.summary?.orders ?? 0;
  return f;
}

/**
 * The per-order state worth writing (see the file comment): the state of orders placed inside
 * the refund window (on the customer item, as order ingest keeps it), the loyalty views open by the live rule (loyalty/open-orders.ts) with
 * their entries, the rest of the ledger from before the window folded into one history entry.
 */
export function itemsToKeep(f: FoldedCustomer, ctx: FoldContext): { orders: Array<[string, OrderState]>; open: OpenOrders; ownItems: OpenOrder[]; ledger: LedgerEntry[]; history?: LedgerEntry } {
  const cuts = openCuts(ctx.now, ctx.refundWindowDays);
  const cut = cuts.refunds;
  // As instants: a placedAt with an offset (+08:00) must be judged by the same cut as the ledger.
  const recent = (placedAt: string | undefined) => placedAt === undefined || instantMs(placedAt) >= cut;
  const orders = [...f.orders].filter(([, o]) => recent(o.placedAt));
  const open: OpenOrders = {};
  // Beyond the state item's room, as the handler would have placed them in time order: on items of their own.
  const ownItems: OpenOrder[] = [];
  for (const order of f.loyaltyOrders.values()) {
    const slot = { order, entries: f.ledger.filter((e) => e.orderId === order.orderId) };
    // No `touchedAt`: an import's rows are not redelivered by the bus, so only the window counts.
    if (!isOpen(slot, cuts)) continue;
    if (Object.keys(open).length < MAX_OPEN_ORDERS) open[order.orderId] = slot;
    else ownItems.push(slot);
  }
  const viewed = new Set([...Object.keys(open), ...ownItems.map((o) => o.order.orderId)]);
  const { history, kept } = foldLedger(f.ledger.filter((e) => !(e.orderId !== undefined && viewed.has(e.orderId))), new Date(cut));
  // An own item's entries other than its earn entry (which shares the view's item) are ledger items.
  const ledger = [...kept, ...ownItems.flatMap((o) => o.entries.filter((e) => e.key !== `earn#${o.order.orderId}`))];
  return { orders, open, ownItems, ledger, ...(history ? { history } : {}) };
}
