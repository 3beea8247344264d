import { describe, it, expect } from 'vitest';
import {
  gammaGammaLogLikelihoodOne, gammaGammaLogLikelihoodGrad, gammaGammaConditionalExpectedValue, spendColumns,
} from '../../../shared/scoring/gamma-gamma.js';
import { lgamma } from '../../../shared/scoring/special.js';
import { fitModel } from '../../../shared/scoring/fit.js';
import { makeRng, simulateBgNbd, addGammaGammaSpend } from '../../../shared/scoring/simulate.js';

const G = { p: 6.25, q: 3.74, v: 15.44 };

describe('gamma-gamma', () => {
  it('for x = 1 reduces to the compound gamma density of a single value', () => {
    // given x = 1, zbar = z: f(z) = Γ(p+q)/(Γ(p)Γ(q)) v^q z^(p−1) / (v+z)^(p+q)
    const z = 20;
    const direct = lgamma(G.p + G.q) - lgamma(G.p) - lgamma(G.q) + G.q * Math.log(G.v) + (G.p - 1) * Math.log(z) - (G.p + G.q) * Math.log(G.v + z);
    expect(gammaGammaLogLikelihoodOne(G, 1, z)).toBeCloseTo(direct, 12);
  });

  it('shrinks the observed mean towards the population mean pv/(q−1)', () => {
    const population = (G.p * G.v) / (G.q - 1);
    expect(gammaGammaConditionalExpectedValue(G, 0, 0)).toBeCloseTo(population, 12);
    const e = gammaGammaConditionalExpectedValue(G, 3, 100);
    expect(e).toBeGreaterThan(population);
    expect(e).toBeLessThan(100);
    expect(e).toBeCloseTo((G.p * (G.v + 300)) / (3 * G.p + G.q - 1), 12);
  });

  it('has an analytic gradient matching central differences', () => {
    const cols = addGammaGammaSpend(G, simulateBgNbd({ r: 1, alpha: 3, a: 0.5, b: 3 }, 800, makeRng(1)), makeRng(2));
    const s = spendColumns(cols.x, cols.zbar!);
    const g = new Float64Array(3);
    gammaGammaLogLikelihoodGrad(G, s, g);
    (['p', 'q', 'v'] as const).forEach((k, i) => {
      const h = 1e-6 * G[k];
      const d = (gammaGammaLogLikelihoodGrad({ ...G, [k]: G[k] + h }, s, null) - gammaGammaLogLikelihoodGrad({ ...G, [k]: G[k] - h }, s, null)) / (2 * h);
      expect(Math.abs(g[i]! - d)).toBeLessThan(1e-5 * Math.max(1, Math.abs(d)));
    });
  });

  it('recovers simulated parameters within 15% and counts only customers with x > 0', () => {
    const cols = addGammaGammaSpend(G, simulateBgNbd({ r: 1.2, alpha: 3, a: 0.5, b: 3 }, 15000, makeRng(31), { minT: 39, maxT: 78 }), makeRng(32));
    const spenders = cols.x.filter((x) => x > 0).length;
    const fit = fitModel('gamma-gamma', cols);
    expect(fit.n).toBe(spenders);
    expect(fit.converged).toBe(true);
    for (const k of ['p', 'q', 'v'] as const) expect(Math.abs(fit.params[k] / G[k] - 1)).toBeLessThan(0.15);
  });
});
