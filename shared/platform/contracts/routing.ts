/**
 * Routing: which events reach which function. The CDK stack builds its EventBridge rules from
 * this list and the local runner delivers with `matches` over the same list, so the two cannot
 * drift apart. Patterns are deliberately limited to source + detail-type lists, which `matches`
 * implements exactly as EventBridge does for those fields.
 */
import { DetailType, ENGAGE_SOURCE, SES_SOURCE, SHOP_SOURCE, type DetailTypeName } from './events.js';

export const FunctionName = {
  OrderEvents: 'order-events',
  CustomerUpsert: 'customer-upsert',
  SweepStart: 'sweep-start',
  ChurnSweep: 'churn-sweep',
  CampaignDispatch: 'campaign-dispatch',
  ModelRefit: 'model-refit',
  Links: 'links',
  Loyalty: 'loyalty',
  LoyaltySweep: 'loyalty-sweep',
  DispatchDue: 'dispatch-due',
  SesFeedback: 'ses-feedback',
  CustomerErase: 'customer-erase',
  CampaignSchedule: 'campaign-schedule',
} as const;
export type FunctionName = (typeof FunctionName)[keyof typeof FunctionName];

export interface EventPattern {
  source: readonly string[];
  detailType: readonly DetailTypeName[];
}

export interface Route {
  /** Construct id of the rule and its queue. */
  id: string;
  target: FunctionName;
  pattern: EventPattern;
  /** SQS → Lambda batch size; failed records are retried alone (partial batch response). */
  batchSize: number;
  /** Receives before a record moves to the route's dead-letter queue. */
  maxReceiveCount: number;
  /** Which bus the rule sits on: Engage's own, or the account default bus (where SES publishes). */
  bus?: 'engage' | 'default';
}

export const routes: readonly Route[] = [
  {
    id: 'OrderEvents',
    target: FunctionName.OrderEvents,
    pattern: {
      source: [SHOP_SOURCE],
      detailType: [DetailType.OrderPlaced, DetailType.OrderFulfilled, DetailType.OrderCancelled, DetailType.OrderRefunded],
    },
    batchSize: 10,
    maxReceiveCount: 5,
  },
  {
    id: 'CustomerUpserts',
    target: FunctionName.CustomerUpsert,
    pattern: { source: [SHOP_SOURCE], detailType: [DetailType.CustomerUpserted] },
    batchSize: 10,
    maxReceiveCount: 5,
  },
  {
    id: 'SweepSegments',
    target: FunctionName.ChurnSweep,
    pattern: { source: [ENGAGE_SOURCE], detailType: [DetailType.SweepSegmentRequested] },
    batchSize: 1,
    maxReceiveCount: 3,
  },
  {
    id: 'LoyaltyEvents',
    target: FunctionName.Loyalty,
    pattern: {
      source: [SHOP_SOURCE],
      detailType: [DetailType.OrderPlaced, DetailType.OrderFulfilled, DetailType.OrderCancelled, DetailType.OrderRefunded, DetailType.PointsRedeemRequested],
    },
    batchSize: 10,
    maxReceiveCount: 5,
  },
  {
    id: 'LoyaltySegments',
    target: FunctionName.LoyaltySweep,
    pattern: { source: [ENGAGE_SOURCE], detailType: [DetailType.LoyaltySegmentRequested] },
    batchSize: 1,
    maxReceiveCount: 3,
  },
  {
    id: 'CampaignTriggers',
    target: FunctionName.CampaignDispatch,
    pattern: {
      source: [ENGAGE_SOURCE],
      detailType: [
        DetailType.CustomerRiskChanged,
        DetailType.CustomerTierChanged,
        DetailType.BirthdayRewarded,
        DetailType.SurveyLowScore,
        DetailType.CampaignScheduledSend,
        DetailType.CampaignSendDue,
      ],
    },
    batchSize: 10,
    maxReceiveCount: 5,
  },
  {
    // Shop deliveries start follow-ups (post-delivery survey); same function, its own queue.
    id: 'DeliveryFollowUps',
    target: FunctionName.CampaignDispatch,
    pattern: { source: [SHOP_SOURCE], detailType: [DetailType.OrderFulfilled] },
    batchSize: 10,
    maxReceiveCount: 5,
  },
  {
    id: 'CustomerErasure',
    target: FunctionName.CustomerErase,
    pattern: { source: [SHOP_SOURCE], detailType: [DetailType.CustomerEraseRequested] },
    batchSize: 1,
    maxReceiveCount: 5,
  },
  {
    id: 'SesFeedback',
    target: FunctionName.SesFeedback,
    pattern: { source: [SES_SOURCE], detailType: [DetailType.SesBounced, DetailType.SesComplaint, DetailType.SesDelivered] },
    batchSize: 10,
    maxReceiveCount: 5,
    bus: 'default',
  },
];

export function matches(pattern: EventPattern, event: { source: string; 'detail-type': string }): boolean {
  return pattern.source.includes(event.source) && (pattern.detailType as readonly string[]).includes(event['detail-type']);
}

export function routesFor(event: { source: string; 'detail-type': string }): Route[] {
  return routes.filter((r) => matches(r.pattern, event));
}
