// Calibration/hold-out splits of purchase histories, for model selection and threshold fitting.
// Days are integer day numbers (e.g. days since 1970-01-01 UTC); model time is days / unitDays.

/** One customer's distinct purchase days, ascending (same-day orders are one purchase). */
export type PurchaseDays = readonly number[];

/** (x, t_x, T) at the cut plus what happened after it. */
export interface HoldoutRow {
  x: number;
  tx: number;
  T: number;
  /** Purchases in (cut, end]. */
  holdout: number;
  /** Time from the cut to the first purchase after it (model units); Infinity when none by end. */
  firstReturn: number;
}

export interface SummaryTriple {
  x: number;
  tx: number;
  T: number;
}

/** Index of the first element > day (binary search; days ascending). */
function upperBound(days: PurchaseDays, day: number): number {
  let lo = 0, hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (days[mid]! <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** (x, t_x, T) as of `endDay` (inclusive); null when the first purchase is after it. */
export function summarizeDays(days: PurchaseDays, endDay: number, unitDays = 7): SummaryTriple | null {
  const k = upperBound(days, endDay);
  if (k === 0) return null;
  const first = days[0]!;
  return { x: k - 1, tx: (days[k - 1]! - first) / unitDays, T: (endDay - first) / unitDays };
}

/** Calibration summary at cutDay and the hold-out outcome over (cutDay, endDay]. */
export function splitAt(days: PurchaseDays, cutDay: number, endDay: number, unitDays = 7): HoldoutRow | null {
  const cal = summarizeDays(days, cutDay, unitDays);
  if (!cal) return null;
  const k = cal.x + 1;
  const kEnd = upperBound(days, endDay);
  const firstReturn = kEnd > k ? (days[k]! - cutDay) / unitDays : Infinity;
  return { ...cal, holdout: kEnd - k, firstReturn };
}

export interface HoldoutOptions {
  /** Share of the observed period (first purchase in the base .. end) held back. Default 0.25. */
  holdoutFraction?: number;
  /** Days per model time unit. Default 7 (weeks, as in the published work). */
  unitDays?: number;
  /**
   * Forecast origins (rolling-origin evaluation): the hold-out at the end, then the hold-out of the
   * same length ending where that one starts, and so on. Default DEFAULT_ORIGINS.
   */
  origins?: number;
}

export interface HoldoutSplit {
  /** Last calibration day (inclusive). */
  cutDay: number;
  endDay: number;
  /** Hold-out length in model units. */
  length: number;
  unitDays: number;
  /** One row per customer whose first purchase is on or before cutDay, in input order. */
  rows: HoldoutRow[];
  /** Input index of each row (customers first buying after the cut are not in the calibration base). */
  index: number[];
}

/**
 * Holds back the last `holdoutFraction` of the observed period (whole days, at least one): the cut
 * is endDay − round(fraction · (endDay − firstDay)), firstDay the earliest purchase of anyone.
 */
export function buildHoldout(histories: readonly PurchaseDays[], endDay: number, opts: HoldoutOptions = {}): HoldoutSplit {
  const fraction = opts.holdoutFraction ?? 0.25;
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`holdoutFraction must be in (0, 1), got ${fraction}`);
  let firstDay = Infinity;
  for (const d of histories) if (d.length && d[0]! < firstDay) firstDay = d[0]!;
  const span = Number.isFinite(firstDay) ? Math.max(endDay - firstDay, 0) : 0;
  return splitAll(histories, endDay - Math.max(1, Math.round(fraction * span)), endDay, opts.unitDays ?? 7);
}

/** Why two: SelectionOptions.bound in select.ts. */
export const DEFAULT_ORIGINS = 2;

/**
 * The hold-out of buildHoldout and `origins − 1` earlier ones of the same length, latest first:
 * origin k holds out (cut − k·L, end − k·L], L = end − cut, and calibrates on the days up to its start.
 * One hold-out is one draw of the period-to-period variation (promotions, seasons); a model that
 * forecast several consecutive periods within a bound is evidence it will forecast the next one.
 */
export function buildOrigins(histories: readonly PurchaseDays[], endDay: number, opts: HoldoutOptions = {}): HoldoutSplit[] {
  const latest = buildHoldout(histories, endDay, opts);
  const origins = opts.origins ?? DEFAULT_ORIGINS;
  if (!(Number.isInteger(origins) && origins >= 1)) throw new RangeError(`origins must be a whole number ≥ 1, got ${origins}`);
  const days = endDay - latest.cutDay;
  const out = [latest];
  for (let k = 1; k < origins; k++) out.push(splitAll(histories, latest.cutDay - k * days, endDay - k * days, latest.unitDays));
  return out;
}

function splitAll(histories: readonly PurchaseDays[], cutDay: number, endDay: number, unitDays: number): HoldoutSplit {
  const rows: HoldoutRow[] = [];
  const index: number[] = [];
  histories.forEach((d, i) => {
    const row = splitAt(d, cutDay, endDay, unitDays);
    if (row) {
      rows.push(row);
      index.push(i);
    }
  });
  return { cutDay, endDay, length: (endDay - cutDay) / unitDays, unitDays, rows, index };
}

export function distinctDays(days: Iterable<number>): number[] {
  return [...new Set(days)].sort((a, b) => a - b);
}
