/** refit-fit (the refit run's last Task). A refused fit is an expected outcome: logged with why + metric. */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { refitOptionsFrom } from '../../shared/platform/config.js';
import { finishRefit } from '../../shared/churn/refit.js';
import { refitPartialsFrom, storesFrom } from '../../shared/platform/runtime/deps.js';
import { logger } from '../../shared/platform/runtime/logger.js';
import { finishFunction } from '../../shared/platform/runtime/task.js';

export const { build, handler } = finishFunction('refit-fit', (config) => {
  const { scores } = storesFrom(config);
  const deps = { scores, partials: refitPartialsFrom(config) };
  const opts = refitOptionsFrom(config);
  const metrics = new Metrics({ namespace: 'Engage', serviceName: 'engage' });
  return async (run) => {
    const o = await finishRefit(deps, run, opts);
    const candidates = (o.kind === 'updated' ? o.params.choice : o.choice)?.selection.candidates.map((c) => ({ model: c.model, error: c.error, classError: c.classError }));
    if (o.kind === 'kept') logger.warn('model fit refused; keeping the previous version', { reasons: o.reasons, currentVersion: o.currentVersion, best: o.choice?.model, candidates });
    else logger.info('model fit accepted', { version: o.version, model: o.params.choice?.model, candidates, notes: o.notes });
    metrics.addMetric(o.kind === 'kept' ? 'ModelFitRejected' : 'ModelFitAccepted', MetricUnit.Count, 1);
    metrics.addMetric('RefitPurchaseDayReads', MetricUnit.Count, o.dayReads.queries);
    if (o.segmentsMissing) metrics.addMetric('RefitSegmentsMissing', MetricUnit.Count, o.segmentsMissing);
    metrics.publishStoredMetrics();
    const common = { kind: o.kind, customers: o.customers, sampled: o.sampled, dayReads: o.dayReads, segmentsMissing: o.segmentsMissing };
    return { ...common, ...(o.kind === 'updated' ? { version: o.version, model: o.params.choice?.model } : { reasons: o.reasons }) };
  };
});
