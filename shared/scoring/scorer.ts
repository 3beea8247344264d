// Scoring customers for the sweep: P(alive), expected purchases and P(no purchase) over the
// horizon, risk level, expected order value, CLV and priority — one customer at a time or a whole
// column set, through the same kernel. A customer that cannot be scored (invalid history) gets a
// value carrying the reason; nothing throws.
import type { Columns } from './columns.js';
import { expectedIfAlive, purchaseProbIfAlive, type CountModel } from './count-model.js';
import type { ParetoNbdParams } from './pareto-nbd.js';
import { deadIntegrand, logTailLengthRobust, paretoLogDeadOdds } from './pareto-tail.js';
import { gammaGammaConditionalExpectedValue, type GammaGammaParams } from './gamma-gamma.js';
import { discountedIncrements, resolveClvOptions, type ClvOptions } from './clv.js';
import { levelOf, riskPriority, type LevelThresholds } from './levels.js';
import { PerXTable, type PerXOptions } from './xtable.js';
import type { RiskLevel } from './risk.js';

export interface ScorerOptions {
  /** Horizon H for expected purchases and P(no purchase), in model units. */
  horizon: number;
  /** With Gamma-Gamma parameters, expected order value, CLV and priority are added. */
  gammaGamma?: GammaGammaParams;
  clv?: ClvOptions;
  /** Level cut points (planRefit's choice.thresholds); without them no level is given. */
  thresholds?: LevelThresholds | null;
  tables?: PerXOptions;
}

export interface ScoreInput {
  x: number;
  tx: number;
  T: number;
  /** Mean repeat-purchase value (0 or absent for one-time buyers). */
  zbar?: number;
}

export interface CustomerScore {
  pAlive: number;
  /** E[X(H) | history]. */
  expected: number;
  /** P(no purchase in the next H | history). */
  pLapse: number;
  /** The value levels are cut on (thresholds.rankBy at thresholds.horizon). */
  rankValue?: number;
  level?: RiskLevel;
  expectedValue?: number;
  clv?: number;
  /** CLV × pLapse: the value at stake. */
  priority?: number;
  /** Set when the history is invalid; the numbers are then NaN. */
  error?: string;
}

/** Why a history cannot be scored, or null when it is valid. */
export function historyError(c: ScoreInput): string | null {
  return checkHistory(c.x, c.tx, c.T, c.zbar);
}

function checkHistory(x: number, tx: number, T: number, zbar: number | undefined): string | null {
  const valid = Number.isInteger(x) && x >= 0 && T >= 0 && T < Infinity && tx >= 0 && tx <= T && (x > 0 || tx === 0) && (zbar === undefined || zbar >= 0);
  if (valid) return null;
  if (!(Number.isInteger(x) && x >= 0)) return `x must be a whole number ≥ 0, got ${x}`;
  if (!(T >= 0 && T < Infinity)) return `T must be finite and ≥ 0, got ${T}`;
  if (!(tx >= 0 && tx <= T)) return `t_x must lie in [0, T], got ${tx} (T ${T})`;
  if (x === 0) return `t_x must be 0 without repeat purchases, got ${tx}`;
  return `zbar must be ≥ 0, got ${zbar}`;
}

/**
 * The pieces of a score. Everything but P(alive) depends on (x, T) only and is tabulated per x;
 * `v` = ln(shift + T), shared by all tables of the scorer.
 */
interface Kernel {
  shift: number;
  pAlive(x: number, tx: number, T: number, v: number): number;
  ifAlive(x: number, T: number, v: number): number;
  purchase(x: number, T: number, v: number): number;
  discounted(x: number, T: number, v: number): number;
  levelIfAlive(x: number, T: number, v: number): number;
}

type Alive = (x: number, tx: number, T: number, v: number) => number;

/** BG/NBD, MBG/NBD: closed form, reusing v = ln(α+T). */
function betaGeoAlive(m: Extract<CountModel, { model: 'bgnbd' | 'mbgnbd' }>): Alive {
  const { r, alpha, a, b } = m.params;
  const first = m.model === 'mbgnbd' ? 0 : 1;
  return (x, tx, T, v) => {
    if (x < first) return 1;
    return 1 / (1 + (a / (b + x - 1 + (1 - first))) * Math.exp((r + x) * (v - Math.log(alpha + tx))));
  };
}

