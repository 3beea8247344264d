export * from './code.js';
export * from './redeem.js';
export * from './issue.js';
