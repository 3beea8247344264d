import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createScorer, historyError } from '../../../shared/scoring/scorer.js';
import { LogChebyshev, PerXTable } from '../../../shared/scoring/xtable.js';
import { conditionalExpected, pAlive, probNoPurchase, type CountModel } from '../../../shared/scoring/count-model.js';
import { customerLifetimeValue } from '../../../shared/scoring/clv.js';
import { gammaGammaConditionalExpectedValue } from '../../../shared/scoring/gamma-gamma.js';
import { levelOf } from '../../../shared/scoring/levels.js';
import { addGammaGammaSpend, makeRng, simulateBgNbd } from '../../../shared/scoring/simulate.js';

// Published CDNOW estimates (BG/NBD and Pareto/NBD: Fader, Hardie & Lee 2005; MBG/NBD: BTYDplus as
// asserted by lifetimes; Gamma-Gamma: Fader & Hardie 2013), used as realistic parameter values.
const MODELS: CountModel[] = [
  { model: 'bgnbd', params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 } },
  { model: 'mbgnbd', params: { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 } },
  { model: 'pareto-nbd', params: { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 } },
];
const GG = { p: 6.25, q: 3.74, v: 15.44 };
const H = 90 / 7;
const TH = { rankBy: 'expected' as const, horizon: 68 / 7, active: 0.2, atRisk: 0.08 };

/** Distinct (t_x, T): continuous times, nothing repeats. */
const cols = addGammaGammaSpend(GG, simulateBgNbd(MODELS[0]!.params as never, 3000, makeRng(8), { minT: 0, maxT: 104 }), makeRng(9));

describe('LogChebyshev', () => {
  it('interpolates a smooth function of ln(shift + t) to the tolerance, or refuses', () => {
    const f = (t: number): number => Math.log1p(t) / (3 + t) + Math.exp(-t / 20);
    const table = LogChebyshev.fit(f, 0.5, 200, 1e-11)!;
    const rng = makeRng(1);
    for (let i = 0; i < 2000; i++) {
      const t = 200 * rng();
      expect(Math.abs(table.atV(Math.log(0.5 + t)) - f(t))).toBeLessThan(1e-10 * Math.abs(f(t)));
    }
    expect(LogChebyshev.fit((t) => (t > 50 ? Number.NaN : t), 1, 100, 1e-10)).toBeNull();
    // a kink cannot be interpolated to 1e-10: the caller evaluates directly instead
    expect(LogChebyshev.fit((t) => Math.abs(t - 37.3), 1, 100, 1e-10)).toBeNull();
  });

  it('evaluates directly until an x is used often enough, and extends its range on demand', () => {
    let calls = 0;
    const t = new PerXTable((x, u) => (calls++, (x + 1) / (2 + u)), 2, { minHits: 3, tMax: 10 });
    const at = (x: number, u: number): number => t.value(x, u, Math.log(2 + u));
    at(1, 5);
    at(1, 6);
    expect(calls).toBe(2);
    expect(at(1, 7)).toBeCloseTo(2 / 9, 12);
    const built = calls;
    expect(at(1, 3)).toBeCloseTo(2 / 5, 12);
    expect(calls).toBe(built);
    expect(at(1, 500)).toBeCloseTo(2 / 502, 12);
  });
});

