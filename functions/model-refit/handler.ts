/** model-refit (scheduled, weekly). A refused fit is an expected outcome: logged with why + metric. */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { refitOptionsFrom } from '../../shared/platform/config.js';
import { refitModel } from '../../shared/churn/refit.js';
import { storesFrom } from '../../shared/platform/runtime/deps.js';
import { logger } from '../../shared/platform/runtime/logger.js';
import { scheduledFunction } from '../../shared/platform/runtime/scheduled.js';

export const { build, handler } = scheduledFunction('model-refit', (config) => {
  const { customers, scores } = storesFrom(config);
  const opts = refitOptionsFrom(config);
  const metrics = new Metrics({ namespace: 'Engage', serviceName: 'engage' });
  return async (run) => {
    const o = await refitModel({ customers, scores, random: Math.random }, new Date(run.scheduledTime), opts);
    const candidates = (o.kind === 'updated' ? o.params.choice : o.choice)?.selection.candidates.map((c) => ({ model: c.model, error: c.error, classError: c.classError }));
    if (o.kind === 'kept') logger.warn('model fit refused; keeping the previous version', { reasons: o.reasons, currentVersion: o.currentVersion, best: o.choice?.model, candidates });
    else logger.info('model fit accepted', { version: o.version, model: o.params.choice?.model, candidates, notes: o.notes });
    metrics.addMetric(o.kind === 'kept' ? 'ModelFitRejected' : 'ModelFitAccepted', MetricUnit.Count, 1);
    metrics.addMetric('RefitPurchaseDayQueries', MetricUnit.Count, o.dayReads.queries);
    metrics.publishStoredMetrics();
    return { kind: o.kind, customers: o.customers, sampled: o.sampled, dayReads: o.dayReads, ...(o.kind === 'updated' ? { version: o.version, model: o.params.choice?.model } : { reasons: o.reasons }) };
  };
});
