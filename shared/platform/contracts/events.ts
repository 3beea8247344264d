/**
 * Event contracts: the one place that defines what flows over the Engage event bus.
 * Imported by the handlers (runtime parsing), by infra (rule patterns) and by the local runner.
 */
import { z } from 'zod';
import { Count, Currency, Id, Instant, Money, ShopTime, Text } from './primitives.js';
import { isValidTimeZone } from '../time.js';
import { CartUpdated, CheckoutStarted, ProductViewed } from './behaviour.js';
import { BirthdayRewarded, BirthdayUpcoming, CustomerTierChanged, LoyaltyCoupon, PointsExpiring, PointsRedeemed, PointsRedeemRequested } from './loyalty.js';

export { CartLine, CartUpdated, CheckoutStarted, ProductViewed } from './behaviour.js';
export { BirthdayRewarded, BirthdayUpcoming, CustomerTierChanged, Localized, LoyaltyCoupon, PointsExpiring, PointsRedeemed, PointsRedeemRequested, Reward, TierReason } from './loyalty.js';

export { Id, Instant, ShopTime } from './primitives.js';

export const SHOP_SOURCE = 'engage.shop';
export const ENGAGE_SOURCE = 'engage.core';
/** SES publishes sending events to the account's default bus only. */
export const SES_SOURCE = 'aws.ses';

export const DetailType = {
  OrderPlaced: 'order.placed',
  OrderFulfilled: 'order.fulfilled',
  OrderCancelled: 'order.cancelled',
  OrderRefunded: 'order.refunded',
  CustomerUpserted: 'customer.upserted',
  CustomerRiskChanged: 'customer.risk-changed',
  PointsRedeemRequested: 'points.redeem-requested',
  CampaignSendDue: 'campaign.send-due',
  /** The same, for a send of the transactional lane: its own detail-type, so the rules route it there. */
  CampaignTransactionalSendDue: 'campaign.transactional-send-due',
  CustomerEraseRequested: 'customer.erase-requested',
  SurveyLowScore: 'survey.low-score',
  CampaignScheduledSend: 'campaign.scheduled-send',
  SesBounced: 'Email Bounced',
  SesComplaint: 'Email Complaint Received',
  SesDelivered: 'Email Delivered',
  SesRejected: 'Email Rejected',
  SesRenderingFailed: 'Email Rendering Failed',
  SesDeliveryDelayed: 'Email Delivery Delayed',
  SesOpened: 'Email Opened',
  SesClicked: 'Email Clicked',
  CustomerTierChanged: 'customer.tier-changed',
  PointsExpiring: 'points.expiring',
  BirthdayRewarded: 'customer.birthday-reward',
  BirthdayUpcoming: 'customer.birthday-upcoming',
  PointsRedeemed: 'points.redeemed',
  CheckoutStarted: 'checkout.started',
  CartUpdated: 'cart.updated',
  ProductViewed: 'product.viewed',
  FlowStepDue: 'flow.step-due',
} as const;
export type DetailTypeName = (typeof DetailType)[keyof typeof DetailType];

export const Locale = z.enum(['zh-CN', 'en']);
export type Locale = z.infer<typeof Locale>;

// isValidTimeZone keeps one formatter per valid zone: building one per parse cost ~50 µs a profile.
export const TimeZone = z.string().refine(isValidTimeZone, 'an IANA time zone, e.g. Asia/Shanghai');

export const RiskLevel = z.enum(['active', 'at-risk', 'churned']);
export type RiskLevel = z.infer<typeof RiskLevel>;
export const RiskMethod = z.enum(['rule', 'model']);
export type RiskMethod = z.infer<typeof RiskMethod>;

export const OrderLine = z.object({
  sku: Id,
  name: Text(200).optional(),
  quantity: Count.max(1_000_000),
  unitPrice: Money,
});

