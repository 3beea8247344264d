/** model-refit (scheduled, weekly). A rejected fit is an expected outcome: logged + metric. */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { EnvVar } from '../../shared/platform/config.js';
import { refitModel } from '../../shared/churn/refit.js';
import { storesFrom } from '../../shared/platform/runtime/deps.js';
import { logger } from '../../shared/platform/runtime/logger.js';
import { scheduledFunction } from '../../shared/platform/runtime/scheduled.js';

export const { build, handler } = scheduledFunction('model-refit', (config) => {
  const { customers, scores } = storesFrom(config);
  const metrics = new Metrics({ namespace: 'Engage', serviceName: 'engage' });
  return async (run) => {
    const outcome = await refitModel({ customers, scores, random: Math.random }, new Date(run.scheduledTime), { sampleLimit: config[EnvVar.refitSampleLimit] });
    if (outcome.kind === 'kept') logger.warn('model fit rejected; keeping the previous version', { reasons: outcome.reasons, currentVersion: outcome.currentVersion });
    metrics.addMetric(outcome.kind === 'kept' ? 'ModelFitRejected' : 'ModelFitAccepted', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
    return { kind: outcome.kind, customers: outcome.customers, sampled: outcome.sampled, ...(outcome.kind === 'updated' ? { version: outcome.version } : {}) };
  };
});
