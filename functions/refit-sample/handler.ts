/** refit-sample (bulk-run Task): one scan segment's partial statistics and bottom-k sample, from its cursor until the time budget. */
import { refitOptionsFrom } from '../../shared/platform/config.js';
import { sampleSegment } from '../../shared/churn/refit.js';
import { refitPartialsFrom, storesFrom } from '../../shared/platform/runtime/deps.js';
import { taskFunction } from '../../shared/platform/runtime/task.js';

export const { build, handler } = taskFunction('refit-sample', (config) => {
  const { customers } = storesFrom(config);
  const deps = { customers, partials: refitPartialsFrom(config) };
  const { sampleLimit } = refitOptionsFrom(config);
  return (task, budget) => sampleSegment(deps, task, { pageSize: 1000, sampleLimit, ...budget });
});
