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
 * `expectedDistinct` (e.g. from estimateDistinctTriples) sizes the hash table: a table that fits
 * in cache is much faster than one sized for all rows; it grows if the guess was low.
 */
export function compressTriples(cols: Columns, expectedDistinct = cols.n): Columns {
  const n = cols.n;
  let cap = 16;
  while (cap < 2 * Math.min(Math.max(expectedDistinct, 8), n)) cap <<= 1;
  let mask = cap - 1;
  let slots = new Int32Array(cap).fill(-1);
  let size = Math.min(n, Math.max(16, Math.ceil(1.25 * expectedDistinct)));
  let ux: Float64Array = new Float64Array(size), utx: Float64Array = new Float64Array(size);
  let uT: Float64Array = new Float64Array(size), uw: Float64Array = new Float64Array(size);
  let uh = new Int32Array(size);
  let u = 0;
  const { x, tx, T, w } = cols;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const txi = tx[i]!;
    const Ti = T[i]!;
    const hash = mixDouble(mixDouble(mixDouble(0x2545f491, xi), txi), Ti);
    let h = hash & mask;
    for (;;) {
      const s = slots[h]!;
      if (s < 0) {
        if (u === size) {
          size = Math.min(n, 2 * size);
          const grow = (a: Float64Array): Float64Array => { const b = new Float64Array(size); b.set(a); return b; };
          ux = grow(ux); utx = grow(utx); uT = grow(uT); uw = grow(uw);
          const nh = new Int32Array(size); nh.set(uh); uh = nh;
        }
        ux[u] = xi;
        utx[u] = txi;
        uT[u] = Ti;
        uw[u] = w[i]!;
        uh[u] = hash;
        slots[h] = u++;
        if (2 * u > cap) {
          // Rehash into a table twice as large (stored hashes, no re-mixing).
          cap <<= 1;
          mask = cap - 1;
          slots = new Int32Array(cap).fill(-1);
          for (let j = 0; j < u; j++) {
            let k = uh[j]! & mask;
            while (slots[k]! >= 0) k = (k + 1) & mask;
            slots[k] = j;
          }
        }
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

/** murmur3 finaliser: full avalanche, so the top bits of the triple hash are usable by HyperLogLog. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const HLL_BITS = 12;

/**
 * Approximate number of distinct (x, t_x, T) triples: HyperLogLog with 4096 registers (≈1.6%
 * standard error), one streaming pass, no large table. Decides whether merging pays off.
 */
export function estimateDistinctTriples(cols: Columns): number {
  const m = 1 << HLL_BITS;
  const reg = new Uint8Array(m);
  const { x, tx, T } = cols;
  for (let i = 0; i < cols.n; i++) {
    const h = fmix32(mixDouble(mixDouble(mixDouble(0x2545f491, x[i]!), tx[i]!), T[i]!));
    const j = h >>> (32 - HLL_BITS);
    const rank = Math.clz32((h << HLL_BITS) | (1 << (HLL_BITS - 1))) + 1;
    if (rank > reg[j]!) reg[j] = rank;
  }
  let sum = 0, zeros = 0;
  for (let j = 0; j < m; j++) {
    sum += 2 ** -reg[j]!;
    if (reg[j] === 0) zeros++;
  }
  const est = ((0.7213 / (1 + 1.079 / m)) * m * m) / sum;
  // Small-range correction (linear counting) while many registers are still empty.
  return est <= 2.5 * m && zeros > 0 ? m * Math.log(m / zeros) : est;
}

/** Rows below which merging is always done: it is cheap and the estimate is not worth it. */
const ALWAYS_MERGE_BELOW = 50_000;

/**
 * compressTriples when it pays: merging costs about as much as several likelihood passes over
 * all-distinct data and saves nothing there, so it is skipped when fewer than `minSaving` of the
 * rows would merge (by the HyperLogLog estimate). Exactness is unaffected either way.
 */
export function compressTriplesIfRepeated(cols: Columns, minSaving = 0.2): Columns {
  if (cols.n < ALWAYS_MERGE_BELOW) return compressTriples(cols);
  const est = estimateDistinctTriples(cols);
  if (est <= (1 - minSaving) * cols.n) return compressTriples(cols, est);
  return { n: cols.n, x: cols.x, tx: cols.tx, T: cols.T, w: cols.w };
}

/** m rows drawn uniformly with replacement (deterministic seed), weights kept; for start values. */
export function sampleRows(cols: Columns, m: number, seed = 0x5eed): Columns {
  const out: Columns = { n: m, x: new Float64Array(m), tx: new Float64Array(m), T: new Float64Array(m), w: new Float64Array(m) };
  let s = seed >>> 0;
  for (let j = 0; j < m; j++) {
    s = (s + 0x9e3779b9) >>> 0;
    const i = Math.floor((fmix32(s) / 4294967296) * cols.n);
    out.x[j] = cols.x[i]!;
    out.tx[j] = cols.tx[i]!;
    out.T[j] = cols.T[i]!;
    out.w[j] = cols.w[i]!;
  }
  return out;
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
