/**
 * Contract tests of the Engage stack: what the template must say for the manifest's routes, the
 * schedules, IAM and cdk-nag. The app is synthesized once for the whole infra layer.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { probeBundle } from '../../bench/lambda-probe.js';
import { functionEnv, localGroupValues } from '../../local/env.js';
import { PRECOMPILED_MJML_FILE } from '../../shared/campaigns/mjml-compile.js';
import { ensureLocalKeyring } from '../../shared/platform/runtime/keyring.js';
import { EnvVar } from '../../shared/platform/config.js';
import { FunctionName, routes } from '../../shared/platform/contracts/functions.js';
import { CUSTOMERS_INDEX, DUE_INDEX, LOYALTY_DUE_INDEX, TableAttr } from '../../shared/platform/table/keys.js';
import { EngageFunction, FUNCTION_RUNTIME } from '../../infra/constructs/function.js';
import { assertScheduledRunPayload, JobSchedule, scheduledRunPayload } from '../../infra/constructs/job-schedule.js';
import { asList, synthesized, type Json } from './template.js';

const { stack, template, synthError, logicalId, fnId, roleId, statementsOf } = synthesized();
const outdir = mkdtempSync(path.join(tmpdir(), 'engage-cdk-probe-'));

describe('cdk-nag (AwsSolutions, validation plugin)', () => {
  it('synthesizes with no unacknowledged AwsSolutions finding', () => {
    expect(synthError).toBe('');
  });

  it('fails synth on an unacknowledged finding (the check is live, not silently skipped)', () => {
    const app = new App({ outdir: path.join(outdir, 'nag-probe') });
    const probe = new Stack(app, 'Probe');
    new Queue(probe, 'NoDlq', { enforceSSL: true }); // no DLQ: AwsSolutions-SQS3
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  });
});

describe('table', () => {
  it('has PITR, the TTL attribute, pk/sk keys, deletion protection and the sparse customers, due and loyaltyDue GSIs', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: TableAttr.pk, KeyType: 'HASH' },
          { AttributeName: TableAttr.sk, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: TableAttr.ttl, Enabled: true },
        GlobalSecondaryIndexes: [
          {
            IndexName: CUSTOMERS_INDEX,
            KeySchema: [{ AttributeName: TableAttr.gsi1pk, KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: DUE_INDEX,
            KeySchema: [
              { AttributeName: TableAttr.dueShard, KeyType: 'HASH' },
              { AttributeName: TableAttr.dueAt, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            // Keys only: rewritten only when a member's due date moves (the daily loyalty sweep's index).
            IndexName: LOYALTY_DUE_INDEX,
            KeySchema: [
              { AttributeName: TableAttr.loyaltyDueShard, KeyType: 'HASH' },
              { AttributeName: TableAttr.loyaltyDueOn, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
      }),
    });
  });
});

describe('routing: one consumer per entry of `routes`', () => {
  it('creates exactly one rule per route', () => {
    const routeRules = Object.values(template.findResources('AWS::Events::Rule')).filter((r: Json) => String(r.Properties.Description).startsWith('Engage route '));
    expect(routeRules.map((r: Json) => r.Properties.Description).sort()).toEqual(routes.map((r) => `Engage route ${r.id} → ${r.target}`).sort());
  });

  for (const route of routes) {
    describe(route.id, () => {
      const consumer = () => stack.consumers.find((c) => c.node.id === `${route.id}Route`)!;

      it(`rule on the ${route.bus ?? 'engage'} bus matches exactly the route pattern and targets its queue with DLQ + retries`, () => {
        template.hasResourceProperties('AWS::Events::Rule', {
          // SES publishes only to the default bus.
          EventBusName: route.bus === 'default' ? 'default' : { Ref: logicalId(stack.bus.bus) },
          EventPattern: { source: [...route.pattern.source], 'detail-type': [...route.pattern.detailType] },
          Targets: [
            Match.objectLike({
              Arn: { 'Fn::GetAtt': [logicalId(consumer().queue), 'Arn'] },
              DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(consumer().deadLetterQueue), 'Arn'] } },
              RetryPolicy: { MaximumRetryAttempts: Match.anyValue(), MaximumEventAgeInSeconds: Match.anyValue() },
            }),
          ],
        });
      });

      it('queue redrives to its DLQ after maxReceiveCount, encrypted, visibility ≥ 6× function timeout', () => {
        const queue = template.toJSON().Resources[logicalId(consumer().queue)] as Json;
        expect(queue.Properties.RedrivePolicy).toEqual({
          deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(consumer().deadLetterQueue), 'Arn'] },
          maxReceiveCount: route.maxReceiveCount,
        });
        expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
        const fn = template.toJSON().Resources[fnId(route.target)] as Json;
        expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Properties.Timeout);
      });

      it('event source mapping uses the route batch size and partial batch responses', () => {
        template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          EventSourceArn: { 'Fn::GetAtt': [logicalId(consumer().queue), 'Arn'] },
          FunctionName: { Ref: fnId(route.target) },
          BatchSize: route.batchSize,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        });
      });

      it('alarms on any message in the DLQ, notifying the alarm topic', () => {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(consumer().deadLetterQueue), 'QueueName'] } }],
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          AlarmActions: [{ Ref: logicalId(stack.monitoring.topic) }],
        });
      });
    });
  }
});

describe('job schedules', () => {
  const schedules = () => Object.values(template.findResources('AWS::Scheduler::Schedule')) as Json[];

  it.each([
    [FunctionName.SweepStart, 'cron(0 3 * * ? *)', 15, () => stack.sweep, {}],
    [FunctionName.SweepStart, 'cron(0 4 1 * ? *)', 15, () => stack.tierReview, { job: 'tier-review' }],
    [FunctionName.ModelRefit, 'cron(0 2 ? * SUN *)', 15, () => stack.refit, {}],
    [FunctionName.DispatchDue, 'rate(15 minutes)', 5, () => stack.due, {}],
    [FunctionName.WeeklyReport, 'cron(0 6 ? * MON *)', 15, () => stack.weeklyReport, {}],
  ] as const)('invokes %s on %s in a flexible window with retries, a DLQ and the scheduled-time payload', (fn, expression, window, job, extra) => {
    expect(schedules()).toHaveLength(5 + stack.campaignSchedules.length);
    const props = (template.toJSON().Resources[logicalId(job().schedule)] as Json).Properties as Json;
    expect(props.Target.Arn).toEqual({ 'Fn::GetAtt': [fnId(fn), 'Arn'] });
    expect(props.ScheduleExpression).toBe(expression);
    expect(props.FlexibleTimeWindow).toEqual({ Mode: 'FLEXIBLE', MaximumWindowInMinutes: window });
    expect(props.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 });
    expect(props.Target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [logicalId(job().deadLetterQueue), 'Arn'] } });
    expect(JSON.parse(props.Target.Input as string)).toEqual({
      scheduledTime: '<aws.scheduler.scheduled-time>',
      scheduleArn: '<aws.scheduler.schedule-arn>',
      ...extra,
    });
  });

  it('gives each scheduled campaign its own schedule, in its time zone, with its id in the payload', () => {
    const props = schedules().map((r) => r.Properties as Json).find((p) => JSON.parse(p.Target.Input as string).campaignId === 'monthly-favourites')!;
    expect(props.ScheduleExpression).toBe('cron(0 10 1 * ? *)');
    expect(props.ScheduleExpressionTimezone).toBe('Asia/Shanghai');
    expect(props.Target.Arn).toEqual({ 'Fn::GetAtt': [fnId(FunctionName.CampaignSchedule), 'Arn'] });
    expect(props.Target.DeadLetterConfig).toBeDefined();
  });

  it('accepts the real payload and rejects one the ScheduledRun contract would refuse', () => {
    expect(() => assertScheduledRunPayload(scheduledRunPayload)).not.toThrow();
    // execution-id changes per attempt and is no timestamp: exactly the mistake this guards.
    expect(() => assertScheduledRunPayload({ scheduledTime: '<aws.scheduler.execution-id>' })).toThrow(/scheduledTime/);
    expect(() => assertScheduledRunPayload({ time: '<aws.scheduler.scheduled-time>' })).toThrow(/ScheduledRun/);
    const probe = new Stack(new App(), 'Probe');
    const target = new LambdaFunction(probe, 'Fn', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: { bind: () => ({ inlineCode: 'x' }), bindToResource: () => {} } as never,
    });
    expect(() => new JobSchedule(probe, 'Bad', { target, expression: 'rate(1 day)', description: 'Bad', payload: { scheduledTime: 'tomorrow' } })).toThrow(
      /ScheduledRun contract/,
    );
  });
});

describe('functions', () => {
  const all = Object.values(FunctionName);

  it.each(all)('%s runs on ARM64, the chosen runtime, X-Ray active, with its own log group', (name) => {
    const fn = template.toJSON().Resources[fnId(name)] as Json;
    expect(fn.Properties).toMatchObject({
      Architectures: ['arm64'],
      Runtime: FUNCTION_RUNTIME.name,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logicalId(stack.functions[name].logGroup) } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    expect(fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME).toBe(name);
    expect(fn.Properties.Role).toEqual({ 'Fn::GetAtt': [roleId(name), 'Arn'] });
  });

  it('chose nodejs24.x, the newest Node runtime this aws-cdk-lib knows (AwsSolutions-L1)', () => {
    expect(FUNCTION_RUNTIME.name).toBe('nodejs24.x');
  });

  it('sets the sweep and churn settings from EnvVar names', () => {
    const vars = (name: FunctionName) => (template.toJSON().Resources[fnId(name)] as Json).Properties.Environment.Variables as Json;
    expect(vars(FunctionName.SweepStart)).toMatchObject({ [EnvVar.sweepSegments]: '4', [EnvVar.tableName]: { Ref: logicalId(stack.table.table) } });
    expect(vars(FunctionName.ChurnSweep)).toMatchObject({ [EnvVar.atRiskMultiple]: '2', [EnvVar.churnedMultiple]: '4', [EnvVar.defaultGapDays]: '60' });
    expect(vars(FunctionName.CampaignDispatch)).toMatchObject({
      [EnvVar.campaignsDir]: '/var/task/campaigns',
      [EnvVar.senderEmail]: 'noreply@example.com',
      [EnvVar.configurationSet]: { Ref: logicalId(stack.mail.configurationSet) },
    });
  });

  describe('campaign bundles (bundled for real, then built in a Lambda-like process: only Node built-ins and the AWS SDK resolvable)', () => {
    const dir = path.join(outdir, 'bundle-probe');
    const assets = {} as Record<'dispatch' | 'schedule' | 'report', string>;
    const keyringFile = path.join(outdir, 'keyring.json');
    const envFor = (name: FunctionName, asset: string) =>
      functionEnv(name, localGroupValues({ tableName: 'engage-probe', eventBusName: 'engage-probe', campaignsDir: path.join(asset, 'campaigns'), loyaltyConfig: 'unused', linksUrl: 'https://links.example.com', keyringFile, reportDir: path.join(outdir, 'reports'), refitDir: path.join(outdir, 'refit'), webhookSecretsFile: 'unused' }));

    beforeAll(() => {
      const app = new App({ outdir: dir });
      const probe = new Stack(app, 'Probe');
      const fns = {
        dispatch: new EngageFunction(probe, 'CampaignDispatch', { name: FunctionName.CampaignDispatch }),
        schedule: new EngageFunction(probe, 'CampaignSchedule', { name: FunctionName.CampaignSchedule }),
        report: new EngageFunction(probe, 'WeeklyReport', { name: FunctionName.WeeklyReport }),
      };
      app.synth();
      const resources = Template.fromStack(probe).toJSON().Resources as Json;
      for (const [k, fn] of Object.entries(fns)) {
        const code = resources[probe.getLogicalId(fn.node.defaultChild as CfnElement)].Properties.Code;
        assets[k as keyof typeof assets] = path.join(dir, `asset.${String(code.S3Key).replace(/\.zip$/, '')}`);
      }
      ensureLocalKeyring(keyringFile);
    }, 120_000);

    it('campaign-dispatch: ESM, the campaigns and their build-time MJML output inside, MJML itself left out', () => {
      const bundle = readFileSync(path.join(assets.dispatch, 'index.mjs'), 'utf8');
      expect(bundle).toContain('createRequire');
      expect(existsSync(path.join(assets.dispatch, 'campaigns', 'win-back.yaml'))).toBe(true);
      expect(existsSync(path.join(assets.dispatch, 'campaigns', PRECOMPILED_MJML_FILE))).toBe(true);
      // MJML with its dependencies (the TypeScript compiler among them) was ~7.6 MB of this bundle.
      expect(bundle).not.toContain('mjml-core');
      expect(bundle.length).toBeLessThan(1.5e6);
    });

    it('campaign-dispatch builds its handler from the bundle alone (templates from the build-time output)', () => {
      expect(probeBundle(assets.dispatch, envFor(FunctionName.CampaignDispatch, assets.dispatch)).buildMs).toBeGreaterThan(0);
    }, 60_000);

    it('weekly-report reads the flows from its bundled campaigns (definitions only) and builds from the bundle alone', () => {
      expect(existsSync(path.join(assets.report, 'campaigns', 'abandoned-checkout.yaml'))).toBe(true);
      expect(probeBundle(assets.report, envFor(FunctionName.WeeklyReport, assets.report)).buildMs).toBeGreaterThan(0);
    }, 60_000);

    it('campaign-schedule loads campaigns without templates: no MJML output bundled, and none needed', () => {
      expect(existsSync(path.join(assets.schedule, 'campaigns', PRECOMPILED_MJML_FILE))).toBe(false);
      expect(probeBundle(assets.schedule, envFor(FunctionName.CampaignSchedule, assets.schedule)).buildMs).toBeGreaterThan(0);
    }, 60_000);
  });

  it('every function has an Errors alarm wired to the alarm topic', () => {
    for (const name of all) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId(name) } }],
        AlarmActions: [{ Ref: logicalId(stack.monitoring.topic) }],
      });
    }
  });
});

describe('IAM least privilege', () => {
  it('campaign-dispatch may ses:SendEmail, but never on "*"', () => {
    const ses = statementsOf(FunctionName.CampaignDispatch).filter((s) => asList(s.Action).includes('ses:SendEmail'));
    expect(ses).toHaveLength(1);
    expect(asList(ses[0]!.Resource)).not.toContain('*');
    expect(JSON.stringify(ses[0]!.Resource)).toContain('configuration-set/');
  });

  it('"*" as a resource appears only for the X-Ray actions and the send lanes\' ses:GetAccount (the acknowledged IAM5 wildcards)', () => {
    for (const name of Object.values(FunctionName)) {
      for (const s of statementsOf(name)) {
        const allowed = (a: string) => a.startsWith('xray:') || (a === 'ses:GetAccount' && name === FunctionName.CampaignDispatch);
        if (asList(s.Resource).includes('*')) expect(asList(s.Action).every(allowed)).toBe(true);
      }
    }
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    for (const role of Object.values(template.findResources('AWS::IAM::Role')) as Json[]) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('mail and monitoring', () => {
  it('SES configuration set: reputation metrics, sending on, BOUNCE+COMPLAINT suppression, TLS required', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      ReputationOptions: { ReputationMetricsEnabled: true },
      SendingOptions: { SendingEnabled: true },
      SuppressionOptions: { SuppressedReasons: Match.arrayWith(['BOUNCE', 'COMPLAINT']) },
      DeliveryOptions: Match.objectLike({ TlsPolicy: 'REQUIRE' }),
    });
  });

  it('alarm topic is KMS-encrypted', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });
});

describe('shopper links', () => {
  it('exposes the links function through a public Function URL (the signed token is the authorisation)', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': [fnId(FunctionName.Links), 'Arn'] } });
  });

  it('points the links in mail at the CloudFront distribution (no custom domain in this stage)', () => {
    const vars = (template.toJSON().Resources[fnId(FunctionName.CampaignDispatch)] as Json).Properties.Environment.Variables as Json;
    expect(vars[EnvVar.publicBaseUrl]).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.links.distribution), 'DomainName'] }]] });
    expect(vars[EnvVar.keyringSecretId]).toEqual({ Ref: logicalId(stack.links.keyring) });
  });
});

describe('shop webhooks', () => {
  it('exposes the webhooks function through its own public Function URL (each delivery is HMAC-signed)', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': [fnId(FunctionName.Webhooks), 'Arn'] } });
  });

  it('names the signing-secrets secret to the webhooks function only', () => {
    const resources = template.toJSON().Resources as Record<string, Json>;
    const holders = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && (r.Properties.Environment?.Variables as Json | undefined)?.[EnvVar.webhookSecretId])
      .map(([id]) => id);
    expect(holders).toEqual([fnId(FunctionName.Webhooks)]);
  });
});

describe('SES feedback', () => {
  it('publishes bounces, complaints, deliveries, rejects, rendering failures, delays, opens and clicks of the configuration set to the default bus', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint', 'delivery', 'reject', 'renderingFailure', 'deliveryDelay', 'open', 'click'],
        EventBridgeDestination: { EventBusArn: Match.anyValue() },
      }),
    });
  });
});
