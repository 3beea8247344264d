// Accuracy of churn flags against what customers did next: AUC (ties count ½) and, per risk
// level, return rate, precision and recall.
import type { RiskLevel } from './risk.js';

/**
 * AUC = P(score of a positive > score of a negative) + ½ P(equal), by the Mann–Whitney rank sum
 * with mid-ranks for ties. NaN when either class is empty.
 */
export function auc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSum = 0, pos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const midRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (positive[order[k]!]) { rankSum += midRank; pos++; }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export const LEVELS: readonly RiskLevel[] = ['active', 'at-risk', 'churned'];
const LEVEL_RANK: Record<RiskLevel, number> = { active: 0, 'at-risk': 1, churned: 2 };

export interface LevelStats {
  level: RiskLevel | 'flagged';
  customers: number;
  share: number;
  returned: number;
  returnRate: number;
  /** Active: share who returned; at-risk, churned, flagged: share who did not. */
  precision: number;
  /** Active: share of all returners; others: share of all who did not return. */
  recall: number;
}

export interface LevelReport {
  /** active, at-risk, churned, then flagged (at-risk + churned). */
  levels: LevelStats[];
  /** AUC of the level (churned highest) for "no return". */
  auc: number;
  /** Return rate strictly falls from active to at-risk to churned (empty levels skipped). */
  monotone: boolean;
}

export function levelReport(levels: readonly RiskLevel[], returned: ArrayLike<boolean>): LevelReport {
  const n = levels.length;
  let totalReturned = 0;
  for (let i = 0; i < n; i++) if (returned[i]) totalReturned++;
  const totalLapsed = n - totalReturned;
  const stats = (name: LevelStats['level'], inLevel: (l: RiskLevel) => boolean): LevelStats => {
    let customers = 0, back = 0;
    for (let i = 0; i < n; i++) if (inLevel(levels[i]!)) { customers++; if (returned[i]) back++; }
    const lapsed = customers - back;
    const isActive = name === 'active';
    return {
      level: name,
      customers,
      share: n ? customers / n : 0,
      returned: back,
      returnRate: customers ? back / customers : Number.NaN,
      precision: customers ? (isActive ? back : lapsed) / customers : Number.NaN,
      recall: isActive ? (totalReturned ? back / totalReturned : Number.NaN) : totalLapsed ? lapsed / totalLapsed : Number.NaN,
    };
  };
  const per = LEVELS.map((l) => stats(l, (v) => v === l));
  const rates = per.filter((s) => s.customers > 0).map((s) => s.returnRate);
  const lapsed = Array.from({ length: n }, (_, i) => !returned[i]);
  return {
    levels: [...per, stats('flagged', (v) => v !== 'active')],
    auc: auc(levels.map((l) => LEVEL_RANK[l]), lapsed),
    monotone: rates.every((r, i) => i === 0 || r < rates[i - 1]!),
  };
}

/**
 * Levels from a baseline score at given shares: the `shares[0]` lowest scores active, the next
 * `shares[1]` at-risk, the rest churned (ties kept together). Lets a baseline such as days since
 * the last purchase be compared with the model's levels at equal flag rates.
 */
export function levelsAtShares(score: ArrayLike<number>, shares: readonly [number, number]): RiskLevel[] {
  const n = score.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  const out: RiskLevel[] = new Array(n);
  const cut1 = Math.round(shares[0] * n), cut2 = Math.round((shares[0] + shares[1]) * n);
  let level: RiskLevel = 'active';
  for (let k = 0; k < n; k++) {
    const tiedWithPrev = k > 0 && score[order[k]!] === score[order[k - 1]!];
    if (!tiedWithPrev) level = k >= cut2 ? 'churned' : k >= cut1 ? 'at-risk' : 'active';
    out[order[k]!] = level;
  }
  return out;
}
