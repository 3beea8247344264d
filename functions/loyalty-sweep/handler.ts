/** loyalty-sweep (bulk-run Task): point expiry, grace ends and birthdays of who is due (daily), or every member's tier review (monthly), for one segment. */
import { EnvVar } from '../../shared/platform/config.js';
import { loyaltyDueSegment, loyaltySweepSegment } from '../../shared/loyalty/sweep.js';
import { loadLoyaltyConfig } from '../../shared/loyalty/config.js';
import { couponDeriver } from '../../shared/coupons/derive.js';
import { systemClock } from '../../shared/platform/ports.js';
import { publisherFrom, storesFrom } from '../../shared/platform/runtime/deps.js';
import { keyringCacheFrom } from '../../shared/platform/runtime/keyring.js';
import { taskFunction } from '../../shared/platform/runtime/task.js';

export const { build, handler } = taskFunction('loyalty-sweep', async (config) => {
  const { loyalty, customers } = storesFrom(config);
  const keyrings = keyringCacheFrom(config);
  const base = { store: loyalty, customers, publisher: publisherFrom(config), config: loadLoyaltyConfig(config[EnvVar.loyaltyConfig]), clock: systemClock };
  await keyrings.get();
  // The daily sweep reads only who is due; the monthly tier review walks every member.
  return async (task, budget) => {
    const deps = { ...base, coupons: couponDeriver((await keyrings.get()).current) };
    return task.job === 'daily-sweep' ? loyaltyDueSegment(deps, task, budget) : loyaltySweepSegment(deps, task, { pageSize: 500, ...budget });
  };
});
