/** campaign-schedule (each scheduled campaign's own schedule): starts the campaign's bulk run, named by campaign and time. */
import { EnvVar } from '../../shared/platform/config.js';
import { loadCampaigns } from '../../shared/campaigns/load.js';
import { scheduledCampaignToRun } from '../../shared/campaigns/scheduled.js';
import { baseSizeOf } from '../../shared/churn/model.js';
import { startBulkRun } from '../../shared/platform/bulk.js';
import { MalformedEventError } from '../../shared/platform/errors.js';
import { bulkRunStarterFrom, storesFrom } from '../../shared/platform/runtime/deps.js';
import { scheduledFunction } from '../../shared/platform/runtime/scheduled.js';

// The run selects an audience and never renders: campaigns load without their templates.
export const { build, handler } = scheduledFunction('campaign-schedule', async (config) => {
  const { scores } = storesFrom(config);
  const starter = bulkRunStarterFrom(config);
  const campaigns = await loadCampaigns(config[EnvVar.campaignsDir], { templates: false });
  return async (run) => {
    if (!run.campaignId) throw new MalformedEventError('campaign-schedule: the schedule payload names no campaignId');
    const check = scheduledCampaignToRun(campaigns, run.campaignId);
    if (check.kind === 'skipped') return check;
    const baseSize = baseSizeOf(await scores.getStoreModel());
    return startBulkRun(starter, { job: 'campaign-run', scheduledTime: run.scheduledTime, baseSize, minSegments: config[EnvVar.sweepSegments], campaignId: run.campaignId });
  };
});
