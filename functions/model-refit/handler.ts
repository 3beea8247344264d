/** model-refit (scheduled, weekly): starts the refit as one bulk run per scheduled time (refit-sample per segment, then refit-fit). */
import { EnvVar, refitOptionsFrom } from '../../shared/platform/config.js';
import { startBulkRun } from '../../shared/platform/bulk.js';
import { baseSizeOf } from '../../shared/churn/model.js';
import { refitKeepBelow } from '../../shared/churn/sample.js';
import { bulkRunStarterFrom, storesFrom } from '../../shared/platform/runtime/deps.js';
import { scheduledFunction } from '../../shared/platform/runtime/scheduled.js';

export const { build, handler } = scheduledFunction('model-refit', (config) => {
  const { scores } = storesFrom(config);
  const starter = bulkRunStarterFrom(config);
  const { sampleLimit } = refitOptionsFrom(config);
  return async (run) => {
    const model = await scores.getStoreModel();
    const keepBelow = refitKeepBelow(model, sampleLimit);
    return startBulkRun(starter, { job: 'model-refit', scheduledTime: run.scheduledTime, baseSize: baseSizeOf(model), minSegments: config[EnvVar.sweepSegments], keepBelow });
  };
});
