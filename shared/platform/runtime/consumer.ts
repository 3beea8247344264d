/**
 * The one shape of every event-driven function: SQS batch (fed by an EventBridge rule) →
 * validate each record → handle it. A record that fails (bad input or a retryable error) is
 * reported alone (partial batch response), so it never blocks the rest of its batch; after the
 * route's maxReceiveCount it lands in the dead-letter queue.
 */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { DetailTypeName } from '../contracts/events.js';
import type { FunctionName } from '../contracts/routing.js';
import { acceptedBy, MalformedEventError, parseEnvelope, type TypedEvent } from './envelope.js';

export const logger = new Logger({ serviceName: 'engage' });

export type RecordHandler<T extends DetailTypeName> = (event: TypedEvent<T>, context: Context) => Promise<unknown>;

export function sqsConsumer<T extends DetailTypeName>(fn: FunctionName, handle: RecordHandler<T>) {
  const accepted = acceptedBy(fn) as readonly T[];
  const processor = new BatchProcessor(EventType.SQS);
  const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(
      event,
      async (record: SQSRecord) => {
        try {
          const parsed = parseEnvelope(record.body, accepted);
          const result = await handle(parsed, context);
          logger.debug('handled', { messageId: record.messageId, type: parsed.type, result: summarize(result) });
          return result;
        } catch (e) {
          const err = e as Error;
          // Bad input is logged as such (it will end in the DLQ); anything else will be retried.
          logger.error(e instanceof MalformedEventError ? 'malformed event' : 'record failed', {
            messageId: record.messageId,
            error: err.name,
            reason: err.message,
          });
          throw e;
        }
      },
      processor,
      { context, throwOnFullBatchFailure: false },
    );
  return middy(handler).use(injectLambdaContext(logger));
}

// Results may hold customer data; log only their shape-level summary.
const summarize = (r: unknown) => (typeof r === 'string' ? r : Array.isArray(r) ? r.length : undefined);
