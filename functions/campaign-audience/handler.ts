/** campaign-audience (bulk-run Task): one segment of a scheduled campaign's audience, as campaign.scheduled-send events. */
import { EnvVar } from '../../shared/platform/config.js';
import { loadCampaigns } from '../../shared/campaigns/load.js';
import { publishAudienceSegment } from '../../shared/campaigns/scheduled.js';
import { publisherFrom, storesFrom } from '../../shared/platform/runtime/deps.js';
import { taskFunction } from '../../shared/platform/runtime/task.js';

export const { build, handler } = taskFunction('campaign-audience', async (config) => {
  const deps = { customers: storesFrom(config).customers, publisher: publisherFrom(config), campaigns: await loadCampaigns(config[EnvVar.campaignsDir], { templates: false }) };
  return (task, budget) => publishAudienceSegment(deps, task, { pageSize: 500, ...budget });
});
