// Special functions used by the likelihoods. Pure TypeScript so the scoring core runs anywhere
// (Lambda, CLI, browser) without native add-ons.

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln|Γ(x)|. Lanczos (g=7) for x ≥ 0.5, reflection below; ~1e-15 relative accuracy. */
export function lgamma(x: number): number {
  if (x < 0.5) {
    // Reflection keeps accuracy for small/negative arguments where Lanczos degrades.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  }
  if (x > 1e7) {
    // Stirling is exact to double precision here and avoids overflow in the Lanczos power.
    return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + 1 / (12 * x);
  }
  const z = x - 1;
  let s = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS_G + 2; i++) s += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Sign of Γ(x) (Γ has no zeros; poles at non-positive integers return NaN). */
export function gammaSign(x: number): number {
  if (x > 0) return 1;
  if (Number.isInteger(x)) return Number.NaN;
  return Math.floor(x) % 2 === 0 ? 1 : -1;
}

/** 1/Γ(x), exactly 0 at the poles — what the analytic-continuation formulas need. */
export function rgamma(x: number): number {
  if (x <= 0 && Number.isInteger(x)) return 0;
  return gammaSign(x) * Math.exp(-lgamma(x));
}

/** Digamma ψ(x): recurrence up to x ≥ 10, then the asymptotic series (truncation < 1e-16). */
export function digamma(x: number): number {
  let result = 0;
  if (x <= 0) {
    if (Number.isInteger(x)) return Number.NaN;
    // Reflection: ψ(1−x) − ψ(x) = π cot(πx)
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  }
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  const series =
    f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132 - f * (691 / 32760 - f / 12))))));
  return result + Math.log(x) - 0.5 / x - series;
}

/** Trigamma ψ′(x) for x > 0: recurrence up to x ≥ 10, then the asymptotic series (truncation < 1e-16). */
export function trigamma(x: number): number {
  let result = 0;
  while (x < 10) {
    result += 1 / (x * x);
    x += 1;
  }
  const f = 1 / (x * x);
  // 1/x + 1/(2x²) + Σ B_{2k}/x^{2k+1}
  const series = (1 + f * (1 / 6 - f * (1 / 30 - f * (1 / 42 - f * (1 / 30 - f * (5 / 66 - f * (691 / 2730 - f * (7 / 6)))))))) / x;
  return result + series + 0.5 * f;
}

/** log(exp(a) + exp(b)) without overflow. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** log(exp(a) − exp(b)) for a ≥ b; −Infinity when equal. */
export function logSubExp(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (b >= a) return -Infinity;
  return a + Math.log(-Math.expm1(b - a));
}