export const OrderPlaced = z.object({
  orderId: Id,
  customerId: Id,
  lines: z.array(OrderLine).min(1).max(500),
  total: Money,
  currency: Currency,
  couponCode: z.string().min(1).max(64).optional(),
  occurredAt: ShopTime,
});
export type OrderPlaced = z.infer<typeof OrderPlaced>;

export const OrderFulfilled = z.object({
  orderId: Id,
  customerId: Id,
  occurredAt: ShopTime,
});
export type OrderFulfilled = z.infer<typeof OrderFulfilled>;

export const OrderCancelled = z.object({
  orderId: Id,
  customerId: Id,
  reason: Text(200).optional(),
  occurredAt: ShopTime,
});
export type OrderCancelled = z.infer<typeof OrderCancelled>;

/** A full refund removes the purchase; partial refunds only reduce spend. */
export const OrderRefunded = z.object({
  orderId: Id,
  customerId: Id,
  refundId: Id,
  amount: Money,
  currency: Currency,
  occurredAt: ShopTime,
});
export type OrderRefunded = z.infer<typeof OrderRefunded>;

export const CustomerUpserted = z.object({
  customerId: Id,
  email: z.email().max(254),
  name: Text(200).min(1),
  locale: Locale,
  timeZone: TimeZone,
  birthday: z.string().regex(/^(\d{4}-)?\d{2}-\d{2}$/, 'MM-DD or YYYY-MM-DD').optional(),
  marketingConsent: z.boolean(),
  /** The shop's own labels (e.g. "wholesale", "newsletter-2026"), for campaign audiences. */
  tags: z.array(z.string().min(1).max(64)).max(50).optional(),
  occurredAt: ShopTime,
});
export type CustomerUpserted = z.infer<typeof CustomerUpserted>;

export const CustomerRiskChanged = z.object({
  customerId: Id,
  from: RiskLevel.nullable(),
  to: RiskLevel,
  method: RiskMethod,
  daysSinceLastOrder: z.number().nonnegative(),
  /** The last purchase day the level was judged against; (to, lastOrderDay) identifies the
   * transition across sweep runs, so campaigns use it as the occurrence. */
  lastOrderDay: z.iso.date(),
  /** Stable key of the sweep run that saw the transition. */
  runKey: z.string().min(1),
  occurredAt: Instant,
});
export type CustomerRiskChanged = z.infer<typeof CustomerRiskChanged>;

/** GDPR/PIPL erasure: everything stored for the customer goes; a hash of the address stays
 * on the suppression list so a later event cannot resurrect a marketing profile. */
export const CustomerEraseRequested = z.object({
  customerId: Id,
  requestId: z.string().min(1).max(128),
  occurredAt: ShopTime,
});
export type CustomerEraseRequested = z.infer<typeof CustomerEraseRequested>;

/** A survey answer at or below the scale's low mark: service recovery can follow. */
export const SurveyLowScore = z.object({
  customerId: Id,
  surveyId: z.string().min(1),
  campaignId: z.string().min(1),
  score: z.number().int().min(0).max(10),
  scaleMax: z.number().int().positive(),
  orderId: Id.optional(),
  occurredAt: Instant,
});
export type SurveyLowScore = z.infer<typeof SurveyLowScore>;

/** One audience member of a scheduled campaign run; the run's scheduled time keys the occurrence. */
export const CampaignScheduledSend = z.object({
  campaignId: z.string().min(1),
  customerId: Id,
  scheduledTime: Instant,
});
export type CampaignScheduledSend = z.infer<typeof CampaignScheduledSend>;

