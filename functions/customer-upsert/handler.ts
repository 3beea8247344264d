import { FunctionName } from '../../shared/platform/contracts/routing.js';
import type { CustomerUpserted } from '../../shared/platform/contracts/events.js';
import { upsertCustomer } from '../../shared/orders/ingest.js';
import { sqsConsumer } from '../../shared/platform/runtime/consumer.js';
import { storeFromEnv } from '../../shared/platform/runtime/deps.js';

const store = storeFromEnv();

export const handler = sqsConsumer(FunctionName.CustomerUpsert, (event) => upsertCustomer(store, event.detail as CustomerUpserted));
