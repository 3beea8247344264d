/**
 * Send lanes (issue 10, item 1): two lane queues feed campaign dispatch, each event source capped
 * by its lane's maxConcurrency; the function may read the SES account and hold records in exactly
 * its lane queues; a paused account and a used-up quota each alarm on the topic.
 */
import { describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { FunctionName, routes } from '../../shared/platform/contracts/functions.js';
import { METRICS_NAMESPACE, SendMetric } from '../../shared/platform/runtime/metrics.js';
import { asList, synthesized, type Json } from './template.js';

const { stack, template, logicalId, fnId, statementsOf } = synthesized();
const lanes = stack.consumers.filter((c) => routes.find((r) => `${r.id}Route` === c.node.id)?.lane);
const laneOf = (id: string) => routes.find((r) => `${r.id}Route` === id)!.lane!;

describe('send lanes', () => {
  it('are two: one transactional, one bulk, both feeding campaign dispatch (shopper activity rides the transactional lane)', () => {
    expect(lanes.map((c) => [c.node.id, laneOf(c.node.id).name]).sort()).toEqual([
      ['CampaignTriggersRoute', 'bulk'],
      ['DeliveryFollowUpsRoute', 'transactional'],
      ['ShopActivityRoute', 'transactional'],
    ]);
  });

  it.each(lanes.map((c) => [c.node.id, c] as const))('%s: its event source runs at most its lane\'s maxConcurrency dispatchers, with partial batch responses', (id, c) => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(c.queue), 'Arn'] },
      FunctionName: { Ref: fnId(FunctionName.CampaignDispatch) },
      ScalingConfig: { MaximumConcurrency: laneOf(id).maxConcurrency },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('no other event source is capped: only sending is paced', () => {
    const capped = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).filter((m: Json) => m.Properties.ScalingConfig);
    expect(capped).toHaveLength(lanes.length);
  });

  it('campaign dispatch may read the SES account and hold back records of exactly its lane queues', () => {
    const statements = statementsOf(FunctionName.CampaignDispatch);
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'ses:GetAccount', Resource: '*', Effect: 'Allow' }));
    // (the event source mapping's own statements also carry ChangeMessageVisibility, never SendMessage)
    const holds = statements.filter((s) => asList(s.Action).includes('sqs:SendMessage'));
    for (const s of holds) expect(asList(s.Action).sort()).toEqual(['sqs:ChangeMessageVisibility', 'sqs:SendMessage']);
    const arn = (r: Json) => JSON.stringify(r);
    expect(holds.map((s) => arn(s.Resource)).sort()).toEqual(lanes.map((c) => arn({ 'Fn::GetAtt': [logicalId(c.queue), 'Arn'] })).sort());
  });

  it.each([
    ['LanePausedAlarm', 'lane-paused'],
    ['LaneQuotaAlarm', 'lane-quota'],
  ])('%s: any record held back because SES is paused / its daily quota is used up alarms on the topic', (id, reason) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS_NAMESPACE,
      MetricName: SendMetric.deferred,
      Dimensions: Match.arrayWith([{ Name: 'reason', Value: reason }]),
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: logicalId(stack.monitoring.topic) }],
    });
    expect(stack.monitoring.node.tryFindChild(id)).toBeDefined();
  });
});
