// Shared check of the parameter-recovery tests: fit simulated data, expect a converged optimum
// whose every parameter lies within a relative tolerance of the truth it was simulated from.
import { expect } from 'vitest';
import { fitModel, type CountModelName, type ParamsByModel } from '../../../shared/scoring/fit.js';
import type { Columns } from '../../../shared/scoring/columns.js';

export function expectRecovered<M extends CountModelName>(model: M, cols: Columns, truth: ParamsByModel[M], tolerance: number): void {
  const fit = fitModel(model, cols);
  expect(fit.converged).toBe(true);
  expect(fit.gradNorm).toBeLessThanOrEqual(1e-6);
  const got = fit.params as unknown as Record<string, number>;
  for (const [k, v] of Object.entries(truth as unknown as Record<string, number>)) expect(Math.abs(got[k]! / v - 1)).toBeLessThan(tolerance);
}
