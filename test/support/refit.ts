/** The weekly refit in tests: through the scheduled starter and the local Step Functions, or its segment and fit steps called in turn. */
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { finishRefit, sampleSegment, type RefitOptions, type RefitOutcome } from '../../shared/churn/refit.js';
import { refitKeepBelow } from '../../shared/churn/sample.js';
import { FolderRefitPartials } from '../../shared/churn/partials.js';
import { bulkRunInput, runName } from '../../shared/platform/bulk.js';
import type { TableStores } from '../../shared/platform/runtime/deps.js';
import type { LocalSystem } from '../../local/system.js';

/** What refit-fit returned (the execution's output), after the run the scheduled starter set off. */
export async function refitRun(sys: LocalSystem, at: Date): Promise<Record<string, unknown>> {
  await sys.runScheduled('model-refit', at);
  const execution = sys.stepFunctions.executions.get(runName('model-refit', at.toISOString()));
  if (execution?.status !== 'SUCCEEDED') throw new Error(`refit run ${execution?.name ?? 'missing'}: ${execution?.status} ${execution?.error ?? ''}`);
  return execution.output as Record<string, unknown>;
}

/** The run's steps by hand (each segment to its end, then the fit), with options the configuration would refuse (a tiny sample). */
export async function refitSteps(stores: TableStores, at: Date, opts: RefitOptions, segments = 4): Promise<RefitOutcome> {
  const partials = new FolderRefitPartials(mkdtempSync(join(tmpdir(), 'engage-refit-steps-')));
  const input = bulkRunInput('model-refit', at.toISOString(), segments, { keepBelow: refitKeepBelow(await stores.scores.getStoreModel(), opts.sampleLimit) });
  for (const task of input.segments) {
    let next: typeof task | undefined = task;
    while (next) {
      const r = await sampleSegment({ customers: stores.customers, partials }, next, { pageSize: 500, shouldYield: () => false, sampleLimit: opts.sampleLimit });
      next = r.cursor ? { ...task, cursor: r.cursor } : undefined;
    }
  }
  return finishRefit({ scores: stores.scores, partials }, { job: 'model-refit', runKey: input.runKey, scheduledTime: input.scheduledTime, totalSegments: segments }, opts);
}
