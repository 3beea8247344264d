// Seeded simulation of the models' generative processes, for tests and benchmarks.
import type { Columns } from './columns.js';
import type { BgNbdParams } from './bgnbd.js';
import type { ParetoNbdParams } from './pareto-nbd.js';
import type { GammaGammaParams } from './gamma-gamma.js';

export type Rng = () => number;

/** xoshiro128** seeded through splitmix32: fast, 2^128 period, reproducible across platforms. */
export function makeRng(seed: number): Rng {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split(), b = split(), c = split(), d = split();
  return () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = rotl(d, 11);
    // (0, 1): never exactly 0, so −log(u) is finite.
    return (result + 0.5) / 4294967296;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(rng())) * Math.cos(2 * Math.PI * rng());
}

/** Gamma(shape, rate) by Marsaglia & Tsang; shape < 1 via the U^(1/shape) boost. */
export function gamma(rng: Rng, shape: number, rate: number): number {
  if (shape < 1) return gamma(rng, shape + 1, rate) * Math.pow(rng(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate;
  }
}

export function beta(rng: Rng, a: number, b: number): number {
  const x = gamma(rng, a, 1);
  return x / (x + gamma(rng, b, 1));
}

export interface SimOptions {
  /** Observation length per customer; default uniform on [minT, maxT]. */
  T?: (rng: Rng) => number;
  minT?: number;
  maxT?: number;
  /** Rounds t_x and T like real data (e.g. whole days expressed in weeks). */
  round?: (t: number) => number;
}

/** Whole days expressed in weeks with 2 decimals — how the CDNOW summaries are stored. */
export const roundToDayWeeks = (t: number): number => Math.round(Math.round(t * 7) / 7 * 100) / 100;

function emptyColumns(n: number): Columns {
  return { n, x: new Float64Array(n), tx: new Float64Array(n), T: new Float64Array(n), w: new Float64Array(n).fill(1) };
}

function drawT(rng: Rng, o: SimOptions): number {
  return o.T ? o.T(rng) : (o.minT ?? 30) + rng() * ((o.maxT ?? 39) - (o.minT ?? 30));
}

function store(cols: Columns, i: number, x: number, tx: number, T: number, o: SimOptions): void {
  const rT = o.round ? o.round(T) : T;
  let rtx = o.round ? o.round(tx) : tx;
  if (x > 0 && rtx <= 0) rtx = Math.min(o.round ? o.round(1 / 7) : tx, rT);
  cols.x[i] = x;
  cols.tx[i] = Math.min(rtx, rT);
  cols.T[i] = rT;
}

/** BG/NBD: Poisson(λ) purchases; after each repeat purchase the customer dies with probability p. */
export function simulateBgNbd(p: BgNbdParams, n: number, rng: Rng, o: SimOptions = {}): Columns {
  return simulateBetaGeo(p, n, rng, o, false);
}

/** MBG/NBD: as BG/NBD, but the customer may also die right at the first purchase. */
export function simulateMbgNbd(p: BgNbdParams, n: number, rng: Rng, o: SimOptions = {}): Columns {
  return simulateBetaGeo(p, n, rng, o, true);
}

function simulateBetaGeo(p: BgNbdParams, n: number, rng: Rng, o: SimOptions, dropAtFirst: boolean): Columns {
  const cols = emptyColumns(n);
  for (let i = 0; i < n; i++) {
    const T = drawT(rng, o);
    const lambda = gamma(rng, p.r, p.alpha);
    const drop = beta(rng, p.a, p.b);
    let t = 0, x = 0, tx = 0;
    let alive = !dropAtFirst || rng() >= drop;
    while (alive) {
      t += -Math.log(rng()) / lambda;
      if (t > T) break;
      x++;
      tx = t;
      alive = rng() >= drop;
    }
    store(cols, i, x, tx, T, o);
  }
  return cols;
}

/** Pareto/NBD: Poisson(λ) purchases until an Exponential(μ) lifetime ends. */
export function simulateParetoNbd(p: ParetoNbdParams, n: number, rng: Rng, o: SimOptions = {}): Columns {
  const cols = emptyColumns(n);
  for (let i = 0; i < n; i++) {
    const T = drawT(rng, o);
    const lambda = gamma(rng, p.r, p.alpha);
    const mu = gamma(rng, p.s, p.beta);
    const end = Math.min(-Math.log(rng()) / mu, T);
    let t = 0, x = 0, tx = 0;
    for (;;) {
      t += -Math.log(rng()) / lambda;
      if (t > end) break;
      x++;
      tx = t;
    }
    store(cols, i, x, tx, T, o);
  }
  return cols;
}

/** Gamma-Gamma: adds zbar = mean of x Gamma(p, ν) values, ν ~ Gamma(q, v); 0 when x = 0. */
export function addGammaGammaSpend(g: GammaGammaParams, cols: Columns, rng: Rng): Columns {
  const zbar = new Float64Array(cols.n);
  for (let i = 0; i < cols.n; i++) {
    const x = cols.x[i]!;
    if (x === 0) continue;
    const nu = gamma(rng, g.q, g.v);
    // The sum of x Gamma(p, ν) draws is Gamma(px, ν).
    zbar[i] = gamma(rng, g.p * x, nu) / x;
  }
  cols.zbar = zbar;
  return cols;
}
