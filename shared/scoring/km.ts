// Censoring-corrected inter-purchase gap percentiles for the rule fallback. A young shop sees
// only short completed gaps: the gap a customer is in right now (since the last purchase) is
// still open — right-censored — and dropping it biases every percentile low, which flags too many
// customers. Kaplan–Meier counts an open gap as "at least this long".
import type { PurchaseDays } from './holdout.js';

export interface GapObservation {
  days: number;
  /** true: a completed gap (the next purchase happened); false: still open at the observation end. */
  event: boolean;
  /** Multiplicity (e.g. x gaps of a customer's mean length). Default 1. */
  weight?: number;
}

export interface SurvivalCurve {
  /** Distinct event times, ascending. */
  times: number[];
  /** S(t) just after each event time. */
  survival: number[];
}

/** Kaplan–Meier estimate; at tied times events are counted before censorings (the usual convention). */
export function kaplanMeier(obs: readonly GapObservation[]): SurvivalCurve {
  const sorted = obs.filter((o) => Number.isFinite(o.days) && o.days >= 0 && (o.weight ?? 1) > 0).sort((a, b) => a.days - b.days || Number(b.event) - Number(a.event));
  let atRisk = sorted.reduce((s, o) => s + (o.weight ?? 1), 0);
  const times: number[] = [], survival: number[] = [];
  let s = 1;
  for (let i = 0; i < sorted.length; ) {
    const t = sorted[i]!.days;
    let events = 0, leaving = 0;
    for (; i < sorted.length && sorted[i]!.days === t; i++) {
      const w = sorted[i]!.weight ?? 1;
      leaving += w;
      if (sorted[i]!.event) events += w;
    }
    if (events > 0) {
      s *= 1 - events / atRisk;
      times.push(t);
      survival.push(s);
    }
    atRisk -= leaving;
  }
  return { times, survival };
}

/**
 * Percentile function of the gap among gaps that end, corrected for censoring: the KM distribution
 * F = 1 − S scaled by its value at the longest completed gap (some customers never buy again, so F
 * levels off below 1). Returns NaN for every p when no gap has completed.
 */
export function kmGapPercentiles(obs: readonly GapObservation[]): (p: number) => number {
  const { times, survival } = kaplanMeier(obs);
  const top = times.length ? 1 - survival[survival.length - 1]! : 0;
  return (p: number) => {
    if (!(top > 0)) return Number.NaN;
    const target = Math.min(Math.max(p, 0), 1) * top;
    for (let k = 0; k < times.length; k++) if (1 - survival[k]! >= target - 1e-12) return times[k]!;
    return times[times.length - 1]!;
  };
}

/** Completed gaps between consecutive purchase days, and the open gap up to `today`. */
export function gapObservationsFromDays(days: PurchaseDays, today: number): GapObservation[] {
  const out: GapObservation[] = [];
  for (let k = 1; k < days.length; k++) out.push({ days: days[k]! - days[k - 1]!, event: true });
  if (days.length) out.push({ days: Math.max(today - days[days.length - 1]!, 0), event: false });
  return out;
}

/**
 * From a running summary only: the x = purchaseDays − 1 completed gaps are not stored one by one,
 * so they enter as x gaps of the customer's mean length; the open gap is exact.
 */
export function gapObservationsFromSummary(s: { firstDay: number; lastDay: number; purchaseDays: number }, today: number): GapObservation[] {
  const x = s.purchaseDays - 1;
  const open: GapObservation = { days: Math.max(today - s.lastDay, 0), event: false };
  return x > 0 ? [{ days: (s.lastDay - s.firstDay) / x, event: true, weight: x }, open] : [open];
}
