import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, METRICS_SERVICE, SendMetric, SKIP_REASON_DIMENSION } from '../../shared/platform/runtime/metrics.js';

export interface MonitoringProps {
  /** Subscribed to the alarm topic when given. */
  readonly alarmEmail?: string;
}

/** A business metric of sending (shared/platform/runtime/metrics.ts), summed over `period`. */
export const sendMetric = (name: string, period = Duration.minutes(5)) =>
  new Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { service: METRICS_SERVICE }, statistic: 'Sum', period });

/** Records the send lanes held back for a paused account or a used-up daily quota. */
export const laneHoldMetric = (why: 'paused' | 'quota') =>
  new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: SendMetric.deferred,
    dimensionsMap: { service: METRICS_SERVICE, [SKIP_REASON_DIMENSION]: `lane-${why}` },
    statistic: 'Sum',
    period: Duration.minutes(5),
  });

/** One alarm topic; every Engage alarm (function errors and throttles, queues, SES, business) notifies it. */
export class Monitoring extends Construct {
  readonly topic: Topic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: MonitoringProps = {}) {
    super(scope, id);
    // A customer managed key, because the AWS managed aws/sns key does not let CloudWatch publish.
    const key = new Key(this, 'TopicKey', {
      description: 'Encrypts the Engage alarm topic',
      enableKeyRotation: true,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'AlarmTopic', { displayName: 'Engage alarms', masterKey: key, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.action = new SnsAction(this.topic);
  }

  /** Route existing alarms (e.g. a consumer's queue alarms) to the topic. */
  notify(...alarms: Alarm[]): void {
    for (const alarm of alarms) alarm.addAlarmAction(this.action);
  }

  /**
   * Mail that failed for good or whose fate is unknown. A few permanent rejections an hour are
   * normal list hygiene; an unknown outcome is the one window that can lose a mail, so any is news.
   */
  watchSending(): Alarm[] {
    const alarms = [
      new Alarm(this, 'MailFailedAlarm', {
        alarmDescription: 'Engage: more than 10 mails refused for good in an hour (SES rejections, template failures)',
        metric: sendMetric(SendMetric.failed, Duration.hours(1)),
        threshold: 10,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'MailUnknownAlarm', {
        alarmDescription: 'Engage: a mail whose sending is not known (claimed, SES answer lost)',
        metric: sendMetric(SendMetric.unknown),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      ...(['paused', 'quota'] as const).map(
        (why) =>
          new Alarm(this, why === 'paused' ? 'LanePausedAlarm' : 'LaneQuotaAlarm', {
            alarmDescription:
              why === 'paused'
                ? 'Engage: the send lanes are holding mail because SES sending is paused for the account (see the README runbook)'
                : 'Engage: the send lanes are holding mail because the SES daily quota is used up (see the README runbook)',
            // Counted once per record the lanes hold back (MailDeferred, reason lane-<why>).
            metric: laneHoldMetric(why),
            threshold: 0,
            comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
      ),
    ];
    this.notify(...alarms);
    return alarms;
  }

  /**
   * Alarm on any function error (handlers report per-record failures, so an Error is a crash) and
   * on throttling sustained for 10 of 15 minutes (capacity or reserved concurrency too small).
   */
  watchFunction(id: string, fn: LambdaFunction): Alarm[] {
    const alarms = [
      new Alarm(this, `${id}Errors`, {
        alarmDescription: `Engage function ${fn.node.id} reported errors`,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, `${id}Throttles`, {
        alarmDescription: `Engage function ${fn.node.id} is being throttled`,
        metric: fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ];
    this.notify(...alarms);
    return alarms;
  }
}
