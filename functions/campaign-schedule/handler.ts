/** Target of each scheduled campaign's own schedule (created at synth from campaigns/*.yaml). */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { ScheduledRun } from '../../shared/platform/contracts/events.js';
import { EnvVar, MailConfig, loadConfig } from '../../shared/platform/config.js';
import { loadCampaigns } from '../../shared/campaigns/load.js';
import { runScheduledCampaign } from '../../shared/campaigns/scheduled.js';
import { logger } from '../../shared/platform/runtime/consumer.js';
import { publisherFromEnv, storeFromEnv } from '../../shared/platform/runtime/deps.js';

const deps = { store: storeFromEnv(), publisher: publisherFromEnv(), campaigns: await loadCampaigns(loadConfig(MailConfig.pick({ [EnvVar.campaignsDir]: true }))[EnvVar.campaignsDir]) };

export const handler = middy(async (event: unknown) => {
  const run = ScheduledRun.required({ campaignId: true }).parse(event);
  const outcome = await runScheduledCampaign(deps, run.campaignId, new Date(run.scheduledTime).toISOString());
  logger.info('scheduled campaign run', { campaignId: run.campaignId, ...outcome });
  return outcome;
}).use(injectLambdaContext(logger));
