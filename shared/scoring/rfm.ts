// RFM quintile scores and the conventional R/F-grid segment map.

/**
 * 1–5 quintile scores over the current base. Ties get the same score (that of the tie group's
 * first position in sorted order), so the result does not depend on input order.
 * higherIsBetter = false scores small values 5 (used for recency in days: recent = 5).
 */
export function quintileScores(values: ArrayLike<number>, higherIsBetter = true): Uint8Array {
  const n = values.length;
  const idx = Array.from({ length: n }, (_, i) => i);
  // Worst first, so position 0 maps to score 1.
  idx.sort((a, b) => (higherIsBetter ? values[a]! - values[b]! : values[b]! - values[a]!));
  const out = new Uint8Array(n);
  let groupStart = 0;
  for (let k = 0; k < n; k++) {
    if (k > 0 && values[idx[k]!]! !== values[idx[k - 1]!]!) groupStart = k;
    out[idx[k]!] = Math.min(5, Math.floor((5 * groupStart) / n) + 1);
  }
  return out;
}

export interface RfmInput {
  recencyDays: number;
  frequency: number;
  monetary: number;
}

export interface RfmScore {
  r: number;
  f: number;
  m: number;
}

export function rfmScores(customers: readonly RfmInput[]): RfmScore[] {
  const r = quintileScores(customers.map((c) => c.recencyDays), false);
  const f = quintileScores(customers.map((c) => c.frequency));
  const m = quintileScores(customers.map((c) => c.monetary));
  return customers.map((_, i) => ({ r: r[i]!, f: f[i]!, m: m[i]! }));
}

export type Segment =
  | 'Champions' | 'Loyal' | 'Potential Loyalist' | 'New' | 'Promising' | 'Need Attention'
  | 'About to Sleep' | 'At Risk' | "Can't Lose" | 'Hibernating' | 'Lost';

export interface SegmentRule {
  segment: Segment | string;
  /** Inclusive R-score range. */
  r: readonly [number, number];
  /** Inclusive F-score range. */
  f: readonly [number, number];
}

/** The common R/F grid map; first matching rule wins, so 'Lost' (R1 F1) precedes 'Hibernating'. */
export const DEFAULT_SEGMENT_MAP: readonly SegmentRule[] = [
  { segment: 'Lost', r: [1, 1], f: [1, 1] },
  { segment: 'Hibernating', r: [1, 2], f: [1, 2] },
  { segment: 'At Risk', r: [1, 2], f: [3, 4] },
  { segment: "Can't Lose", r: [1, 2], f: [5, 5] },
  { segment: 'About to Sleep', r: [3, 3], f: [1, 2] },
  { segment: 'Need Attention', r: [3, 3], f: [3, 3] },
  { segment: 'Loyal', r: [3, 4], f: [4, 5] },
  { segment: 'Promising', r: [4, 4], f: [1, 1] },
  { segment: 'New', r: [5, 5], f: [1, 1] },
  { segment: 'Potential Loyalist', r: [4, 5], f: [2, 3] },
  { segment: 'Champions', r: [5, 5], f: [4, 5] },
];

function findSegment(r: number, f: number, map: readonly SegmentRule[]): string {
  const rule = map.find((s) => r >= s.r[0] && r <= s.r[1] && f >= s.f[0] && f <= s.f[1]);
  return rule ? rule.segment : 'Unclassified';
}

// The default map read once into its 5 × 5 grid: the sweep asks for every customer.
const DEFAULT_GRID = Array.from({ length: 25 }, (_, i) => findSegment(Math.floor(i / 5) + 1, (i % 5) + 1, DEFAULT_SEGMENT_MAP));

export function rfmSegment(r: number, f: number, map: readonly SegmentRule[] = DEFAULT_SEGMENT_MAP): string {
  if (map === DEFAULT_SEGMENT_MAP && Number.isInteger(r) && Number.isInteger(f) && r >= 1 && r <= 5 && f >= 1 && f <= 5) return DEFAULT_GRID[(r - 1) * 5 + f - 1]!;
  return findSegment(r, f, map);
}
