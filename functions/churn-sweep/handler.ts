/** churn-sweep: scores one scan segment, handing the rest on before the time runs out. */
import { riskConfigFrom } from '../../shared/platform/config.js';
import { sweepSegment } from '../../shared/churn/sweep.js';
import { sqsFunction } from '../../shared/platform/runtime/consumer.js';
import { publisherFrom, storesFrom } from '../../shared/platform/runtime/deps.js';

// Leave time to publish the continuation before Lambda's timeout.
const YIELD_BELOW_MS = 30_000;

export const { build, handler } = sqsFunction('churn-sweep', (config) => {
  const { customers, scores } = storesFrom(config);
  const deps = { customers, scores, publisher: publisherFrom(config), risk: riskConfigFrom(config) };
  return (event, context) => sweepSegment(deps, event.detail, { pageSize: 500, shouldYield: () => context.getRemainingTimeInMillis() < YIELD_BELOW_MS });
});
