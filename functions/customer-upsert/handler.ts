/** customer-upsert: profiles, last writer by occurredAt, honouring the hashed suppression list. */
import { upsertCustomer } from '../../shared/customers/upsert.js';
import { sqsFunction } from '../../shared/platform/runtime/consumer.js';
import { storesFrom } from '../../shared/platform/runtime/deps.js';

export const { build, handler } = sqsFunction('customer-upsert', (config) => {
  const { customers, suppression } = storesFrom(config);
  return (event) => upsertCustomer({ customers, suppression }, event.detail);
});
