import { FunctionName } from '../../shared/platform/contracts/routing.js';
import type { OrderEvent } from '../../shared/platform/contracts/events.js';
import { handleOrderEvent } from '../../shared/orders/ingest.js';
import { systemClock } from '../../shared/platform/ports.js';
import { sqsConsumer } from '../../shared/platform/runtime/consumer.js';
import { storeFromEnv } from '../../shared/platform/runtime/deps.js';

const store = storeFromEnv();

export const handler = sqsConsumer(FunctionName.OrderEvents, (event) => handleOrderEvent(store, event as OrderEvent, systemClock));
