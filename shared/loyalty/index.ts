/**
 * Loyalty: tiers, a points ledger and birthday rewards, as pure decisions of (state, input, now).
 *
 * What the DynamoDB store keeps (one table, customer partition `CUST#<id>`; keys in shared/platform/table/keys.ts,
 * adapter in shared/loyalty/dynamodb.ts):
 * - `LOYALTY` — LoyaltyState + `version`, the orders still inside the refund window (`open`: each
 *   order's LoyaltyOrder view and the entries it caused, ./open-orders.ts) and `history` (older
 *   entries folded into one statement line). Every decision that returns a state is written with
 *   `version = :read` (or attribute_not_exists(pk) when new), SET version = version + 1; an order
 *   event of a known member touches only this item: one conditional UpdateItem. Because
 *   redemptions are decided on that read, the version condition is what keeps the balance from
 *   going negative under concurrent redemptions.
 * - `LEDGER#<entry.key>` — the entries of no order (redemptions, expiries, birthdays), one
 *   LedgerEntry each, Put with attribute_not_exists(sk) in the same TransactWriteItems as the
 *   state update. A cancelled transaction (either condition) is re-read and re-decided; the
 *   decision then says duplicate / reject.
 * - `LEDGER#earn#<orderId>` — an order view stored before views moved onto the state item
 *   (`order` + `version`, `entry` once earned): still read and updated where it is.
 * - Expiry needs only `lots` on the state (≤ expiryMonths + 1 entries, oldest first), and the
 *   monthly spend needs only `buckets` (≤ 13): no history is read in the common case.
 * Events (`tierChange`, notices, birthday) are published after the write succeeded; their `key`
 * lets consumers drop the repeat a crash between write and publish can cause. They are written
 * to an `outbox` map on `LOYALTY` in the same transaction and removed once published, so a
 * failed publish is retried by the next touch of the customer instead of being lost.
 */
export * from './config.js';
export * from './events.js';
export * from './state.js';
export * from './order.js';
export * from './ledger.js';
export * from './tiers.js';
export * from './points.js';
export * from './birthday.js';
export { addMonths, localDate, monthKey, startOfDay, startOfMonth, type LocalDate } from '../platform/time.js';
