import { FunctionName } from '../../shared/contracts/routing.js';
import type { OrderEvent } from '../../shared/contracts/events.js';
import { ingestOrderEvent } from '../../shared/app/ingest.js';
import { sqsConsumer } from '../../shared/runtime/consumer.js';
import { storeFromEnv } from '../../shared/runtime/deps.js';

const store = storeFromEnv();

export const handler = sqsConsumer(FunctionName.OrderEvents, (event) => ingestOrderEvent(store, event as OrderEvent));
