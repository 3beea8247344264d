export * from './code.js';
export * from './redeem.js';
