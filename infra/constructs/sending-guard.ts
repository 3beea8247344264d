import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { CallAwsService } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledgeNag } from '../nag.js';
import { anyMessageAlarm } from './queue-alarms.js';

export interface SendingGuardProps {
  readonly configurationSetName: string;
  readonly configurationSetArn: string;
  /** Alarm (notify) above these rates. */
  readonly bounceRateAlarm: number;
  readonly complaintRateAlarm: number;
  /** Stop this stage's sending above these rates. */
  readonly bounceRatePause: number;
  readonly complaintRatePause: number;
}

/** SES's account reputation, which is what SES itself reviews and pauses an account on. */
export const reputationMetric = (name: 'Reputation.BounceRate' | 'Reputation.ComplaintRate') =>
  new Metric({ namespace: 'AWS/SES', metricName: name, statistic: 'Maximum', period: Duration.hours(1) });

/**
 * SES reputation alarms, and a pause of the configuration set's sending above a harder limit, so
 * Engage stops itself before SES pauses the whole account. The pause is an alarm reaction without
 * code: the alarm's state change (default bus) starts a one-step state machine that calls
 * sesv2:PutConfigurationSetSendingOptions. Resuming is a deliberate act (README runbook).
 */
export class SendingGuard extends Construct {
  /** Every alarm of the guard; the stack routes them to the alarm topic. */
  readonly alarms: Alarm[];
  readonly pauseAlarms: Alarm[];
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: SendingGuardProps) {
    super(scope, id);
    const alarm = (alarmId: string, metric: 'Reputation.BounceRate' | 'Reputation.ComplaintRate', threshold: number, what: string) =>
      new Alarm(this, alarmId, {
        alarmDescription: `SES ${metric} above ${threshold * 100} %: ${what}`,
        metric: reputationMetric(metric),
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    this.pauseAlarms = [
      alarm('BouncePauseAlarm', 'Reputation.BounceRate', props.bounceRatePause, 'Engage sending paused'),
      alarm('ComplaintPauseAlarm', 'Reputation.ComplaintRate', props.complaintRatePause, 'Engage sending paused'),
    ];

    const logs = new LogGroup(this, 'PauseLogs', { retention: RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
    this.stateMachine = new StateMachine(this, 'PauseSending', {
      comment: 'Stops sending through the Engage configuration set (SES reputation limit crossed)',
      definitionBody: DefinitionBody.fromChainable(
        new CallAwsService(this, 'PutSendingOptions', {
          service: 'sesv2',
          action: 'putConfigurationSetSendingOptions',
          parameters: { ConfigurationSetName: props.configurationSetName, SendingEnabled: false },
          // The SES v2 API authorizes under the ses: prefix, not sesv2:.
          iamAction: 'ses:PutConfigurationSetSendingOptions',
          iamResources: [props.configurationSetArn],
        }).addRetry({ maxAttempts: 5, interval: Duration.seconds(2), backoffRate: 2 }),
      ),
      timeout: Duration.minutes(5),
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: true },
    });
    acknowledgeNag(this.stateMachine.role, 'AwsSolutions-IAM5[Resource::*]', 'CloudWatch Logs delivery and X-Ray actions of a state machine accept only Resource "*"');

    const dlq = new Queue(this, 'PauseDeadLetters', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    acknowledgeNag(dlq, 'AwsSolutions-SQS3', 'This queue is the dead-letter queue of the pause rule');
    new Rule(this, 'OnPauseAlarm', {
      description: 'Engage: an SES reputation limit was crossed, pause sending',
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: this.pauseAlarms.map((a) => a.alarmArn),
        detail: { state: { value: ['ALARM'] } },
      },
      targets: [new SfnStateMachine(this.stateMachine, { deadLetterQueue: dlq, retryAttempts: 10, maxEventAge: Duration.hours(1) })],
    });

    this.alarms = [
      alarm('BounceRateAlarm', 'Reputation.BounceRate', props.bounceRateAlarm, 'SES reviews accounts from 5 %'),
      alarm('ComplaintRateAlarm', 'Reputation.ComplaintRate', props.complaintRateAlarm, 'SES reviews accounts from 0.1 %; Gmail wants < 0.3 %'),
      ...this.pauseAlarms,
      anyMessageAlarm(this, 'PauseFailedAlarm', dlq, 'Engage could not pause sending after an SES reputation alarm'),
    ];
  }
}
