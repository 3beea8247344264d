import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeNag } from '../nag.js';
import { anyMessageAlarm, DEAD_LETTER_MAX_AGE, oldestMessageAlarm } from './queue-alarms.js';

/**
 * Where a scheduled job's failed runs go. Scheduler invokes asynchronously, so its own DLQ only
 * sees invocations Lambda refused; a run that throws is retried by Lambda and then, without an
 * on-failure destination, dropped. This keeps it (the event and the error) and alarms.
 */
export class JobFailures extends Construct {
  readonly queue: Queue;
  readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: { fn: LambdaFunction; description: string }) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    acknowledgeNag(this.queue, 'AwsSolutions-SQS3', 'This queue is the on-failure destination of a scheduled function (a dead-letter queue)');
    props.fn.configureAsyncInvoke({
      onFailure: new SqsDestination(this.queue),
      // Runs are keyed by their scheduled time, so a retry repeats nothing already done.
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
    });
    this.alarms = [
      anyMessageAlarm(this, 'FailedRunAlarm', this.queue, `${props.description}: a run failed after its retries`),
      oldestMessageAlarm(this, 'FailedRunAgeAlarm', this.queue, DEAD_LETTER_MAX_AGE, `${props.description}: failed runs not looked at`),
    ];
  }
}
