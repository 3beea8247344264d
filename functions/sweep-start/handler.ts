/** Target of the EventBridge Scheduler schedule: fans the run out into scan segments. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { ScheduledRun } from '../../shared/platform/contracts/events.js';
import { ChurnConfig, EnvVar, loadConfig } from '../../shared/platform/config.js';
import { startSweep } from '../../shared/churn/sweep.js';
import { logger } from '../../shared/platform/runtime/consumer.js';
import { publisherFromEnv } from '../../shared/platform/runtime/deps.js';

const publisher = publisherFromEnv();
const config = loadConfig(ChurnConfig);

export const handler = middy(async (event: unknown) => {
  const segments = await startSweep(publisher, ScheduledRun.parse(event), config[EnvVar.sweepSegments]);
  return { segments };
}).use(injectLambdaContext(logger));
