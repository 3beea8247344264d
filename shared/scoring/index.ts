// Public API of the customer-scoring core (pure TypeScript, no I/O, no AWS).
export * from './special.js';
export * from './hyp2f1.js';
export * from './columns.js';
export * from './bgnbd.js';
export * from './bgnbd-likelihood.js';
export * from './pareto-nbd.js';
export * from './pareto-nbd-grad.js';
export * from './gamma-gamma.js';
export * from './optimize.js';
export * from './newton.js';
export * from './fit.js';
export * from './clv.js';
export * from './score.js';
export * from './rfm.js';
export * from './risk.js';
export * from './csv.js';
export * from './simulate.js';
