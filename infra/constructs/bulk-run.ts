import { type CfnElement, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { BulkJob } from '../../shared/platform/bulk.js';
import { runFunctionsOf, type FunctionName } from '../../shared/platform/contracts/functions.js';
import { BULK_RUN_TIMEOUT, bulkRunComment, bulkRunDefinition, type BulkRunLimits } from '../bulk-definition.js';
import { acknowledgeNag, nagArnRef } from '../nag.js';

export interface BulkRunProps {
  readonly job: BulkJob;
  readonly fnOf: (name: FunctionName) => IFunction;
  readonly limits: BulkRunLimits;
}

/**
 * One bulk run's state machine (infra/bulk-definition.ts), its logs, and alarms on executions
 * that failed, timed out or were aborted: a failed run is redriven (README runbook), and the
 * starter's name-per-scheduled-time keeps a re-fired schedule from starting a second one.
 */
export class BulkRun extends Construct {
  readonly stateMachine: StateMachine;
  readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: BulkRunProps) {
    super(scope, id);
    const logs = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      comment: bulkRunComment(props.job),
      definitionBody: DefinitionBody.fromChainable(bulkRunDefinition(this, props.job, props.fnOf, props.limits)),
      stateMachineType: StateMachineType.STANDARD,
      timeout: BULK_RUN_TIMEOUT,
      tracingEnabled: true,
      // Execution data carries scan cursors (customer keys): the events are logged without it.
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    });
    const sm = this.stateMachine;
    acknowledgeNag(sm, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray and CloudWatch Logs delivery actions, which take no resource');
    for (const name of runFunctionsOf(props.job)) acknowledgeNag(sm, `AwsSolutions-IAM5[Resource::${nagArnRef(props.fnOf(name))}:*]`, `Versions/aliases of the Task function ${name} only`);
    // cdk-nag names the ARN as CDK rendered it: literal region and account when the stage pins them.
    const stack = Stack.of(this);
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const self = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${stack.getLogicalId(sm.node.defaultChild as CfnElement)}"}]}]}`;
    for (const suffix of [':*', '/*:*']) {
      acknowledgeNag(sm, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${region}:${account}:execution:${self}${suffix}]`, "The Distributed Map's child executions of this state machine only");
    }

    const alarm = (name: string, metric: ReturnType<StateMachine['metricFailed']>, what: string) =>
      new Alarm(this, name, {
        alarmDescription: `Engage bulk run ${props.job}: an execution ${what} (see README: a failed bulk run)`,
        metric,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    const period = { period: Duration.minutes(5), statistic: 'Sum' };
    this.alarms = [
      alarm('ExecutionsFailed', this.stateMachine.metricFailed(period), 'failed'),
      alarm('ExecutionsTimedOut', this.stateMachine.metricTimedOut(period), 'timed out'),
      alarm('ExecutionsAborted', this.stateMachine.metricAborted(period), 'was aborted'),
    ];
  }

  /** states:StartExecution on this state machine (the starter names executions itself). */
  grantStart(grantee: IGrantable): void {
    this.stateMachine.grantStartExecution(grantee);
  }
}
