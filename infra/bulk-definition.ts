/**
 * The one definition of each bulk run's state machine (shared/platform/bulk.ts), in CDK's
 * Step Functions constructs: the stack deploys it (infra/constructs/bulk-run.ts) and the local
 * runner executes the very same ASL (local/stepfunctions.ts), with each Task mapped to the real
 * handler.
 *
 *   Segments (Distributed Map over $.segments, MaxConcurrency, ToleratedFailurePercentage)
 *     └─ for each Task function of the job, in manifest order:
 *          <function> (Lambda, returns the segment with `cursor` while not done)
 *          → <function> more? (Choice: $.cursor present → <function> again, else the next Task)
 *   → <finisher> (Lambda, once, with the run's job, time and segment count), if the job has one
 *
 * Each child is a STANDARD execution: a mass-change segment may loop for longer than an
 * EXPRESS execution's 5 minutes. The Map discards its children's outputs (hundreds of
 * segments would exceed the 256 KB state limit); what each did is in its logs and metrics.
 */
import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Choice, Condition, DistributedMap, JsonPath, StateGraph, StateMachineType, Succeed, Timeout, type IChainable, type INextable, type State } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { TaskInput } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { BulkJob } from '../shared/platform/bulk.js';
import { finisherOf, tasksOf, timeoutSecondsOf, type FunctionName } from '../shared/platform/contracts/functions.js';

export interface BulkRunLimits {
  /** Segments processed at once (Lambda concurrency and DynamoDB throughput it may take). */
  readonly maxConcurrency: number;
  /** Segments that may fail (after their retries) before the run fails: skipped customers are
   * picked up by the next run, a failed run is alarmed and redriven. */
  readonly toleratedFailurePercentage: number;
}

export const DEFAULT_BULK_LIMITS: BulkRunLimits = { maxConcurrency: 40, toleratedFailurePercentage: 5 };

/** A day's run ends in well under an hour at 10M customers (bench); far beyond it, something is stuck. */
export const BULK_RUN_TIMEOUT = Duration.hours(6);
export const bulkRunComment = (job: BulkJob) => `Engage bulk run: ${job}`;

/** The name of the Map state, for tests and the runbook (redrive restarts failed children of it). */
export const SEGMENTS_STATE = 'Segments';

/** Bad input will not get better; anything else (throttling, a RetryableError, a timeout) may. */
function withRetries(invoke: LambdaInvoke): LambdaInvoke {
  invoke.addRetry({ errors: ['MalformedEventError'], maxAttempts: 0 });
  invoke.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(5), backoffRate: 2, maxAttempts: 4 });
  return invoke;
}

/**
 * A Task waits as long as its function may run, plus a margin: stated, not left to the runner's
 * default (the local runner's is 60 s: a segment of a 100,000-customer sweep runs minutes, was
 * declared timed out while it still worked, and retried beside itself).
 */
const taskTimeoutOf = (name: FunctionName) => Timeout.duration(Duration.seconds(timeoutSecondsOf(name) + 60));

export function bulkRunDefinition(scope: Construct, job: BulkJob, fnOf: (name: FunctionName) => IFunction, limits: BulkRunLimits): IChainable {
  const tasks = tasksOf(job);
  if (tasks.length === 0) throw new Error(`no Task function serves bulk run ${job}`);
  const done = new Succeed(scope, `${job} segment done`);
  // Built back to front: each Task's Choice goes on to the next Task (or to done).
  let next: State = done;
  for (const name of [...tasks].reverse()) {
    const invoke = withRetries(new LambdaInvoke(scope, name, { lambdaFunction: fnOf(name), payloadResponseOnly: true, retryOnServiceExceptions: true, taskTimeout: taskTimeoutOf(name) }));
    const more = new Choice(scope, `${name} more?`).when(Condition.isPresent('$.cursor'), invoke).otherwise(next);
    (invoke as INextable).next(more);
    next = invoke;
  }
  const map = new DistributedMap(scope, SEGMENTS_STATE, {
    itemsPath: JsonPath.stringAt('$.segments'),
    maxConcurrency: limits.maxConcurrency,
    toleratedFailurePercentage: limits.toleratedFailurePercentage,
    mapExecutionType: StateMachineType.STANDARD,
    resultPath: JsonPath.DISCARD,
  });
  map.itemProcessor(next);
  const finisher = finisherOf(job);
  if (!finisher) return map;
  // The execution input without its segments (up to 1,000 of them): what RunFinish parses.
  const payload = TaskInput.fromObject({
    job: JsonPath.stringAt('$.job'),
    runKey: JsonPath.stringAt('$.runKey'),
    scheduledTime: JsonPath.stringAt('$.scheduledTime'),
    totalSegments: JsonPath.numberAt('$.totalSegments'),
  });
  return map.next(withRetries(new LambdaInvoke(scope, finisher, { lambdaFunction: fnOf(finisher), payload, payloadResponseOnly: true, retryOnServiceExceptions: true, taskTimeout: taskTimeoutOf(finisher) })));
}

/** The ASL of a bulk run as plain JSON, for functions given by literal ARNs (the local runner). */
export function bulkRunAsl(scope: Construct, job: BulkJob, fnOf: (name: FunctionName) => IFunction, limits: BulkRunLimits): Record<string, unknown> {
  const start = bulkRunDefinition(scope, job, fnOf, limits);
  // What StateMachine adds around the graph (see infra/constructs/bulk-run.ts), so both are one definition.
  return { Comment: bulkRunComment(job), ...new StateGraph(start.startState, `${job} bulk run`).toGraphJson(), TimeoutSeconds: BULK_RUN_TIMEOUT.toSeconds() };
}
