import { FunctionName } from '../../shared/platform/contracts/routing.js';
import type { SweepSegmentRequested } from '../../shared/platform/contracts/events.js';
import { ChurnConfig, loadConfig, riskConfigFrom } from '../../shared/platform/config.js';
import { sweepSegment } from '../../shared/churn/sweep.js';
import { sqsConsumer } from '../../shared/platform/runtime/consumer.js';
import { publisherFromEnv, storeFromEnv } from '../../shared/platform/runtime/deps.js';

const deps = { store: storeFromEnv(), publisher: publisherFromEnv() };
const risk = riskConfigFrom(loadConfig(ChurnConfig));
// Leave time to publish the continuation before Lambda's timeout.
const YIELD_BELOW_MS = 30_000;

export const handler = sqsConsumer(FunctionName.ChurnSweep, (event, context) =>
  sweepSegment({ ...deps, risk }, event.detail as SweepSegmentRequested, {
    pageSize: 500,
    shouldYield: () => context.getRemainingTimeInMillis() < YIELD_BELOW_MS,
  }),
);
