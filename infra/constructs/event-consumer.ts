import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ROUTE_DELIVERY, type Route } from '../../shared/platform/contracts/functions.js';
import { anyMessageAlarm, DEAD_LETTER_MAX_AGE, oldestMessageAlarm, WORK_QUEUE_MAX_AGE } from './queue-alarms.js';

export interface EventConsumerProps {
  readonly route: Route;
  readonly bus: IEventBus;
  readonly fn: LambdaFunction;
  /** Content filter on `detail`, e.g. SES events of this stage's configuration set only. */
  readonly detail?: Record<string, unknown>;
  /** @default WORK_QUEUE_MAX_AGE */
  readonly maxMessageAge?: Duration;
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
  /** Dead letters, their age, and the age of the oldest message waiting in the queue. */
  readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: EventConsumerProps) {
    super(scope, id);
    const { route, bus, fn } = props;
    const fnTimeout = fn.timeout ?? Duration.seconds(3);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Longest SQS allows: time to fix the handler and redrive.
      retentionPeriod: Duration.days(ROUTE_DELIVERY.deadLetterRetentionDays),
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
      eventPattern: { source: [...route.pattern.source], detailType: [...route.pattern.detailType], ...(props.detail ? { detail: props.detail } : {}) },
      targets: [
        new SqsQueue(this.queue, {
          // Events EventBridge cannot deliver (e.g. queue policy or KMS trouble) are kept in the
          // route's DLQ rather than dropped, alongside the records the function gave up on.
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 185,
          maxEventAge: Duration.hours(ROUTE_DELIVERY.maxEventAgeHours),
        }),
      ],
    });

    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: route.batchSize,
        // Only failed records are retried; the rest of the batch is deleted.
        reportBatchItemFailures: true,
        // A send lane: no more concurrent senders than the lane allows (the shared rate does the rest).
        ...(route.lane ? { maxConcurrency: route.lane.maxConcurrency } : {}),
      }),
    );
    if (route.lane) {
      // The lane holds records back (visibility) or sends them back as new messages (platform/runtime/lane.ts).
      fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:ChangeMessageVisibility', 'sqs:SendMessage'], resources: [this.queue.queueArn] }));
    }

    const what = `Engage route ${route.id}`;
    this.dlqAlarm = anyMessageAlarm(this, 'DeadLetterAlarm', this.deadLetterQueue, `${what}: messages in the dead-letter queue`);
    this.alarms = [
      this.dlqAlarm,
      oldestMessageAlarm(this, 'DeadLetterAgeAlarm', this.deadLetterQueue, DEAD_LETTER_MAX_AGE, `${what}: dead letters not redriven`),
      oldestMessageAlarm(this, 'QueueAgeAlarm', this.queue, props.maxMessageAge ?? WORK_QUEUE_MAX_AGE, `${what}: backlog`),
    ];
  }
}