describe('createScorer', () => {
  for (const m of MODELS) {
    it(`${m.model}: per-customer and column scores equal the direct formulas on distinct histories`, () => {
      const scorer = createScorer(m, { horizon: H, gammaGamma: GG, thresholds: TH, tables: { minHits: 1 } });
      const col = scorer.scoreColumns(cols);
      expect(col.failures).toEqual([]);
      for (let i = 0; i < cols.n; i += 7) {
        const c = { x: cols.x[i]!, tx: cols.tx[i]!, T: cols.T[i]!, zbar: cols.zbar![i]! };
        const s = scorer.score(c);
        const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
        expect(rel(s.pAlive, pAlive(m, c.x, c.tx, c.T))).toBeLessThan(1e-9);
        expect(rel(s.expected, conditionalExpected(m, H, c.x, c.tx, c.T))).toBeLessThan(1e-9);
        expect(rel(s.pLapse, probNoPurchase(m, H, c.x, c.tx, c.T))).toBeLessThan(1e-9);
        const ez = gammaGammaConditionalExpectedValue(GG, c.x, c.zbar);
        expect(rel(s.clv!, customerLifetimeValue(ez, (t) => conditionalExpected(m, t, c.x, c.tx, c.T)))).toBeLessThan(1e-9);
        expect(s.level).toBe(levelOf(conditionalExpected(m, TH.horizon, c.x, c.tx, c.T), TH));
        expect(s.priority).toBeCloseTo(s.clv! * s.pLapse, 10);
        expect(col.expected[i]).toBe(s.expected);
        expect(col.clv![i]).toBe(s.clv);
        expect(['active', 'at-risk', 'churned'][col.level![i]!]).toBe(s.level);
      }
    });
  }

  it('reports an invalid history as a value, and the rest of a batch is still scored', () => {
    const scorer = createScorer(MODELS[2]!, { horizon: H });
    expect(scorer.score({ x: 2, tx: 9, T: 5 }).error).toMatch(/t_x must lie in \[0, T\]/);
    expect(scorer.score({ x: 1.5, tx: 1, T: 5 }).error).toMatch(/whole number/);
    expect(scorer.score({ x: 0, tx: 1, T: 5 }).error).toMatch(/t_x must be 0/);
    expect(historyError({ x: 1, tx: 1, T: Number.NaN })).toMatch(/T must be finite/);
    const bad = { n: 3, x: Float64Array.of(1, -1, 0), tx: Float64Array.of(1, 0, 0), T: Float64Array.of(2, 3, 4), w: Float64Array.of(1, 1, 1) };
    const out = scorer.scoreColumns(bad);
    expect(out.failures).toEqual([{ index: 1, error: 'x must be a whole number ≥ 0, got -1' }]);
    expect(Number.isFinite(out.pAlive[0]!) && Number.isFinite(out.pAlive[2]!)).toBe(true);
    expect(out.pAlive[1]).toBeNaN();
  });

  it('never fails on a valid history, whatever valid parameters a young shop produced', () => {
    const logUniform = (lo: number, hi: number) => fc.double({ min: Math.log(lo), max: Math.log(hi), noNaN: true }).map(Math.exp);
    const model = fc.oneof(
      fc.record({ r: logUniform(1e-3, 1e3), alpha: logUniform(1e-3, 1e4), s: logUniform(1e-3, 1e12), beta: logUniform(1e-3, 1e13) }).map((params) => ({ model: 'pareto-nbd', params }) as CountModel),
      fc.record({ r: logUniform(1e-3, 1e3), alpha: logUniform(1e-3, 1e4), a: logUniform(1e-3, 1e3), b: logUniform(1e-3, 1e3) }).map((params) => ({ model: 'mbgnbd', params }) as CountModel),
    );
    const history = fc.record({ x: fc.integer({ min: 0, max: 200 }), T: fc.integer({ min: 0, max: 3650 }), f: fc.double({ min: 0, max: 1, noNaN: true }) })
      .map(({ x, T, f }) => ({ x, T: T / 7, tx: x === 0 ? 0 : Math.round(f * T) / 7, zbar: 30 }));
    fc.assert(
      fc.property(model, fc.array(history, { minLength: 1, maxLength: 20 }), (m, hs) => {
        const scorer = createScorer(m, { horizon: H, gammaGamma: GG, thresholds: TH, tables: { minHits: 5 } });
        for (const h of hs) {
          const s = scorer.score(h);
          expect(s.error).toBeUndefined();
          expect(s.pAlive >= 0 && s.pAlive <= 1 && s.pLapse >= 0 && s.pLapse <= 1 + 1e-12).toBe(true);
          expect(Number.isFinite(s.expected) && Number.isFinite(s.clv!)).toBe(true);
        }
      }),
      { numRuns: 150, seed: 21 },
    );
  });
});
