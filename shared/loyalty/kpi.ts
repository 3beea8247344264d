/** A tier change as the shop's KPI counters see it: an upgrade or a downgrade on the day it took
 * effect, committed with the loyalty state that records it (its version guard makes a repeat
 * count nothing). A new member starts at the base tier: reaching a higher one at once is an upgrade. */
import { KPI, deltaFor, type KpiDelta } from '../platform/table/counters.js';
import { utcDay } from '../platform/time.js';
import type { LoyaltyConfig } from './config.js';
import type { LoyaltyState } from './state.js';

export function tierKpi(customerId: string, before: LoyaltyState | undefined, after: LoyaltyState, config: Pick<LoyaltyConfig, 'tiers'>): KpiDelta | undefined {
  const rank = (tier: string) => config.tiers.findIndex((t) => t.id === tier);
  const from = before ? rank(before.tier) : 0;
  const to = rank(after.tier);
  if (from < 0 || to < 0 || from === to) return undefined;
  return deltaFor(customerId, utcDay(after.tierSince), { [to > from ? KPI.upgraded : KPI.downgraded]: 1 });
}

/** The commit's `kpi` field, absent when the tier stays. */
export function withTierKpi(customerId: string, before: LoyaltyState | undefined, after: LoyaltyState, config: Pick<LoyaltyConfig, 'tiers'>): { kpi?: KpiDelta } {
  const kpi = tierKpi(customerId, before, after, config);
  return kpi ? { kpi } : {};
}
