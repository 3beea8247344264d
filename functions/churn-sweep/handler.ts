/** churn-sweep: scores one scan segment, handing the rest on before the time runs out. */
import { riskConfigFrom } from '../../shared/platform/config.js';
import { sweepSegment } from '../../shared/churn/sweep.js';
import { scorerCache } from '../../shared/churn/scores.js';
import { sqsFunction } from '../../shared/platform/runtime/consumer.js';
import { publisherFrom, storesFrom } from '../../shared/platform/runtime/deps.js';
import { logger } from '../../shared/platform/runtime/logger.js';

// Leave time to publish the continuation before Lambda's timeout.
const YIELD_BELOW_MS = 30_000;

export const { build, handler } = sqsFunction('churn-sweep', (config) => {
  const { customers, scores } = storesFrom(config);
  // The scorer cache lives as long as the container: one scorer per model version.
  const deps = { customers, scores, publisher: publisherFrom(config), risk: riskConfigFrom(config), scorers: scorerCache() };
  return async (event, context) => {
    const result = await sweepSegment(deps, event.detail, { pageSize: 500, shouldYield: () => context.getRemainingTimeInMillis() < YIELD_BELOW_MS });
    if (result.failed) logger.warn('customers could not be scored', { failed: result.failed, examples: result.failures, segment: event.detail.segment });
    return result;
  };
});
