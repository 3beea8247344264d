import { FunctionName } from '../../shared/contracts/routing.js';
import type { SweepSegmentRequested } from '../../shared/contracts/events.js';
import { ChurnConfig, loadConfig, riskConfigFrom } from '../../shared/config.js';
import { sweepSegment } from '../../shared/app/sweep.js';
import { sqsConsumer } from '../../shared/runtime/consumer.js';
import { publisherFromEnv, storeFromEnv } from '../../shared/runtime/deps.js';

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
