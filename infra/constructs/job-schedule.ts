import { ArnFormat, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ContextAttribute, type IScheduleGroup, Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ScheduledRun } from '../../shared/platform/contracts/events.js';
import { acknowledgeNag, nagArnRef } from '../nag.js';
import { anyMessageAlarm, DEAD_LETTER_MAX_AGE, oldestMessageAlarm } from './queue-alarms.js';

/**
 * The payload the schedule sends. scheduled-time is stable across the retries of one run, so
 * the job can key the run on it; execution-id would change per attempt.
 */
export const scheduledRunPayload = {
  scheduledTime: ContextAttribute.scheduledTime,
  scheduleArn: ContextAttribute.scheduleArn,
} as const;

/** Example values Scheduler substitutes for its context attributes, for synth-time validation. */
const CONTEXT_SAMPLES: Record<string, string> = {
  [ContextAttribute.scheduledTime]: '2026-01-01T03:00:00Z',
  [ContextAttribute.scheduleArn]: 'arn:aws:scheduler:us-east-1:123456789012:schedule/default/engage-job',
  [ContextAttribute.executionId]: 'd7c1a2b3-0000-4000-8000-000000000000',
  [ContextAttribute.attemptNumber]: '1',
};

/**
 * Throws unless `payload`, with Scheduler's placeholders substituted, satisfies the shared
 * `ScheduledRun` schema: a payload the handler would reject fails `cdk synth` instead of the 3 am run.
 */
export function assertScheduledRunPayload(payload: unknown): void {
  const substituted: unknown = JSON.parse(JSON.stringify(payload), (_key, value: unknown) =>
    typeof value === 'string' && value in CONTEXT_SAMPLES ? CONTEXT_SAMPLES[value] : value,
  );
  const result = ScheduledRun.safeParse(substituted);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`Schedule payload does not match the ScheduledRun contract: ${problems}`);
  }
}

export interface JobScheduleProps {
  readonly target: IFunction;
  /** A Scheduler expression, e.g. `cron(0 3 * * ? *)` (UTC). */
  readonly expression: string;
  readonly description: string;
  /** @default 15: a window longer than the period of a frequent job would blur it. */
  readonly flexibleWindowMinutes?: number;
  /** IANA zone the cron expression is read in. @default UTC */
  readonly timeZone?: string;
  /** The stage's schedule group; the invoke role trusts only schedules in it. @default the account's default group */
  readonly group?: IScheduleGroup;
  /** Payload override, only for tests of the synth-time check. @default scheduledRunPayload */
  readonly payload?: Record<string, unknown>;
}

/** EventBridge Scheduler → a job function, with retries and a DLQ so a missed run is visible. */
export class JobSchedule extends Construct {
  readonly schedule: Schedule;
  readonly deadLetterQueue: Queue;
  readonly dlqAlarm: Alarm;
  readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: JobScheduleProps) {
    super(scope, id);
    const payload = props.payload ?? scheduledRunPayload;
    assertScheduledRunPayload(payload);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeNag(this.deadLetterQueue, 'AwsSolutions-SQS3', 'This queue is the dead-letter queue of a schedule');

    // Our own role (not the shared one the target would create) so its acknowledgment stays local.
    // Scheduler may assume it only for schedules of this account in this stage's group (confused
    // deputy): Scheduler sets aws:SourceArn to the schedule *group*.
    const stack = Stack.of(this);
    const groupArn =
      props.group?.scheduleGroupArn ??
      stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    const role = new Role(this, 'InvokeRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': groupArn },
      }),
    });
    acknowledgeNag(
      role,
      `AwsSolutions-IAM5[Resource::${nagArnRef(props.target)}:*]`,
      'Versions/aliases of the target function only, as granted by grantInvoke',
    );

    this.schedule = new Schedule(this, 'Schedule', {
      description: props.description,
      ...(props.group ? { scheduleGroup: props.group } : {}),
      schedule: ScheduleExpression.expression(props.expression, props.timeZone ? TimeZone.of(props.timeZone) : undefined),
      // Spreads the run in a window: no exact-minute requirement, and it eases Lambda bursts.
      timeWindow: TimeWindow.flexible(Duration.minutes(props.flexibleWindowMinutes ?? 15)),
      target: new LambdaInvoke(props.target, {
        role,
        input: ScheduleTargetInput.fromObject(payload),
        retryAttempts: 5,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });

    // The group is named, not referenced, in the schedule: without this CloudFormation could
    // create the schedule before its group.
    if (props.group) this.schedule.node.addDependency(props.group);

    this.dlqAlarm = anyMessageAlarm(this, 'DeadLetterAlarm', this.deadLetterQueue, `${props.description}: an invocation was given up`);
    this.alarms = [this.dlqAlarm, oldestMessageAlarm(this, 'DeadLetterAgeAlarm', this.deadLetterQueue, DEAD_LETTER_MAX_AGE, `${props.description}: dead letters not looked at`)];
  }
}
