/**
 * Ledger entries and point lots. Every change of the balance is one entry, keyed by its business
 * cause, so the store's conditional put (attribute_not_exists) turns a redelivered or re-published
 * event into a no-op; and the balance is the sum of the entries and of the lots, which
 * `verifyLedger` checks.
 */
import type { Lot, LoyaltyState } from './state.js';

/** 'rejected': a refused redemption, kept under its key (0 points) so the same key is refused again.
 * 'history': an imported history's older entries folded into one (see foldLedger). */
export type LedgerKind = 'earn' | 'reverse' | 'redeem' | 'expire' | 'birthday' | 'rejected' | 'history';

export interface LedgerEntry {
  /** 'earn#<orderId>', 'refund#<orderId>#<refundId>', 'cancel#<orderId>', 'redeem#<key>',
   * 'expire#<lot>', 'birthday#<year>': one entry per cause, ever. */
  key: string;
  kind: LedgerKind;
  /** Signed change of the balance. */
  points: number;
  /** Signed change per lot ('YYYY-MM'); sums to `points`. */
  lots: Record<string, number>;
  balanceAfter: number;
  at: string;
  /** A reversal that found the points already spent: what could not be taken back. */
  unrecoverable?: number;
  orderId?: string;
  refundId?: string;
  /** Coupon value issued for a redemption or birthday reward. */
  couponValue?: number;
  /** couponHash of the coupon issued with this entry (same transaction): a retry finds the entry
   * and issues nothing more. The code itself is never stored. */
  couponHash?: string;
  /** For a refused redemption: why, and how many points were asked for. */
  reason?: string;
  requested?: number;
  /** For 'history': how many entries it folds, when the first of them was, and the points they
   * credited (`points` is what is left after reversals and expiries). */
  folded?: number;
  since?: string;
  earned?: number;
}

export const HISTORY_KEY = 'history';
/** The kinds an order history produces (and an earlier fold); redemptions and birthdays are never folded. */
const FOLDABLE: ReadonlySet<LedgerKind> = new Set(['earn', 'reverse', 'expire', 'history']);

/**
 * An imported history's entries before `before`, folded into one 'history' entry (points and
 * lots summed, the balance after the last of them); the rest kept as they are. Entries of an
 * order come at or after its placement, so an order placed inside the refund window keeps all of
 * its entries, and every folded entry precedes every kept one: the statement still adds up.
 * Folding drops the per-order keys that made a re-sent old earn or refund a no-op; such orders
 * keep no per-order state anyway (README, "Orders older than the refund window"). An earlier
 * 'history' entry among them is folded in too (counts and earnings added up), so folding in steps
 * gives the same entry as folding once.
 */
export function foldLedger(entries: readonly LedgerEntry[], before: Date): { history?: LedgerEntry; kept: LedgerEntry[] } {
  const cut = before.getTime();
  const isOld = (e: LedgerEntry) => FOLDABLE.has(e.kind) && Date.parse(e.at) < cut;
  const old = entries.filter(isOld);
  const kept = entries.filter((e) => !isOld(e));
  if (old.length === 0) return { kept };
  const byTime = [...old].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const lots: Record<string, number> = {};
  for (const e of old) for (const [k, n] of Object.entries(e.lots)) lots[k] = (lots[k] ?? 0) + n;
  for (const k of Object.keys(lots)) if (lots[k] === 0) delete lots[k];
  const last = byTime.at(-1)!;
  const unrecoverable = old.reduce((n, e) => n + (e.unrecoverable ?? 0), 0);
  const since = old.map((e) => e.since ?? e.at).sort((a, b) => Date.parse(a) - Date.parse(b))[0]!;
  const history: LedgerEntry = {
    key: HISTORY_KEY,
    kind: 'history',
    points: old.reduce((n, e) => n + e.points, 0),
    lots,
    balanceAfter: last.balanceAfter,
    at: last.at,
    folded: old.reduce((n, e) => n + (e.kind === 'history' ? (e.folded ?? 0) : 1), 0),
    since,
    earned: old.reduce((n, e) => n + (e.kind === 'history' ? (e.earned ?? 0) : Math.max(0, e.points)), 0),
    ...(unrecoverable ? { unrecoverable } : {}),
  };
  return { history, kept };
}

export const sumLots = (lots: Record<string, Lot>): number => Object.values(lots).reduce((s, l) => s + l.points, 0);

export function creditLot(lots: Record<string, Lot>, lot: string, points: number): Record<string, Lot> {
  const prev = lots[lot];
  return { ...lots, [lot]: { ...prev, points: (prev?.points ?? 0) + points } };
}

/**
 * Takes up to `points` from the lots: `prefer` first (a refund takes back its own order's points),
 * then oldest first (what would expire soonest goes first, which is also the customer's best deal).
 * Emptied lots are removed, so the state only holds lots with points.
 */
export function debitLots(
  lots: Record<string, Lot>,
  points: number,
  prefer?: string,
): { lots: Record<string, Lot>; taken: Record<string, number>; shortfall: number } {
  const next = { ...lots };
  const taken: Record<string, number> = {};
  let left = points;
  const order = Object.keys(next).sort();
  if (prefer && prefer in next) order.unshift(...order.splice(order.indexOf(prefer), 1));
  for (const k of order) {
    if (left === 0) break;
    const lot = next[k]!;
    const n = Math.min(left, lot.points);
    if (n <= 0) continue;
    taken[k] = -n;
    left -= n;
    if (lot.points === n) delete next[k];
    else next[k] = { ...lot, points: lot.points - n };
  }
  return { lots: next, taken, shortfall: left };
}

/** What must hold after any sequence of decisions; returns the violations (empty: consistent). */
export function verifyLedger(state: LoyaltyState, entries: Iterable<LedgerEntry>): string[] {
  const problems: string[] = [];
  let sum = 0;
  const byLot = new Map<string, number>();
  for (const e of entries) {
    sum += e.points;
    const lotSum = Object.values(e.lots).reduce((s, n) => s + n, 0);
    if (lotSum !== e.points) problems.push(`${e.key}: lots sum ${lotSum} ≠ points ${e.points}`);
    for (const [k, n] of Object.entries(e.lots)) byLot.set(k, (byLot.get(k) ?? 0) + n);
  }
  if (state.balance < 0) problems.push(`negative balance ${state.balance}`);
  if (sum !== state.balance) problems.push(`ledger sums to ${sum}, balance is ${state.balance}`);
  if (sumLots(state.lots) !== state.balance) problems.push(`lots sum to ${sumLots(state.lots)}, balance is ${state.balance}`);
  for (const [k, n] of byLot) {
    const held = state.lots[k]?.points ?? 0;
    if (n !== held) problems.push(`lot ${k}: ledger ${n}, state ${held}`);
  }
  for (const [k, l] of Object.entries(state.lots)) if (l.points <= 0) problems.push(`lot ${k} holds ${l.points}`);
  return problems;
}