/** What a triggering event means for campaigns (see shared/campaigns/triggers.ts). */
export const Occasion = z.object({
  type: z.enum(['risk-entered', 'order-delivered', 'birthday', 'tier-changed', 'schedule', 'survey-low-score', 'coupon-expiring', 'order-placed', 'checkout-started', 'cart-abandoned', 'product-viewed', 'points-expiring', 'points-redeemed']),
  customerId: Id,
  occurrence: z.string().min(1),
  /** `trigger.*` in templates. */
  vars: z.record(z.string(), z.unknown()),
  /** When the triggering fact happened (e.g. delivery), for delayed triggers. */
  at: Instant.optional(),
  /** State when the customer entered, for exit conditions. */
  entry: z.object({ lastOrderDay: z.string().optional() }).optional(),
  /** For coupon reminders: the coupon (by hash) whose expiry is near. */
  couponHash: z.string().optional(),
  /** A coupon the loyalty programme issued, which the mail carries instead of issuing one. */
  reward: LoyaltyCoupon.optional(),
  /** What campaign triggers are matched against. */
  match: z.object({
    level: z.string().optional(),
    tier: z.string().optional(),
    direction: z.string().optional(),
    score: z.number().optional(),
    campaignId: z.string().optional(),
    /** Lines in a cart (an emptied cart is abandoned by nobody). */
    lines: z.number().optional(),
    /** Birthdays: 0 on the day, else the notice days of an upcoming one. */
    daysBefore: z.number().optional(),
  }),
});
export type Occasion = z.infer<typeof Occasion>;

/** A deferred send (quiet hours, frequency cap) whose time has come: decide it again. */
export const CampaignSendDue = z.object({
  customerId: Id,
  campaignId: z.string().min(1),
  occurrence: z.string().min(1),
  /** The due time the deferral was stored with: re-claiming is conditional on it. */
  dueAt: Instant,
  trigger: Occasion,
});
export type CampaignSendDue = z.infer<typeof CampaignSendDue>;

/** A flow entry whose wait (or the lease of a step that died) is over: advance it. Taking the
 * entry over is conditional on `dueAt`, so a duplicate is a no-op. */
export const FlowStepDue = z.object({
  customerId: Id,
  flowId: z.string().min(1),
  entry: z.string().min(1),
  dueAt: Instant,
});
export type FlowStepDue = z.infer<typeof FlowStepDue>;

/**
 * The part of an SES sending event Engage reads; the message tags carry our ids back. Every
 * event type the configuration set publishes parses (the feedback handler may ignore some), so a
 * newly published type is never dead-lettered as malformed.
 */
export const SesEmailEvent = z.object({
  eventType: z.enum(['Bounce', 'Complaint', 'Delivery', 'Reject', 'Rendering Failure', 'DeliveryDelay', 'Open', 'Click']),
  mail: z.object({
    messageId: z.string(),
    /** When SES accepted the mail. */
    timestamp: Instant.optional(),
    tags: z.record(z.string(), z.array(z.string())).default({}),
  }),
  bounce: z.object({ bounceType: z.string() }).optional(),
  complaint: z.object({}).passthrough().optional(),
  delivery: z.object({ timestamp: Instant }).optional(),
  open: z.object({ timestamp: Instant, userAgent: Text(1000).optional() }).optional(),
  click: z.object({ timestamp: Instant, userAgent: Text(1000).optional(), link: Text(4000).optional() }).optional(),
});
export type SesEmailEvent = z.infer<typeof SesEmailEvent>;

