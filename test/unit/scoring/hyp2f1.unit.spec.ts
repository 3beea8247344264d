import { describe, it, expect } from 'vitest';
import { hyp2f1, hyp2f1Series } from '../../../shared/scoring/hyp2f1.js';
import { lgamma, digamma } from '../../../shared/scoring/special.js';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('special functions', () => {
  it('lgamma matches factorials and Γ(1/2) = √π', () => {
    // given known values, when evaluated, then they agree to ~1e-14
    expect(rel(lgamma(10), Math.log(362880))).toBeLessThan(1e-14);
    expect(rel(lgamma(0.5), 0.5 * Math.log(Math.PI))).toBeLessThan(1e-13);
    let viaRecurrence = lgamma(0.5);
    for (let k = 0; k < 150; k++) viaRecurrence += Math.log(k + 0.5);
    expect(rel(lgamma(150.5), viaRecurrence)).toBeLessThan(1e-13);
  });

  it('digamma matches ψ(1) = −γ and the recurrence ψ(x+1) = ψ(x) + 1/x', () => {
    expect(Math.abs(digamma(1) + 0.5772156649015329)).toBeLessThan(1e-14);
    for (const x of [0.01, 0.3, 2.5, 17]) expect(Math.abs(digamma(x + 1) - digamma(x) - 1 / x)).toBeLessThan(1e-12 * (1 + 1 / x));
  });
});

describe('hyp2f1', () => {
  it('equals −ln(1−z)/z for (1, 1; 2) across z < 1, including near 1 and very negative', () => {
    // given the closed form, when 2F1(1,1;2;z) is evaluated, then it matches to ~1e-12
    for (const z of [-50, -3, -0.9, -0.2, 1e-6, 0.3, 0.6, 0.8, 0.95, 0.999, 0.99999]) {
      expect(rel(hyp2f1(1, 1, 2, z), -Math.log1p(-z) / z)).toBeLessThan(1e-12);
    }
  });

  it('equals (1−z)^−a when b = c', () => {
    for (const [a, b, z] of [[0.7, 2.3, 0.5], [3.1, 0.4, -7], [12.5, 5.5, 0.97], [0.25, 1.5, 0.9]] as const) {
      expect(rel(hyp2f1(a, b, b, z), Math.pow(1 - z, -a))).toBeLessThan(1e-12);
    }
  });

  it('equals arcsin(√z)/√z·… identities: 2F1(1/2,1/2;3/2;z) = asin(√z)/√z and 2F1(1/2,1;3/2;−z²) = atan(z)/z', () => {
    for (const z of [0.1, 0.5, 0.9, 0.99]) expect(rel(hyp2f1(0.5, 0.5, 1.5, z), Math.asin(Math.sqrt(z)) / Math.sqrt(z))).toBeLessThan(1e-12);
    for (const z of [0.5, 2, 10]) expect(rel(hyp2f1(0.5, 1, 1.5, -z * z), Math.atan(z) / z)).toBeLessThan(1e-12);
  });

  it('the 1−z transformation agrees with the plain series near z = 1 (Pareto/NBD-like arguments)', () => {
    // given parameters typical of the Pareto/NBD A0 term, when z is close to 1,
    // then the transformed value and a brute-force series agree
    for (const [a, b] of [[3.2, 1.6], [10.4, 0.55], [1.3, 2.7]] as const) {
      const z = 0.97;
      expect(rel(hyp2f1(a, b, a + 1, z), hyp2f1Series(a, b, a + 1, z))).toBeLessThan(1e-11);
    }
  });

  it('rejects z ≥ 1 instead of returning garbage', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(/z < 1/);
  });
});
