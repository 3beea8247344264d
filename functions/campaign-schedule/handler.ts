/** campaign-schedule (each scheduled campaign's own schedule): publishes the run's audience. */
import { EnvVar } from '../../shared/platform/config.js';
import { loadCampaigns } from '../../shared/campaigns/load.js';
import { runScheduledCampaign } from '../../shared/campaigns/scheduled.js';
import { MalformedEventError } from '../../shared/platform/errors.js';
import { publisherFrom, storesFrom } from '../../shared/platform/runtime/deps.js';
import { scheduledFunction } from '../../shared/platform/runtime/scheduled.js';

// The run selects an audience and never renders: campaigns load without their templates.
export const { build, handler } = scheduledFunction('campaign-schedule', async (config) => {
  const deps = { customers: storesFrom(config).customers, publisher: publisherFrom(config), campaigns: await loadCampaigns(config[EnvVar.campaignsDir], { templates: false }) };
  return async (run) => {
    if (!run.campaignId) throw new MalformedEventError('campaign-schedule: the schedule payload names no campaignId');
    return runScheduledCampaign(deps, run.campaignId, new Date(run.scheduledTime).toISOString());
  };
});
