// Per-purchase-count interpolation tables for scoring many customers with distinct histories.
// Every expensive scoring quantity (a 2F1, a quadrature, a sum over CLV periods) is a smooth
// function of one time variable for a fixed purchase count x, and x takes few values. A Chebyshev
// interpolant in ln(shift + t) per x is checked against direct evaluation between its nodes when
// built; if it cannot reach the tolerance, that x is evaluated directly. So results are exact to
// the tolerance on any data — nothing depends on histories repeating.

/** Nodes per piece; the piece count doubles until every piece meets the tolerance. */
const NODES = 16;
const MAX_PIECES = 64;

/** Piecewise Chebyshev interpolant of f on t ∈ [0, tMax] in v = ln(shift + t), equal pieces in v. */
export class LogChebyshev {
  private readonly width: number;

  private constructor(private readonly coef: Float64Array, private readonly lo: number, hi: number, private readonly pieces: number, readonly tMax: number) {
    this.width = (hi - lo) / pieces;
  }

  /** Null when f is not finite at a node or 64 pieces do not reach the tolerance. */
  static fit(f: (t: number) => number, shift: number, tMax: number, tol: number): LogChebyshev | null {
    const lo = Math.log(shift), hi = Math.log(shift + tMax);
    const at = (v: number): number => f(Math.min(Math.max(Math.exp(v) - shift, 0), tMax));
    for (let pieces = 1; pieces <= MAX_PIECES; pieces *= 2) {
      const w = (hi - lo) / pieces;
      const coef = new Float64Array(pieces * NODES);
      let scale = 0;
      for (let k = 0; k < pieces; k++) {
        const values = new Float64Array(NODES);
        for (let i = 0; i < NODES; i++) {
          values[i] = at(lo + w * (k + 0.5 + 0.5 * Math.cos((Math.PI * (i + 0.5)) / NODES)));
          if (!Number.isFinite(values[i]!)) return null;
          scale = Math.max(scale, Math.abs(values[i]!));
        }
        for (let j = 0; j < NODES; j++) {
          let sum = 0;
          for (let i = 0; i < NODES; i++) sum += values[i]! * Math.cos((Math.PI * j * (i + 0.5)) / NODES);
          coef[k * NODES + j] = ((j === 0 ? 1 : 2) / NODES) * sum;
        }
      }
      const table = new LogChebyshev(coef, lo, hi, pieces, tMax);
      if (table.accurate(at, tol, scale)) return table;
    }
    return null;
  }

  /** Checks the points halfway between nodes (and the ends) of every piece, where the error peaks. */
  private accurate(at: (v: number) => number, tol: number, scale: number): boolean {
    for (let k = 0; k < this.pieces; k++) {
      for (let i = 0; i <= NODES; i++) {
        const v = this.lo + this.width * (k + 0.5 + 0.5 * Math.cos((Math.PI * i) / NODES));
        const want = at(v);
        if (!(Math.abs(this.atV(v) - want) <= tol * Math.max(Math.abs(want), 1e-6 * scale))) return false;
      }
    }
    return true;
  }

  /** The interpolant at v = ln(shift + t) (callers evaluating several tables share v). */
  atV(v: number): number {
    let k = Math.floor((v - this.lo) / this.width);
    if (k < 0) k = 0;
    else if (k >= this.pieces) k = this.pieces - 1;
    const y = (2 * (v - this.lo)) / this.width - 2 * k - 1;
    const c = this.coef;
    const base = k * NODES;
    let b1 = 0, b2 = 0;
    for (let j = NODES - 1; j >= 1; j--) {
      const b0 = 2 * y * b1 - b2 + c[base + j]!;
      b2 = b1;
      b1 = b0;
    }
    return y * b1 - b2 + c[base]!;
  }
}

export interface PerXOptions {
  /** Relative tolerance of the tables. Default 1e-10. */
  tol?: number;
  /** Direct evaluations of an x before its table is built (rare x are not worth a table). Default 48. */
  minHits?: number;
  /** Initial table range [0, tMax]; doubled when a larger t shows up. Default 104. */
  tMax?: number;
}

interface Slot {
  hits: number;
  table: LogChebyshev | null;
  /** No table can meet the tolerance here: always evaluate directly. */
  direct: boolean;
}

/** f(x, t) for integer x ≥ 0 and t ≥ 0, tabulated per x once an x is used often enough. */
export class PerXTable {
  private readonly slots: Slot[] = [];
  private readonly tol: number;
  private readonly minHits: number;
  private readonly tMax0: number;

  constructor(private readonly f: (x: number, t: number) => number, private readonly shift: number, opts: PerXOptions = {}) {
    this.tol = opts.tol ?? 1e-10;
    this.minHits = opts.minHits ?? 48;
    this.tMax0 = opts.tMax ?? 104;
  }

  /** f(x, t); `v` must be ln(shift + t) (computed once per customer for all tables sharing a shift). */
  value(x: number, t: number, v: number): number {
    const slot = this.slots[x] ?? (this.slots[x] = { hits: 0, table: null, direct: false });
    const table = slot.table;
    if (table && t <= table.tMax) return table.atV(v);
    if (!slot.direct && ++slot.hits >= this.minHits) {
      const tMax = Math.max(this.tMax0, 2 * t, table ? 2 * table.tMax : 0);
      slot.table = LogChebyshev.fit((u) => this.f(x, u), this.shift, tMax, this.tol);
      slot.direct = slot.table === null;
      if (slot.table) return slot.table.atV(v);
    }
    return this.f(x, t);
  }
}
