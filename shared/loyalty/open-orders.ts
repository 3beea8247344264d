/**
 * The orders a member's state item keeps beside the state: each order's loyalty view and the
 * ledger entries it caused, while a refund can still reach it. Kept on the state's own item, an
 * order event is one conditional write of one item (no transaction, no second item); once the
 * order leaves the refund window its entries fold into the statement's `history` entry, so the
 * item stays bounded by the orders of one window, not by the customer's whole history.
 *
 * The import keeps the same orders by the same rule (shared/import/fold.ts), so an imported
 * member and one whose history came through the bus hold the same item.
 */
import type { OpenCuts } from '../platform/open-window.js';
import { instantMs } from '../platform/time.js';
import { foldLedger, type LedgerEntry } from './ledger.js';
import type { LoyaltyOrder } from './order.js';

// The two cuts are shared with order ingest, which keeps its orders' state by the same rule.
export { REDELIVERY_DAYS, openCuts, type OpenCuts } from '../platform/open-window.js';

export interface OpenOrder {
  order: LoyaltyOrder;
  /** Every entry the order caused (earn, reversals), oldest first. */
  entries: LedgerEntry[];
  /** When a live event last changed it (wall clock); absent on what an import wrote. */
  touchedAt?: string;
}

/** orderId → its view and entries. */
export type OpenOrders = Record<string, OpenOrder>;

/**
 * Open orders the state item holds at most (~0.5 KB each): a buyer with more inside the window
 * (a reseller ordering daily) gets the further orders' views on items of their own, as before
 * views moved here, so the state item stays a few KB — well inside DynamoDB's 400 KB item limit,
 * and every write to it stays cheap.
 */
export const MAX_OPEN_ORDERS = 10;

/** Whether an order's view goes on the state item: it is there already, or there is room. */
export const hasRoom = (open: OpenOrders, orderId: string): boolean => orderId in open || Object.keys(open).length < MAX_OPEN_ORDERS;

/**
 * Open while a refund may still come — placed inside the window, or not placed yet (a refund or
 * fulfilment that arrived first waits for it), or with an entry inside the window — or while a
 * copy of its last event may still be delivered.
 */
export const isOpen = (o: OpenOrder, cuts: OpenCuts): boolean =>
  !o.order.placedAt ||
  instantMs(o.order.placedAt) >= cuts.refunds ||
  o.entries.some((e) => instantMs(e.at) >= cuts.refunds) ||
  (o.touchedAt !== undefined && instantMs(o.touchedAt) >= cuts.copies);

/**
 * Folds the closed orders' entries into the history entry and drops their views. Every entry of
 * a closed order precedes the refund cut, and so does everything already in the history.
 */
export function settleOpenOrders(open: OpenOrders, history: LedgerEntry | undefined, cuts: OpenCuts): { open: OpenOrders; history?: LedgerEntry } {
  const closed = Object.values(open).filter((o) => !isOpen(o, cuts));
  if (closed.length === 0) return { open, ...(history ? { history } : {}) };
  const still = Object.fromEntries(Object.entries(open).filter(([, o]) => isOpen(o, cuts)));
  const folded = foldLedger([...(history ? [history] : []), ...closed.flatMap((o) => o.entries)], new Date(cuts.refunds));
  return { open: still, ...(folded.history ? { history: folded.history } : {}) };
}
