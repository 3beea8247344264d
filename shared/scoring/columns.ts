// Columnar customer summaries: Float64Array columns keep the hot likelihood loops allocation-free.

/** One customer's calibration summary: x repeat purchases, last at t_x, observed for T (same time unit). */
export interface SummaryRow {
  customerId: string;
  x: number;
  tx: number;
  T: number;
  /** Mean value of the x repeat transactions (first excluded); absent or 0 when x = 0. */
  zbar?: number;
}

export interface Columns {
  n: number;
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  /** Multiplicity of each row (1 unless rows were merged by compressTriples). */
  w: Float64Array;
  zbar?: Float64Array;
}

export function toColumns(rows: readonly SummaryRow[]): Columns {
  const n = rows.length;
  const cols: Columns = {
    n,
    x: new Float64Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    w: new Float64Array(n).fill(1),
  };
  const hasZbar = rows.some((r) => r.zbar !== undefined);
  if (hasZbar) cols.zbar = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    cols.x[i] = r.x;
    cols.tx[i] = r.tx;
    cols.T[i] = r.T;
    if (cols.zbar) cols.zbar[i] = r.zbar ?? 0;
  }
  return cols;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function mixDouble(h: number, v: number): number {
  f64[0] = v;
  h = Math.imul(h ^ u32[0]!, 0x9e3779b1);
  h = Math.imul(h ^ u32[1]!, 0x85ebca6b);
  return h ^ (h >>> 15);
}

/**
 * Merge rows with identical (x, t_x, T) into one weighted row. The likelihood of identical
 * customers is identical, so this is exact and, on real data (times rounded to days), shrinks
 * the work of every likelihood evaluation several-fold. zbar is dropped (not part of the key).
 */
export function compressTriples(cols: Columns): Columns {
  const n = cols.n;
  let cap = 16;
  while (cap < 2 * n) cap <<= 1;
  const mask = cap - 1;
  const slots = new Int32Array(cap).fill(-1);
  const ux = new Float64Array(n);
  const utx = new Float64Array(n);
  const uT = new Float64Array(n);
  const uw = new Float64Array(n);
  let u = 0;
  const { x, tx, T, w } = cols;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const txi = tx[i]!;
    const Ti = T[i]!;
    let h = mixDouble(mixDouble(mixDouble(0x2545f491, xi), txi), Ti) & mask;
    for (;;) {
      const s = slots[h]!;
      if (s < 0) {
        slots[h] = u;
        ux[u] = xi;
        utx[u] = txi;
        uT[u] = Ti;
        uw[u] = w[i]!;
        u++;
        break;
      }
      if (ux[s] === xi && utx[s] === txi && uT[s] === Ti) {
        uw[s]! += w[i]!;
        break;
      }
      h = (h + 1) & mask;
    }
  }
  return { n: u, x: ux.slice(0, u), tx: utx.slice(0, u), T: uT.slice(0, u), w: uw.slice(0, u) };
}

export function totalWeight(cols: Columns): number {
  let s = 0;
  for (let i = 0; i < cols.n; i++) s += cols.w[i]!;
  return s;
}

export function maxX(cols: Columns): number {
  let m = 0;
  for (let i = 0; i < cols.n; i++) if (cols.x[i]! > m) m = cols.x[i]!;
  return m;
}

/**
 * Cache keyed by an integer purchase count and a time value. Scoring quantities that depend only
 * on (x, T) or (x, t_x) repeat heavily in real data, so memoising them is exact and cheap.
 */
export class PairCache {
  private readonly byX: (Map<number, number> | undefined)[] = [];
  get(x: number, t: number): number | undefined {
    return this.byX[x]?.get(t);
  }
  set(x: number, t: number, v: number): void {
    let m = this.byX[x];
    if (!m) {
      m = new Map();
      this.byX[x] = m;
    }
    m.set(t, v);
  }
}