/** detail-type → (source, schema): the whole contract as data, for parsing and JSON Schema export. */
export const contracts = {
  [DetailType.OrderPlaced]: { source: SHOP_SOURCE, schema: OrderPlaced },
  [DetailType.OrderFulfilled]: { source: SHOP_SOURCE, schema: OrderFulfilled },
  [DetailType.OrderCancelled]: { source: SHOP_SOURCE, schema: OrderCancelled },
  [DetailType.OrderRefunded]: { source: SHOP_SOURCE, schema: OrderRefunded },
  [DetailType.CustomerUpserted]: { source: SHOP_SOURCE, schema: CustomerUpserted },
  [DetailType.CustomerRiskChanged]: { source: ENGAGE_SOURCE, schema: CustomerRiskChanged },
  [DetailType.PointsRedeemRequested]: { source: SHOP_SOURCE, schema: PointsRedeemRequested },
  [DetailType.CampaignSendDue]: { source: ENGAGE_SOURCE, schema: CampaignSendDue },
  [DetailType.CampaignTransactionalSendDue]: { source: ENGAGE_SOURCE, schema: CampaignSendDue },
  [DetailType.CustomerEraseRequested]: { source: SHOP_SOURCE, schema: CustomerEraseRequested },
  [DetailType.SurveyLowScore]: { source: ENGAGE_SOURCE, schema: SurveyLowScore },
  [DetailType.CampaignScheduledSend]: { source: ENGAGE_SOURCE, schema: CampaignScheduledSend },
  [DetailType.SesBounced]: { source: SES_SOURCE, schema: SesEmailEvent },
  [DetailType.SesComplaint]: { source: SES_SOURCE, schema: SesEmailEvent },
  [DetailType.SesDelivered]: { source: SES_SOURCE, schema: SesEmailEvent },
  [DetailType.SesRejected]: { source: SES_SOURCE, schema: SesEmailEvent },
  [DetailType.SesRenderingFailed]: { source: SES_SOURCE, schema: SesEmailEvent },
  [DetailType.SesDeliveryDelayed]: { source: SES_SOURCE, schema: SesEmailEvent },
  [DetailType.SesOpened]: { source: SES_SOURCE, schema: SesEmailEvent },
  [DetailType.SesClicked]: { source: SES_SOURCE, schema: SesEmailEvent },
  [DetailType.CustomerTierChanged]: { source: ENGAGE_SOURCE, schema: CustomerTierChanged },
  [DetailType.PointsExpiring]: { source: ENGAGE_SOURCE, schema: PointsExpiring },
  [DetailType.BirthdayRewarded]: { source: ENGAGE_SOURCE, schema: BirthdayRewarded },
  [DetailType.BirthdayUpcoming]: { source: ENGAGE_SOURCE, schema: BirthdayUpcoming },
  [DetailType.PointsRedeemed]: { source: ENGAGE_SOURCE, schema: PointsRedeemed },
  [DetailType.CheckoutStarted]: { source: SHOP_SOURCE, schema: CheckoutStarted },
  [DetailType.CartUpdated]: { source: SHOP_SOURCE, schema: CartUpdated },
  [DetailType.ProductViewed]: { source: SHOP_SOURCE, schema: ProductViewed },
  [DetailType.FlowStepDue]: { source: ENGAGE_SOURCE, schema: FlowStepDue },
} as const;
export type Contracts = typeof contracts;
export type DetailOf<T extends DetailTypeName> = z.infer<Contracts[T]['schema']>;

export const OrderEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal(DetailType.OrderPlaced), detail: OrderPlaced }),
  z.object({ type: z.literal(DetailType.OrderFulfilled), detail: OrderFulfilled }),
  z.object({ type: z.literal(DetailType.OrderCancelled), detail: OrderCancelled }),
  z.object({ type: z.literal(DetailType.OrderRefunded), detail: OrderRefunded }),
]);
export type OrderEvent = z.infer<typeof OrderEvent>;

/** The EventBridge envelope as delivered to targets. */
export const Envelope = z.object({
  id: z.string(),
  source: z.string(),
  'detail-type': z.string(),
  time: z.string(),
  detail: z.unknown(),
});
export type Envelope = z.infer<typeof Envelope>;

/** What a producer hands to an EventPublisher. */
export interface OutgoingEvent<T extends DetailTypeName = DetailTypeName> {
  detailType: T;
  detail: DetailOf<T>;
}

/** Payload of a scheduled job (EventBridge Scheduler → sweep-start, model-refit). The
 * schedule's scheduled-time is stable across retries of one run, so it keys the run. */
export const ScheduledRun = z.object({
  scheduledTime: Instant,
  scheduleArn: z.string().optional(),
  /** Set on a scheduled campaign's own schedule. */
  campaignId: z.string().min(1).optional(),
  /** Which bulk run sweep-start starts: the daily sweep (default) or the monthly tier review. */
  job: z.enum(['daily-sweep', 'tier-review']).optional(),
});
export type ScheduledRun = z.infer<typeof ScheduledRun>;
