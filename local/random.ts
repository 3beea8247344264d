/**
 * Small seeded PRNG (sfc32) with the distributions the demo shop needs. Deterministic for a
 * seed on every platform: only integer ops and Math.log/sqrt/cos, no Math.random.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  uniform(min: number, max: number): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  normal(mean?: number, sd?: number): number;
  exponential(rate: number): number;
  /** Gamma with shape k and scale θ (mean kθ). */
  gamma(shape: number, scale?: number): number;
  beta(a: number, b: number): number;
  poisson(mean: number): number;
  pick<T>(items: readonly T[]): T;
  /** Picks by relative weight. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T;
}

export function createRandom(seed: number): Random {
  // sfc32 state from a splitmix32-expanded seed, so nearby seeds give unrelated streams.
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next(); // warm-up recommended for sfc32

  const normal = (mean = 0, sd = 1): number => {
    // Box–Muller; 1 − u keeps the log argument in (0, 1].
    const u = 1 - next();
    const v = next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };

  const gamma = (shape: number, scale = 1): number => {
    if (shape <= 0 || scale <= 0) throw new RangeError('gamma needs shape > 0 and scale > 0');
    if (shape < 1) {
      // Boost: Gamma(k) = Gamma(k + 1) · U^(1/k).
      return gamma(shape + 1, scale) * Math.pow(1 - next(), 1 / shape);
    }
    // Marsaglia & Tsang (2000).
    const d3 = shape - 1 / 3;
    const c3 = 1 / Math.sqrt(9 * d3);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + c3 * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - next();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d3 * (1 - v + Math.log(v))) {
        return d3 * v * scale;
      }
    }
  };

  const random: Random = {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    normal,
    exponential: (rate) => -Math.log(1 - next()) / rate,
    gamma,
    beta: (alpha, beta) => {
      const x = gamma(alpha);
      return x / (x + gamma(beta));
    },
    poisson: (mean) => {
      if (mean > 50) return Math.max(0, Math.round(normal(mean, Math.sqrt(mean))));
      // Knuth: fine for the small means used here.
      const limit = Math.exp(-mean);
      let k = 0;
      let p = next();
      while (p > limit) {
        k++;
        p *= next();
      }
      return k;
    },
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
    weighted: (items) => {
      const total = items.reduce((sum, [, weight]) => sum + weight, 0);
      let r = next() * total;
      for (const [item, weight] of items) {
        r -= weight;
        if (r < 0) return item;
      }
      const last = items[items.length - 1];
      if (!last) throw new RangeError('weighted pick from an empty list');
      return last[0];
    },
  };
  return random;
}
