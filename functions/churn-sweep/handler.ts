/** churn-sweep (bulk-run Task): scores one scan segment from its cursor until the time budget. */
import { riskConfigFrom } from '../../shared/platform/config.js';
import { sweepSegment } from '../../shared/churn/sweep.js';
import { scorerCache } from '../../shared/churn/scores.js';
import { publisherFrom, storesFrom } from '../../shared/platform/runtime/deps.js';
import { logger } from '../../shared/platform/runtime/logger.js';
import { taskFunction } from '../../shared/platform/runtime/task.js';

export const { build, handler } = taskFunction('churn-sweep', (config) => {
  const { customers, scores } = storesFrom(config);
  // The scorer cache lives as long as the container: one scorer per model version.
  const deps = { customers, scores, publisher: publisherFrom(config), risk: riskConfigFrom(config), scorers: scorerCache() };
  return async (task, budget) => {
    const result = await sweepSegment(deps, task, { pageSize: 500, ...budget });
    if (result.failed) logger.warn('customers could not be scored', { failed: result.failed, examples: result.failures, segment: task.segment });
    return result;
  };
});
