/** churn-sweep (bulk-run Task): scores one scan segment from its cursor until the time budget. */
import { riskConfigFrom } from '../../shared/platform/config.js';
import { sweepSegment } from '../../shared/churn/sweep.js';
import { publisherFrom, storesFrom } from '../../shared/platform/runtime/deps.js';
import { taskFunction } from '../../shared/platform/runtime/task.js';

export const { build, handler } = taskFunction('churn-sweep', (config) => {
  const { customers, scores } = storesFrom(config);
  const deps = { customers, scores, publisher: publisherFrom(config), risk: riskConfigFrom(config) };
  return (task, budget) => sweepSegment(deps, task, { pageSize: 500, ...budget });
});
