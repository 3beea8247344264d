import { FunctionName } from '../../shared/contracts/routing.js';
import type { SweepSegmentRequested } from '../../shared/contracts/events.js';
import { ChurnConfig, EnvVar, loadConfig } from '../../shared/config.js';
import { sweepSegment } from '../../shared/app/sweep.js';
import { sqsConsumer } from '../../shared/runtime/consumer.js';
import { publisherFromEnv, storeFromEnv } from '../../shared/runtime/deps.js';

const deps = { store: storeFromEnv(), publisher: publisherFromEnv() };
const config = loadConfig(ChurnConfig);
const rule = {
  atRiskMultiple: config[EnvVar.atRiskMultiple],
  churnedMultiple: config[EnvVar.churnedMultiple],
  defaultGapDays: config[EnvVar.defaultGapDays],
};
// Leave time to publish the continuation before Lambda's timeout.
const YIELD_BELOW_MS = 30_000;

export const handler = sqsConsumer(FunctionName.ChurnSweep, (event, context) =>
  sweepSegment({ ...deps, rule }, event.detail as SweepSegmentRequested, {
    pageSize: 500,
    shouldYield: () => context.getRemainingTimeInMillis() < YIELD_BELOW_MS,
  }),
);
