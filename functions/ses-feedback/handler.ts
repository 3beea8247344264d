import { FunctionName } from '../../shared/contracts/routing.js';
import type { SesEmailEvent } from '../../shared/contracts/events.js';
import { handleSesFeedback } from '../../shared/app/feedback.js';
import { sqsConsumer } from '../../shared/runtime/consumer.js';
import { storeFromEnv } from '../../shared/runtime/deps.js';
import { systemClock } from '../../shared/ports.js';

const deps = { store: storeFromEnv(), clock: systemClock };

export const handler = sqsConsumer(FunctionName.SesFeedback, (event) => handleSesFeedback(deps, event.detail as SesEmailEvent));
