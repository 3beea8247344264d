import { FunctionName } from '../../shared/contracts/routing.js';
import type { CustomerUpserted } from '../../shared/contracts/events.js';
import { upsertCustomer } from '../../shared/app/ingest.js';
import { sqsConsumer } from '../../shared/runtime/consumer.js';
import { storeFromEnv } from '../../shared/runtime/deps.js';

const store = storeFromEnv();

export const handler = sqsConsumer(FunctionName.CustomerUpsert, (event) => upsertCustomer(store, event.detail as CustomerUpserted));
