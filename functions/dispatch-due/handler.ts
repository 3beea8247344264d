/** dispatch-due (scheduled, every 15 minutes): due pending sends, leased, go back to campaign dispatch. */
import { publishDueSends } from '../../shared/campaigns/due.js';
import { publisherFrom, storesFrom } from '../../shared/platform/runtime/deps.js';
import { scheduledFunction } from '../../shared/platform/runtime/scheduled.js';

export const { build, handler } = scheduledFunction('dispatch-due', (config) => {
  const deps = { sends: storesFrom(config).sends, publisher: publisherFrom(config) };
  // Pages until 20 s before the function's timeout; what is left is the next run's.
  return async (run, context) => ({ ...(await publishDueSends(deps, new Date(run.scheduledTime), Math.max(1_000, context.getRemainingTimeInMillis() - 20_000))) });
});
