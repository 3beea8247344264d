/** loyalty: points and tiers from order events; points redemption into coupons. */
import { randomBytes } from 'node:crypto';
import { EnvVar } from '../../shared/platform/config.js';
import { handleLoyaltyEvent } from '../../shared/loyalty/service.js';
import { loadLoyaltyConfig } from '../../shared/loyalty/config.js';
import { systemClock } from '../../shared/platform/ports.js';
import { sqsFunction } from '../../shared/platform/runtime/consumer.js';
import { publisherFrom, storesFrom } from '../../shared/platform/runtime/deps.js';

export const { build, handler } = sqsFunction('loyalty', (config) => {
  const deps = { store: storesFrom(config).loyalty, publisher: publisherFrom(config), config: loadLoyaltyConfig(config[EnvVar.loyaltyConfig]), clock: systemClock, randomBytes };
  return (event) => handleLoyaltyEvent(deps, event);
});
