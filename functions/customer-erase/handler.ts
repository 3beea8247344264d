/** customer-erase: GDPR/PIPL erasure; the address hash stays on the suppression list. */
import { eraseCustomer } from '../../shared/privacy/erase.js';
import { systemClock } from '../../shared/platform/ports.js';
import { sqsFunction } from '../../shared/platform/runtime/consumer.js';
import { storesFrom } from '../../shared/platform/runtime/deps.js';
import { logger } from '../../shared/platform/runtime/logger.js';

export const { build, handler } = sqsFunction('customer-erase', (config) => {
  const { customers, suppression, erasure, orderOwners } = storesFrom(config);
  return async (event) => {
    const { customerId, requestId } = event.detail;
    const summary = await eraseCustomer({ customers, suppression, erasure, orderOwners }, customerId, systemClock());
    // Ids and counts only: the address is gone and must not reappear in the logs either.
    logger.info('customer erased', { customerId, requestId, ...summary });
    return summary;
  };
});
