/** loyalty: points and tiers from order events; points redemption into coupons. */
import { EnvVar } from '../../shared/platform/config.js';
import { handleLoyaltyEvent } from '../../shared/loyalty/service.js';
import { loadLoyaltyConfig } from '../../shared/loyalty/config.js';
import { couponDeriver } from '../../shared/coupons/derive.js';
import { systemClock } from '../../shared/platform/ports.js';
import { sqsFunction } from '../../shared/platform/runtime/consumer.js';
import { publisherFrom, storesFrom } from '../../shared/platform/runtime/deps.js';
import { keyringCacheFrom } from '../../shared/platform/runtime/keyring.js';

export const { build, handler } = sqsFunction('loyalty', async (config) => {
  // Re-read after its time limit: a rotation reaches warm containers (the event names the key used).
  const keyrings = keyringCacheFrom(config);
  const deps = { store: storesFrom(config).loyalty, publisher: publisherFrom(config), config: loadLoyaltyConfig(config[EnvVar.loyaltyConfig]), clock: systemClock };
  await keyrings.get();
  return async (event) => handleLoyaltyEvent({ ...deps, coupons: couponDeriver((await keyrings.get()).current) }, event);
});
