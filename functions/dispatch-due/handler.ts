/** dispatch-due (scheduled, every 15 minutes): due deferrals go back to campaign dispatch. */
import { publishDueSends } from '../../shared/campaigns/due.js';
import { publisherFrom, storesFrom } from '../../shared/platform/runtime/deps.js';
import { scheduledFunction } from '../../shared/platform/runtime/scheduled.js';

export const { build, handler } = scheduledFunction('dispatch-due', (config) => {
  const deps = { sends: storesFrom(config).sends, publisher: publisherFrom(config) };
  return async (run) => ({ published: await publishDueSends(deps, new Date(run.scheduledTime)) });
});
