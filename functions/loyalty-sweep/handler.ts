/** loyalty-sweep: tier reviews, point expiry and birthday rewards for one scan segment. */
import { randomBytes } from 'node:crypto';
import { EnvVar } from '../../shared/platform/config.js';
import { loyaltySweepSegment } from '../../shared/loyalty/sweep.js';
import { loadLoyaltyConfig } from '../../shared/loyalty/config.js';
import { systemClock } from '../../shared/platform/ports.js';
import { sqsFunction } from '../../shared/platform/runtime/consumer.js';
import { publisherFrom, storesFrom } from '../../shared/platform/runtime/deps.js';

// Leave time to publish the continuation before Lambda's timeout.
const YIELD_BELOW_MS = 30_000;

export const { build, handler } = sqsFunction('loyalty-sweep', (config) => {
  const { loyalty, customers } = storesFrom(config);
  const deps = { store: loyalty, customers, publisher: publisherFrom(config), config: loadLoyaltyConfig(config[EnvVar.loyaltyConfig]), clock: systemClock, randomBytes };
  return (event, context) => loyaltySweepSegment(deps, event.detail, { pageSize: 500, shouldYield: () => context.getRemainingTimeInMillis() < YIELD_BELOW_MS });
});
