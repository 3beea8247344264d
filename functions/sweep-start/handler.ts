/** sweep-start (scheduled): starts the daily sweep, or the monthly tier review, as one bulk run per scheduled time. */
import { EnvVar } from '../../shared/platform/config.js';
import { startBulkRun } from '../../shared/platform/bulk.js';
import { baseSizeOf } from '../../shared/churn/model.js';
import { bulkRunStarterFrom, storesFrom } from '../../shared/platform/runtime/deps.js';
import { scheduledFunction } from '../../shared/platform/runtime/scheduled.js';

export const { build, handler } = scheduledFunction('sweep-start', (config) => {
  const { scores } = storesFrom(config);
  const starter = bulkRunStarterFrom(config);
  return async (run) => {
    const baseSize = baseSizeOf(await scores.getStoreModel());
    return startBulkRun(starter, { job: run.job ?? 'daily-sweep', scheduledTime: run.scheduledTime, baseSize, minSegments: config[EnvVar.sweepSegments] });
  };
});
