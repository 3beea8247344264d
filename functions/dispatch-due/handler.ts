/** Target of the 15-minute schedule: hands due deferrals back to campaign dispatch. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { ScheduledRun } from '../../shared/platform/contracts/events.js';
import { publishDueSends } from '../../shared/campaigns/due.js';
import { logger } from '../../shared/platform/runtime/consumer.js';
import { publisherFromEnv, storeFromEnv } from '../../shared/platform/runtime/deps.js';

const deps = { store: storeFromEnv(), publisher: publisherFromEnv() };

export const handler = middy(async (event: unknown) => {
  const run = ScheduledRun.parse(event);
  return { published: await publishDueSends(deps, new Date(run.scheduledTime)) };
}).use(injectLambdaContext(logger));
