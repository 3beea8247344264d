/** Target of the EventBridge Scheduler schedule: fans the run out into scan segments. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { ScheduledRun } from '../../shared/contracts/events.js';
import { ChurnConfig, EnvVar, loadConfig } from '../../shared/config.js';
import { startSweep } from '../../shared/app/sweep.js';
import { logger } from '../../shared/runtime/consumer.js';
import { publisherFromEnv } from '../../shared/runtime/deps.js';

const publisher = publisherFromEnv();
const config = loadConfig(ChurnConfig);

export const handler = middy(async (event: unknown) => {
  const segments = await startSweep(publisher, ScheduledRun.parse(event), config[EnvVar.sweepSegments]);
  return { segments };
}).use(injectLambdaContext(logger));
