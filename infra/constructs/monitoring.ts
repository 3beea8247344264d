import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface MonitoringProps {
  /** Subscribed to the alarm topic when given. */
  readonly alarmEmail?: string;
}

/** One alarm topic; every Engage alarm (function errors, dead letters) notifies it. */
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

  /** Route an existing alarm (e.g. a consumer's DLQ alarm) to the topic. */
  notify(alarm: Alarm): void {
    alarm.addAlarmAction(this.action);
  }

  /** Alarm on any function error: handlers report per-record failures, so an Error is a crash. */
  watchFunction(id: string, fn: LambdaFunction): Alarm {
    const alarm = new Alarm(this, `${id}Errors`, {
      alarmDescription: `Engage function ${fn.node.id} reported errors`,
      metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.notify(alarm);
    return alarm;
  }
}
