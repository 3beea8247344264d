/**
 * The one shape of every bulk-run segment function (a Step Functions Task, see shared/platform/bulk.ts):
 * the input is parsed against the SegmentTask contract (bad input fails the Task as malformed,
 * which the Map counts against its tolerated failures), the work pages until the time budget,
 * and the output is the same task with `cursor` where it stopped, or without one when the
 * segment is done, so the state machine's Choice loops on it. Counts are logged, not returned:
 * the state machine carries only what it loops on.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { RunFinish, SegmentTask } from '../bulk.js';
import type { FunctionName } from '../contracts/functions.js';
import type { Cursor } from '../../customers/port.js';
import { MalformedEventError } from '../errors.js';
import { defineFunction, type ConfigOf, type FunctionModule } from './function.js';
import { logger, NO_EVENT_LOGGING } from './logger.js';

export type SegmentWork = (task: SegmentTask, budget: { shouldYield: () => boolean }, context: Context) => Promise<{ cursor?: Cursor }>;
export type TaskHandler = (event: unknown, context: Context) => Promise<SegmentTask>;

/** Leave this much of Lambda's timeout unused: the page in progress finishes within it. */
export const YIELD_BELOW_MS = 60_000;

export function segmentTask(fn: FunctionName, work: SegmentWork): TaskHandler {
  const handler = async (event: unknown, context: Context): Promise<SegmentTask> => {
    const parsed = SegmentTask.safeParse(event);
    if (!parsed.success) throw new MalformedEventError(`${fn}: not a SegmentTask: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const { cursor: _, ...task } = parsed.data;
    const { cursor, ...counts } = await work(parsed.data, { shouldYield: () => context.getRemainingTimeInMillis() < YIELD_BELOW_MS }, context);
    logger.info('segment page run', { fn, job: task.job, runKey: task.runKey, segment: task.segment, totalSegments: task.totalSegments, done: !cursor, ...counts });
    return cursor ? { ...task, cursor } : task;
  };
  return middy(handler).use(injectLambdaContext(logger, NO_EVENT_LOGGING));
}

export const taskFunction = <F extends FunctionName>(fn: F, setup: (config: ConfigOf<F>) => SegmentWork | Promise<SegmentWork>): FunctionModule<TaskHandler> =>
  defineFunction(fn, async (config) => segmentTask(fn, await setup(config)));

export type FinishWork = (run: RunFinish, context: Context) => Promise<Record<string, unknown>>;
export type FinishHandler = (event: unknown, context: Context) => Promise<Record<string, unknown>>;

/** A run's finishing Task: the run's input parsed against RunFinish (malformed: not retried), its outcome logged and returned. */
export function finishTask(fn: FunctionName, work: FinishWork): FinishHandler {
  const handler = async (event: unknown, context: Context) => {
    const parsed = RunFinish.safeParse(event);
    if (!parsed.success) throw new MalformedEventError(`${fn}: not a RunFinish: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const outcome = await work(parsed.data, context);
    logger.info('bulk run finished', { fn, job: parsed.data.job, runKey: parsed.data.runKey, ...outcome });
    return outcome;
  };
  return middy(handler).use(injectLambdaContext(logger, NO_EVENT_LOGGING));
}

export const finishFunction = <F extends FunctionName>(fn: F, setup: (config: ConfigOf<F>) => FinishWork | Promise<FinishWork>): FunctionModule<FinishHandler> =>
  defineFunction(fn, async (config) => finishTask(fn, await setup(config)));