/**
 * Pareto/NBD: R = s·[e^((r+x)A + sB + K(t_x))/(β+t_x) − e^(K(T))/(β+T)], A = ln((α+T)/(α+t_x)),
 * B = ln((β+T)/(β+t_x)), K the tabulated tail length (pareto-tail.ts). Where this overflows or
 * cancels to ≤ 0, the log-space evaluation decides.
 */
function paretoAlive(p: ParetoNbdParams, shift: number, table: (f: (x: number, t: number) => number) => PerXTable): Alive {
  const { r, alpha, s, beta } = p;
  const tail = table((x, t) => {
    const f = deadIntegrand(p, x);
    return logTailLengthRobust(f.p[0]!, f.c[0]!, f.p[1]!, f.c[1]!, t);
  });
  return (x, tx, T, v) => {
    if (!(tx < T)) return 1;
    const A = Math.log1p((T - tx) / (alpha + tx)), B = Math.log1p((T - tx) / (beta + tx));
    const k1 = tail.value(x, tx, Math.log(shift + tx)), k2 = tail.value(x, T, v);
    const R = s * (Math.exp((r + x) * A + s * B + k1) / (beta + tx) - Math.exp(k2) / (beta + T));
    if (R >= 0 && R < Infinity) return 1 / (1 + R);
    return 1 / (1 + Math.exp(paretoLogDeadOdds(p, x, tx, T, (t) => tail.value(x, t, Math.log(shift + t)))));
  };
}

function kernel(m: CountModel, o: ScorerOptions): Kernel {
  const { horizon } = o;
  const clv = resolveClvOptions(o.clv);
  const th = o.thresholds;
  const shift = m.model === 'pareto-nbd' ? Math.min(m.params.alpha, m.params.beta) : m.params.alpha;
  const table = (f: (x: number, T: number) => number): PerXTable => new PerXTable(f, shift, o.tables);
  const ifAlive = table((x, T) => expectedIfAlive(m, horizon, x, T));
  // BG/NBD and MBG/NBD have P(purchase | alive) in closed form; Pareto/NBD needs a quadrature.
  const purchase = m.model === 'pareto-nbd' ? table((x, T) => purchaseProbIfAlive(m, horizon, x, T)) : null;
  const discounted = table((x, T) => discountedIncrements((t) => expectedIfAlive(m, t, x, T), clv.periods, clv.periodLength, clv.discount));
  const levelH = th?.horizon ?? horizon;
  const levelTable = th?.rankBy === 'p-purchase'
    ? (levelH === horizon && purchase ? purchase : table((x, T) => purchaseProbIfAlive(m, levelH, x, T)))
    : levelH === horizon ? ifAlive : table((x, T) => expectedIfAlive(m, levelH, x, T));
  const alive = m.model === 'pareto-nbd' ? paretoAlive(m.params, shift, table) : betaGeoAlive(m);
  return {
    shift,
    pAlive: alive,
    ifAlive: (x, T, v) => ifAlive.value(x, T, v),
    purchase: purchase ? (x, T, v) => purchase.value(x, T, v) : (x, T) => purchaseProbIfAlive(m, horizon, x, T),
    discounted: (x, T, v) => discounted.value(x, T, v),
    levelIfAlive: (x, T, v) => levelTable.value(x, T, v),
  };
}

export interface ColumnScores {
  pAlive: Float64Array;
  expected: Float64Array;
  pLapse: Float64Array;
  rankValue?: Float64Array;
  /** 0 active, 1 at-risk, 2 churned (255 when not scored). */
  level?: Uint8Array;
  expectedValue?: Float64Array;
  clv?: Float64Array;
  priority?: Float64Array;
  failures: { index: number; error: string }[];
}

const LEVEL_CODE: Record<RiskLevel, number> = { active: 0, 'at-risk': 1, churned: 2 };
export const LEVEL_OF_CODE: readonly RiskLevel[] = ['active', 'at-risk', 'churned'];

