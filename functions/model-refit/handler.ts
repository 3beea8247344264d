/** Target of the weekly refit schedule. A rejected fit is an expected outcome: logged + metric. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { ScheduledRun } from '../../shared/platform/contracts/events.js';
import { EnvVar, RefitConfig, loadConfig } from '../../shared/platform/config.js';
import { refitModel } from '../../shared/churn/refit.js';
import { logger } from '../../shared/platform/runtime/consumer.js';
import { storeFromEnv } from '../../shared/platform/runtime/deps.js';

const store = storeFromEnv();
const config = loadConfig(RefitConfig);
const metrics = new Metrics({ namespace: 'Engage', serviceName: 'engage' });

export const handler = middy(async (event: unknown) => {
  const run = ScheduledRun.parse(event);
  const outcome = await refitModel({ store, random: Math.random }, new Date(run.scheduledTime), { sampleLimit: config[EnvVar.refitSampleLimit] });
  if (outcome.kind === 'kept') {
    logger.warn('model fit rejected; keeping the previous version', { reasons: outcome.reasons, currentVersion: outcome.currentVersion });
    metrics.addMetric('ModelFitRejected', MetricUnit.Count, 1);
  } else {
    logger.info('model updated', { version: outcome.version, fit: outcome.params.fit });
    metrics.addMetric('ModelFitAccepted', MetricUnit.Count, 1);
  }
  return { kind: outcome.kind, customers: outcome.customers, sampled: outcome.sampled };
})
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
