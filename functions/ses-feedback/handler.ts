import { FunctionName } from '../../shared/platform/contracts/routing.js';
import type { SesEmailEvent } from '../../shared/platform/contracts/events.js';
import { handleSesFeedback } from '../../shared/mail/feedback.js';
import { sqsConsumer } from '../../shared/platform/runtime/consumer.js';
import { storeFromEnv } from '../../shared/platform/runtime/deps.js';
import { systemClock } from '../../shared/platform/ports.js';

const deps = { store: storeFromEnv(), clock: systemClock };

export const handler = sqsConsumer(FunctionName.SesFeedback, (event) => handleSesFeedback(deps, event.detail as SesEmailEvent));