export interface Scorer {
  score(c: ScoreInput): CustomerScore;
  scoreColumns(cols: Columns): ColumnScores;
}

/** Scratch slots of one score: no allocation in the column loop. */
const enum Slot { PAlive, Expected, PLapse, Rank, Level, Value, Clv, Priority }

export function createScorer(m: CountModel, opts: ScorerOptions): Scorer {
  const k = kernel(m, opts);
  const gg = opts.gammaGamma;
  const th = opts.thresholds ?? null;
  const r = new Float64Array(8);
  /** Fills r; returns an error message or null. */
  const compute = (x: number, tx: number, T: number, zbar: number | undefined): string | null => {
    const bad = checkHistory(x, tx, T, zbar);
    if (bad) return bad;
    try {
      const v = Math.log(k.shift + T);
      const pa = k.pAlive(x, tx, T, v);
      r[Slot.PAlive] = pa;
      r[Slot.Expected] = pa * k.ifAlive(x, T, v);
      r[Slot.PLapse] = 1 - pa * k.purchase(x, T, v);
      if (th) {
        r[Slot.Rank] = pa * k.levelIfAlive(x, T, v);
        r[Slot.Level] = LEVEL_CODE[levelOf(r[Slot.Rank]!, th)];
      }
      if (gg) {
        r[Slot.Value] = gammaGammaConditionalExpectedValue(gg, x, zbar ?? 0);
        r[Slot.Clv] = r[Slot.Value]! * pa * k.discounted(x, T, v);
        r[Slot.Priority] = riskPriority(r[Slot.Clv]!, r[Slot.PLapse]!);
      }
      return Number.isFinite(r[Slot.PAlive]!) && Number.isFinite(r[Slot.Expected]!) ? null : 'scoring produced a non-finite value';
    } catch (e) {
      return `scoring failed: ${(e as Error).message}`;
    }
  };
  return {
    score(c) {
      const error = compute(c.x, c.tx, c.T, c.zbar);
      if (error) return { pAlive: Number.NaN, expected: Number.NaN, pLapse: Number.NaN, error };
      const out: CustomerScore = { pAlive: r[Slot.PAlive]!, expected: r[Slot.Expected]!, pLapse: r[Slot.PLapse]! };
      if (th) {
        out.rankValue = r[Slot.Rank]!;
        out.level = LEVEL_OF_CODE[r[Slot.Level]!]!;
      }
      if (gg) {
        out.expectedValue = r[Slot.Value]!;
        out.clv = r[Slot.Clv]!;
        out.priority = r[Slot.Priority]!;
      }
      return out;
    },
    scoreColumns(cols) {
      const n = cols.n;
      const nan = (): Float64Array => new Float64Array(n);
      const out: ColumnScores = { pAlive: nan(), expected: nan(), pLapse: nan(), failures: [] };
      const withValue = gg !== undefined && cols.zbar !== undefined;
      if (th) {
        out.rankValue = nan();
        out.level = new Uint8Array(n);
      }
      if (withValue) {
        out.expectedValue = nan();
        out.clv = nan();
        out.priority = nan();
      }
      for (let i = 0; i < n; i++) {
        const error = compute(cols.x[i]!, cols.tx[i]!, cols.T[i]!, withValue ? cols.zbar![i]! : undefined);
        if (error) {
          out.failures.push({ index: i, error });
          out.pAlive[i] = out.expected[i] = out.pLapse[i] = Number.NaN;
          if (out.level) out.level[i] = 255;
          continue;
        }
        out.pAlive[i] = r[Slot.PAlive]!;
        out.expected[i] = r[Slot.Expected]!;
        out.pLapse[i] = r[Slot.PLapse]!;
        if (out.rankValue && out.level) {
          out.rankValue[i] = r[Slot.Rank]!;
          out.level[i] = r[Slot.Level]!;
        }
        if (out.expectedValue && out.clv && out.priority) {
          out.expectedValue[i] = r[Slot.Value]!;
          out.clv[i] = r[Slot.Clv]!;
          out.priority[i] = r[Slot.Priority]!;
        }
      }
      return out;
    },
  };
}
