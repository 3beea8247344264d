/**
 * The distributions the demo shop needs, on the project's seeded generator (xoshiro128**,
 * shared/scoring/simulate.ts). Deterministic for a seed on every platform; no Math.random.
 */
import { beta as sampleBeta, gamma as sampleGamma, makeRng, normal as stdNormal } from '../shared/scoring/simulate.js';

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
  // One seeded generator and one set of samplers in the project: those the model simulations use.
  const next = makeRng(seed);
  const normal = (mean = 0, sd = 1): number => mean + sd * stdNormal(next);
  const gamma = (shape: number, scale = 1): number => {
    if (shape <= 0 || scale <= 0) throw new RangeError('gamma needs shape > 0 and scale > 0');
    return sampleGamma(next, shape, 1 / scale);
  };

  const random: Random = {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    normal,
    exponential: (rate) => -Math.log(1 - next()) / rate,
    gamma,
    beta: (a, b) => sampleBeta(next, a, b),
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
