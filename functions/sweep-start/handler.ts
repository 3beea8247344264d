/** sweep-start (scheduled): fans the daily run out into scan segments. */
import { EnvVar } from '../../shared/platform/config.js';
import { startSweep } from '../../shared/churn/sweep.js';
import { publisherFrom } from '../../shared/platform/runtime/deps.js';
import { scheduledFunction } from '../../shared/platform/runtime/scheduled.js';

export const { build, handler } = scheduledFunction('sweep-start', (config) => {
  const publisher = publisherFrom(config);
  return async (run) => ({ segments: await startSweep(publisher, run, config[EnvVar.sweepSegments]) });
});
