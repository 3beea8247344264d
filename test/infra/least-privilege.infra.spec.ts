/**
 * Least privilege from the manifest (issue 10, item 8), beyond what functions.infra.spec.ts checks
 * per function: the public links role, sending only as the shop, schedules that only this stage's
 * schedule group can use, a shop publisher that cannot forge Engage's own events, and an archive
 * without personal data.
 */
import { describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { SHOP_DETAIL_TYPES, UNARCHIVED_EVENTS } from '../../infra/constructs/event-bus.js';
import { DetailType, ENGAGE_SOURCE, SHOP_SOURCE } from '../../shared/platform/contracts/events.js';
import { FunctionName, functionNames, specOf } from '../../shared/platform/contracts/functions.js';
import { asList, synthesized, type Json } from './template.js';

const { stack, template, logicalId, statementsOf, statementsOfRole, resource } = synthesized();
const tableArn = { 'Fn::GetAtt': [logicalId(stack.table.table), 'Arn'] };

describe('the table', () => {
  it('the public links function cannot Scan, and reaches only customer partitions, the hashed address list and the KPI counters', () => {
    const dynamo = statementsOf(FunctionName.Links).filter((s) => asList(s.Action).some((a: string) => a.startsWith('dynamodb:')));
    expect(dynamo.flatMap((s) => asList(s.Action))).not.toContain('dynamodb:Scan');
    expect(dynamo.map((s) => [s.Resource, s.Condition])).toEqual([[tableArn, { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CUST#*', 'SUPPRESS#*', 'KPI#*'] } }]]);
  });

  it('the public webhooks function cannot Scan, and reaches only its delivery claims, the order owners and the erasure tombstones', () => {
    const dynamo = statementsOf(FunctionName.Webhooks).filter((s) => asList(s.Action).some((a: string) => a.startsWith('dynamodb:')));
    expect(dynamo.flatMap((s) => asList(s.Action))).not.toContain('dynamodb:Scan');
    expect(dynamo.map((s) => [s.Resource, s.Condition])).toEqual([[tableArn, { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['WEBHOOK#*', 'ORDEROWNER#*', 'ERASED#*'] } }]]);
    expect(asList(dynamo[0]!.Resource)).toEqual([tableArn]);
  });

  it('the weekly report may only put report pages and digest markers, and delete markers, in its private bucket', () => {
    const s3 = statementsOf(FunctionName.WeeklyReport).filter((s) => asList(s.Action).some((a: string) => a.startsWith('s3:')));
    expect(s3.map((s) => [asList(s.Action), JSON.stringify(s.Resource)])).toEqual([
      [['s3:PutObject'], expect.stringMatching(/reports\/\*.*digests\/\*/)],
      [['s3:DeleteObject'], expect.stringMatching(/digests\/\*/)],
    ]);
    const [bucket] = Object.values(template.findResources('AWS::S3::Bucket')) as Json[];
    expect(bucket!.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket!.DeletionPolicy).toBe('Retain');
  });

  it('no function may read the table outside its partition families; the weekly report reads only the KPI counters (erasure queries the customer partition)', () => {
    const unconditioned = functionNames.filter((n) =>
      statementsOf(n).some((s) => JSON.stringify(asList(s.Resource)) === JSON.stringify([tableArn]) && asList(s.Action).some((a: string) => a.startsWith('dynamodb:')) && !s.Condition),
    );
    expect(unconditioned).toEqual([]);
    const report = statementsOf(FunctionName.WeeklyReport).filter((s) => asList(s.Action).some((a: string) => a.startsWith('dynamodb:')));
    expect(report.flatMap((s) => asList(s.Action))).not.toContain('dynamodb:Scan');
    expect(report.map((s) => s.Condition)).toEqual([{ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['KPI#*'] } }]);
    const reportActions = statementsOf(FunctionName.WeeklyReport).flatMap((s) => asList(s.Action)).filter((a: string) => a.startsWith('dynamodb:'));
    expect(reportActions.filter((a: string) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
    const erase = statementsOf(FunctionName.CustomerErase).filter((s) => asList(s.Action).some((a: string) => a.startsWith('dynamodb:')));
    expect(erase.flatMap((s) => asList(s.Action))).not.toContain('dynamodb:Scan');
    expect(erase.map((s) => s.Condition)).toEqual([{ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CUST#*', 'COUPON#*', 'SUPPRESS#*', 'ERASED#*', 'ORDEROWNER#*', 'KPI#*'] } }]);
  });

  it('no policy names index/* (exact index ARNs only)', () => {
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('/index/*');
  });
});

describe('sending', () => {
  it('campaign-dispatch may send only from the configured address, through its identity and configuration set', () => {
    const [ses] = statementsOf(FunctionName.CampaignDispatch).filter((s) => asList(s.Action).includes('ses:SendEmail'));
    expect(ses!.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'noreply@example.com' } });
    expect(JSON.stringify(ses!.Resource)).toContain('configuration-set/');
    expect(asList(ses!.Resource)).not.toContain('*');
  });
});

describe('schedules', () => {
  const invokeRoles = () => Object.values(template.findResources('AWS::IAM::Role')).filter((r: Json) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com')) as Json[];

  it('every schedule is in the stage\'s own schedule group, created after it', () => {
    for (const s of Object.values(template.findResources('AWS::Scheduler::Schedule')) as Json[]) {
      expect(s.Properties.GroupName).toBe('engage-dev');
      expect(s.DependsOn).toContain(logicalId(stack.scheduleGroup));
    }
  });

  it('Scheduler may assume an invoke role only for this account and this group (confused deputy)', () => {
    expect(invokeRoles().length).toBe(5 + stack.campaignSchedules.length);
    for (const role of invokeRoles()) {
      const [statement] = role.Properties.AssumeRolePolicyDocument.Statement as Json[];
      expect(statement!.Condition).toEqual({
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' }, 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(stack.scheduleGroup), 'Arn'] } },
      });
    }
  });
});

describe('the shop publisher role', () => {
  const roleId = logicalId(stack.bus.shopPublisherRole);

  it('may only put engage.shop events of the shop contracts on the Engage bus, so nobody can forge engage.core events', () => {
    expect(statementsOfRole(roleId)).toEqual([
      {
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: { 'Fn::GetAtt': [logicalId(stack.bus.bus), 'Arn'] },
        Condition: { StringEquals: { 'events:source': SHOP_SOURCE, 'events:detail-type': SHOP_DETAIL_TYPES } },
      },
    ]);
    expect(SHOP_DETAIL_TYPES).toContain(DetailType.OrderPlaced);
    expect(SHOP_DETAIL_TYPES).not.toContain(DetailType.CampaignScheduledSend);
    expect(SHOP_SOURCE).not.toBe(ENGAGE_SOURCE);
  });

  it('is assumable from this account and its ARN is an output', () => {
    expect(JSON.stringify(resource(roleId).Properties.AssumeRolePolicyDocument)).toContain(':root');
    template.hasOutput('*', { Value: { 'Fn::GetAtt': [roleId, 'Arn'] } });
  });
});

describe('the archive', () => {
  it('keeps every Engage event except personal data (profiles) and erasure requests', () => {
    template.hasResourceProperties('AWS::Events::Archive', {
      EventPattern: { account: [{ Ref: 'AWS::AccountId' }], 'detail-type': [{ 'anything-but': [...UNARCHIVED_EVENTS] }] },
    });
    expect(UNARCHIVED_EVENTS).toEqual([DetailType.CustomerUpserted, DetailType.CustomerEraseRequested]);
  });
});

describe('grants come from the manifest', () => {
  it('only the webhooks function may read the webhook signing secrets', () => {
    expect(functionNames.filter((n) => specOf(n).grants.webhookSecrets)).toEqual([FunctionName.Webhooks]);
  });

  it('only the links function may read the origin secret', () => {
    expect(functionNames.filter((n) => specOf(n).grants.origin)).toEqual([FunctionName.Links]);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['secretsmanager:GetSecretValue']), Resource: { Ref: logicalId(stack.links.originSecret) } })]) },
    });
  });
});
