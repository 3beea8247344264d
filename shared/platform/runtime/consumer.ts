/**
 * The one shape of every event-driven function: SQS batch (fed by an EventBridge rule) →
 * validate each record → handle it. A record that fails (bad input or a retryable error) is
 * reported alone (partial batch response), so it never blocks the rest of its batch; after the
 * route's maxReceiveCount it lands in the dead-letter queue.
 */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { acceptedBy, type EventOf, type EventTypeOf, type QueueFunction } from '../contracts/functions.js';
import { HeldBackError, MalformedEventError } from '../errors.js';
import { parseEnvelope } from './envelope.js';
import { defineFunction, type ConfigOf, type FunctionModule } from './function.js';
import { logger, NO_EVENT_LOGGING } from './logger.js';

/** `record`: the SQS record itself, for a send lane that holds it back in its queue. */
export type RecordHandler<E> = (event: E, context: Context, record: SQSRecord) => Promise<unknown>;
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface ConsumerOptions {
  /**
   * Process a batch's records one after another. For a function whose records do CPU-bound work
   * between timed calls (campaign dispatch renders mail, then calls SES with a timeout), records
   * in parallel would starve each other's calls on the one event loop: a reply that arrived in
   * time would be read late and count as timed out.
   */
  sequential?: boolean;
}

export function sqsConsumer<F extends QueueFunction>(fn: F, handle: RecordHandler<EventOf<F>>, opts: ConsumerOptions = {}): SqsHandler {
  const accepted = acceptedBy(fn) as readonly EventTypeOf<F>[];
  // A BatchProcessor holds the records and failures of the batch it is processing, so one per
  // invocation: with one per module, overlapping invocations (the local bus runs several at
  // once, as can a Lambda handler that awaits) clear each other's failures and a failed record
  // is reported as done instead of reaching its dead-letter queue.
  const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(
      event,
      async (record: SQSRecord) => {
        try {
          const parsed = parseEnvelope(record.body, accepted) as EventOf<F>;
          const result = await handle(parsed, context, record);
          logger.debug('handled', { messageId: record.messageId, type: (parsed as { type: string }).type, result: summarize(result) });
          return result;
        } catch (e) {
          const err = e as Error;
          if (e instanceof HeldBackError) {
            logger.info('held back', { messageId: record.messageId, reason: err.message });
            throw e;
          }
          // Bad input is logged as such (it will end in the DLQ); anything else will be retried.
          logger.error(e instanceof MalformedEventError ? 'malformed event' : 'record failed', {
            messageId: record.messageId,
            error: err.name,
            reason: err.message,
          });
          throw e;
        }
      },
      new BatchProcessor(EventType.SQS),
      { context, throwOnFullBatchFailure: false, processInParallel: !opts.sequential },
    );
  return middy(handler).use(injectLambdaContext(logger, NO_EVENT_LOGGING));
}

/** A queue-fed function: its record handler is set up once per cold start from its config. */
export const sqsFunction = <F extends QueueFunction>(
  fn: F,
  setup: (config: ConfigOf<F>) => RecordHandler<EventOf<F>> | Promise<RecordHandler<EventOf<F>>>,
  opts: ConsumerOptions = {},
): FunctionModule<SqsHandler> => defineFunction(fn, async (config) => sqsConsumer(fn, await setup(config), opts));

// Results may hold customer data; log only their shape-level summary.
const summarize = (r: unknown) => (typeof r === 'string' ? r : Array.isArray(r) ? r.length : undefined);
