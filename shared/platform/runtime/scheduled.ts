/**
 * The one shape of every scheduled job (EventBridge Scheduler → function): the payload is parsed
 * against the ScheduledRun contract (a bad payload is a bad deploy, reported as malformed), the
 * job runs once per scheduled time, and its outcome is logged with the run key.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { ScheduledRun } from '../contracts/events.js';
import type { FunctionName } from '../contracts/functions.js';
import { MalformedEventError } from '../errors.js';
import { defineFunction, type ConfigOf, type FunctionModule } from './function.js';
import { logger, NO_EVENT_LOGGING } from './logger.js';

export type Job = (run: ScheduledRun, context: Context) => Promise<Record<string, unknown>>;
export type ScheduledHandler = (event: unknown, context: Context) => Promise<Record<string, unknown>>;

export function scheduledJob(fn: FunctionName, job: Job): ScheduledHandler {
  const handler = async (event: unknown, context: Context) => {
    const run = ScheduledRun.safeParse(event);
    if (!run.success) throw new MalformedEventError(`${fn}: not a ScheduledRun payload: ${run.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const outcome = await job(run.data, context);
    logger.info('scheduled run', { fn, scheduledTime: run.data.scheduledTime, ...(run.data.campaignId ? { campaignId: run.data.campaignId } : {}), ...outcome });
    return outcome;
  };
  return middy(handler).use(injectLambdaContext(logger, NO_EVENT_LOGGING));
}

export const scheduledFunction = <F extends FunctionName>(fn: F, setup: (config: ConfigOf<F>) => Job | Promise<Job>): FunctionModule<ScheduledHandler> =>
  defineFunction(fn, async (config) => scheduledJob(fn, await setup(config)));
