/**
 * Operability (issue 10, item 9, and the alarm half of item 1): every queue's age and dead
 * letters, throttles, failed scheduled runs, SES reputation with an automatic pause, business
 * metrics, a dashboard; every alarm reaches the topic (and production requires its address).
 */
import { describe, expect, it } from 'vitest';
import { FunctionName, functionNames, manifest } from '../../shared/platform/contracts/functions.js';
import { METRICS_NAMESPACE, METRICS_SERVICE, SendMetric } from '../../shared/platform/runtime/metrics.js';
import { synthesized, type Json } from './template.js';

const { stack, template, logicalId, fnId, resource } = synthesized();
const prod = synthesized('prod');
const topic = [{ Ref: logicalId(stack.monitoring.topic) }];
const alarms = () => Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a: Json) => a.Properties as Json);
const queueAlarm = (queue: { node: { defaultChild?: unknown } }, metric: string) =>
  alarms().find((a) => a.MetricName === metric && JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(queue), 'QueueName'] } }]));

describe('queues', () => {
  it.each(stack.consumers.map((c) => [c.node.id, c] as const))('%s: the oldest message waiting over 30 minutes alarms, as does a dead letter older than 7 days', (_, c) => {
    expect(queueAlarm(c.queue, 'ApproximateAgeOfOldestMessage')).toMatchObject({ Threshold: 1800, AlarmActions: topic });
    expect(queueAlarm(c.deadLetterQueue, 'ApproximateAgeOfOldestMessage')).toMatchObject({ Threshold: 7 * 86400, AlarmActions: topic });
    expect(queueAlarm(c.deadLetterQueue, 'ApproximateNumberOfMessagesVisible')).toMatchObject({ Threshold: 0, AlarmActions: topic });
  });
});

describe('functions', () => {
  it.each(functionNames)('%s: sustained throttling alarms', (name) => {
    const a = alarms().find((x) => x.MetricName === 'Throttles' && JSON.stringify(x.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: fnId(name) } }]));
    expect(a).toMatchObject({ Threshold: 0, EvaluationPeriods: 3, DatapointsToAlarm: 2, AlarmActions: topic });
  });

  const scheduled = functionNames.filter((n) => manifest[n].trigger.kind === 'schedule');
  it.each(scheduled)('%s (scheduled): a run that fails after Lambda\'s retries goes to a failure queue, which alarms', (name) => {
    const failures = stack.jobFailures[name]!;
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId(name) },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(failures.queue), 'Arn'] } } },
    });
    expect(queueAlarm(failures.queue, 'ApproximateNumberOfMessagesVisible')).toMatchObject({ Threshold: 0, AlarmActions: topic });
  });
});

describe('SES reputation', () => {
  const ses = (metric: string, threshold: number) => alarms().find((a) => a.Namespace === 'AWS/SES' && a.MetricName === metric && a.Threshold === threshold);

  it('alarms on the bounce and complaint rates below the levels where SES reviews an account', () => {
    expect(ses('Reputation.BounceRate', 0.04)).toMatchObject({ AlarmActions: topic });
    expect(ses('Reputation.ComplaintRate', 0.0008)).toMatchObject({ AlarmActions: topic });
  });

  it('above the pause limits, the alarm starts a state machine that disables this configuration set\'s sending', () => {
    const pause = stack.sendingGuard.pauseAlarms.map((a) => ({ 'Fn::GetAtt': [logicalId(a), 'Arn'] }));
    expect(ses('Reputation.BounceRate', 0.08)).toMatchObject({ AlarmActions: topic });
    expect(ses('Reputation.ComplaintRate', 0.004)).toMatchObject({ AlarmActions: topic });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], resources: pause, detail: { state: { value: ['ALARM'] } } },
      Targets: [{ Arn: { Ref: logicalId(stack.sendingGuard.stateMachine) } }],
    });
    const definition = JSON.stringify(resource(logicalId(stack.sendingGuard.stateMachine)).Properties.DefinitionString);
    expect(definition).toContain('aws-sdk:sesv2:putConfigurationSetSendingOptions');
    expect(definition).toContain('\\"SendingEnabled\\":false');
    expect(definition).toContain(logicalId(stack.mail.configurationSet));
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p: Json) =>
      JSON.stringify(p.Properties.Roles).includes(logicalId(stack.sendingGuard.stateMachine.role as never)),
    ) as Json;
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"Action":"ses:PutConfigurationSetSendingOptions"');
  });
});

describe('business metrics', () => {
  it('alarm on mail refused for good and on mail whose sending is unknown, by the names the helper emits', () => {
    for (const name of [SendMetric.failed, SendMetric.unknown]) {
      expect(alarms().find((a) => a.MetricName === name)).toMatchObject({
        Namespace: METRICS_NAMESPACE,
        Dimensions: [{ Name: 'service', Value: METRICS_SERVICE }],
        AlarmActions: topic,
      });
    }
  });

  it('a dashboard shows every decision, skips by reason, SES reputation, queues and functions', () => {
    const body = JSON.stringify(resource(logicalId(stack.dashboard.dashboard)).Properties.DashboardBody);
    for (const name of [...Object.values(SendMetric), 'Reputation.BounceRate', 'Reputation.ComplaintRate', 'ApproximateAgeOfOldestMessage', 'Throttles', 'SEARCH(']) {
      expect(body).toContain(name);
    }
  });
});

describe('the alarm topic', () => {
  it('reaches the alarm address of the production stage', () => {
    prod.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@maple-tea.cn', TopicArn: { Ref: prod.logicalId(prod.stack.monitoring.topic) } });
  });

  it('every alarm of the stack notifies it', () => {
    const silent = alarms().filter((a) => JSON.stringify(a.AlarmActions) !== JSON.stringify(topic));
    expect(silent.map((a) => a.AlarmDescription)).toEqual([]);
  });
});

describe('the links function', () => {
  it('has the origin secret and keyring variables only in AWS, set from the stack', () => {
    expect(Object.keys(resource(fnId(FunctionName.Links)).Properties.Environment.Variables)).toEqual(expect.arrayContaining(['LINK_ORIGIN_SECRET_ID', 'TOKEN_KEYRING_SECRET_ID']));
  });
});
