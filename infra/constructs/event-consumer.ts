import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Route } from '../../shared/platform/contracts/functions.js';

export interface EventConsumerProps {
  readonly route: Route;
  readonly bus: IEventBus;
  readonly fn: LambdaFunction;
}

/**
 * bus → rule → SQS queue → function, for one entry of `routes`. The queue buffers bursts and
 * gives per-record retries (partial batch responses); whatever still fails lands in the DLQ.
 */
export class EventConsumer extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly rule: Rule;
  readonly dlqAlarm: Alarm;

  constructor(scope: Construct, id: string, props: EventConsumerProps) {
    super(scope, id);
    const { route, bus, fn } = props;
    const fnTimeout = fn.timeout ?? Duration.seconds(3);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Longest SQS allows: time to fix the handler and redrive.
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS guidance for Lambda sources: ≥ 6× the function timeout, so a batch still in flight
      // (including Lambda's own retries on throttling) is not handed out twice.
      visibilityTimeout: Duration.seconds(fnTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: route.maxReceiveCount },
    });

    this.rule = new Rule(this, 'Rule', {
      eventBus: bus,
      description: `Engage route ${route.id} → ${route.target}`,
      eventPattern: { source: [...route.pattern.source], detailType: [...route.pattern.detailType] },
      targets: [
        new SqsQueue(this.queue, {
          // Events EventBridge cannot deliver (e.g. queue policy or KMS trouble) are kept in the
          // route's DLQ rather than dropped, alongside the records the function gave up on.
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });

    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: route.batchSize,
        // Only failed records are retried; the rest of the batch is deleted.
        reportBatchItemFailures: true,
      }),
    );

    this.dlqAlarm = new Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: `Engage route ${route.id}: messages in the dead-letter queue`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
