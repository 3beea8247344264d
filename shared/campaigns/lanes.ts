/**
 * Which send lane a campaign's mail travels in, also when it comes back later: a send deferred by
 * quiet hours or waiting for its delay carries the lane it arrived in on its due item, and the
 * due job publishes it as that lane's due event, which only that lane's route receives. A
 * post-delivery survey therefore never waits behind a bulk backlog, first time or deferred.
 * Both facts are read from the manifest's routes, not restated.
 */
import { DetailType, type DetailTypeName, type Occasion } from '../platform/contracts/events.js';
import { routes, type LaneName } from '../platform/contracts/functions.js';

/** The event each trigger type arrives with; coupon reminders are scheduled by dispatch itself. */
export const ARRIVES_WITH: Record<Occasion['type'], readonly DetailTypeName[]> = {
  'risk-entered': [DetailType.CustomerRiskChanged],
  'tier-changed': [DetailType.CustomerTierChanged],
  birthday: [DetailType.BirthdayRewarded, DetailType.BirthdayUpcoming],
  'order-delivered': [DetailType.OrderFulfilled],
  'survey-low-score': [DetailType.SurveyLowScore],
  schedule: [DetailType.CampaignScheduledSend],
  'coupon-expiring': [],
  'order-placed': [DetailType.OrderPlaced],
  'checkout-started': [DetailType.CheckoutStarted],
  'cart-abandoned': [DetailType.CartUpdated],
  'product-viewed': [DetailType.ProductViewed],
  'points-expiring': [DetailType.PointsExpiring],
  'points-redeemed': [DetailType.PointsRedeemed],
};

const dispatchRoutes = routes.filter((r) => r.target === 'campaign-dispatch' && r.lane);

/** The lane whose route delivers this trigger type to dispatch; bulk for what no route delivers. */
export function laneOf(type: Occasion['type']): LaneName {
  // A type no route delivers (or one a stored item names from before a rename) travels in bulk.
  const events = ARRIVES_WITH[type] ?? [];
  return dispatchRoutes.find((r) => events.some((e) => r.events.includes(e)))?.lane?.name ?? 'bulk';
}

/** The due event of each lane (one detail-type per lane: EventBridge rules match on it). */
export const DUE_EVENT = {
  bulk: DetailType.CampaignSendDue,
  transactional: DetailType.CampaignTransactionalSendDue,
} as const satisfies Record<LaneName, DetailTypeName>;
