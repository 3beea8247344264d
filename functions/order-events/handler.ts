import { FunctionName } from '../../shared/contracts/routing.js';
import type { OrderEvent } from '../../shared/contracts/events.js';
import { handleOrderEvent } from '../../shared/app/ingest.js';
import { systemClock } from '../../shared/ports.js';
import { sqsConsumer } from '../../shared/runtime/consumer.js';
import { storeFromEnv } from '../../shared/runtime/deps.js';

const store = storeFromEnv();

export const handler = sqsConsumer(FunctionName.OrderEvents, (event) => handleOrderEvent(store, event as OrderEvent, systemClock));
