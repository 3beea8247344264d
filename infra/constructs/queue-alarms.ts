import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** Dead-letter and failure queues keep messages 14 days: alarm at half of that, before any is lost. */
export const DEAD_LETTER_MAX_AGE = Duration.days(7);
/** A work queue whose oldest message waited this long is backlogged or its consumer is stuck. */
export const WORK_QUEUE_MAX_AGE = Duration.minutes(30);

/** Any message at all in a queue that should stay empty (a dead-letter or failure queue). */
export function anyMessageAlarm(scope: Construct, id: string, queue: IQueue, description: string): Alarm {
  return new Alarm(scope, id, {
    alarmDescription: description,
    metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}

/** The oldest message waited longer than `maxAge`. */
export function oldestMessageAlarm(scope: Construct, id: string, queue: IQueue, maxAge: Duration, description: string): Alarm {
  return new Alarm(scope, id, {
    alarmDescription: `${description}: a message waited over ${maxAge.toHumanString()}`,
    metric: queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
    threshold: maxAge.toSeconds(),
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}
