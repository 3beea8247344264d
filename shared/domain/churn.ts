/**
 * Churn v0, a rule: a customer is at risk when the days since their last purchase exceed a
 * multiple of their own buying cycle, or, for one-time buyers, of the store's typical gap
 * between purchases. Transitions are decided here; the sweep writes and emits them.
 */
import type { CustomerRiskChanged, RiskLevel, RiskMethod } from '../contracts/events.js';
import type { CustomerRecord, RiskState } from './customer.js';
import { purchaseStats } from './orders.js';

export interface ChurnRule {
  atRiskMultiple: number;
  churnedMultiple: number;
  /** Used for one-time buyers until store statistics exist. */
  defaultGapDays: number;
}

export interface StoreStats {
  /** Median gap between purchase days over repeat customers. */
  typicalGapDays?: number;
}

export interface RiskAssessment {
  level: RiskLevel;
  method: RiskMethod;
  daysSinceLastOrder: number;
  referenceGapDays: number;
  lastOrderDay: string;
}

export function assessRisk(customer: CustomerRecord, stats: StoreStats, rule: ChurnRule, now: Date): RiskAssessment | null {
  const p = purchaseStats(customer.summary, now);
  if (!p || !customer.summary.lastDay) return null;
  const gap = p.cycleDays ?? stats.typicalGapDays ?? rule.defaultGapDays;
  // A cycle of same-week repeat buys would make everyone overdue within days; one day is the floor.
  const reference = Math.max(1, gap);
  const ratio = p.daysSinceLastOrder / reference;
  const level: RiskLevel = ratio > rule.churnedMultiple ? 'churned' : ratio > rule.atRiskMultiple ? 'at-risk' : 'active';
  return {
    level,
    method: 'rule',
    daysSinceLastOrder: Math.floor(p.daysSinceLastOrder),
    referenceGapDays: reference,
    lastOrderDay: customer.summary.lastDay,
  };
}

export type RiskDecision = { kind: 'unchanged' } | { kind: 'transition'; risk: RiskState; event: CustomerRiskChanged };

export function decideRisk(customer: CustomerRecord, a: RiskAssessment, runKey: string, now: Date): RiskDecision {
  const current = customer.risk;
  if (current && current.level === a.level && current.method === a.method) return { kind: 'unchanged' };
  const risk: RiskState = { level: a.level, method: a.method, since: now.toISOString(), lastOrderDay: a.lastOrderDay };
  return {
    kind: 'transition',
    risk,
    event: {
      customerId: customer.customerId,
      from: current?.level ?? null,
      to: a.level,
      method: a.method,
      daysSinceLastOrder: a.daysSinceLastOrder,
      lastOrderDay: a.lastOrderDay,
      runKey,
      occurredAt: now.toISOString(),
    },
  };
}

/** Median of repeat customers' buying cycles, for one-time buyers' reference gap. */
export function typicalGap(cycles: number[]): number | undefined {
  if (cycles.length === 0) return undefined;
  const sorted = [...cycles].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
