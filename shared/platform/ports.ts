/**
 * Ports: what the application core needs from the outside world. Adapters in shared/adapters
 * implement them over DynamoDB, SES v2 and EventBridge; unit tests may use in-memory versions.
 */
import type { Occasion, OutgoingEvent } from './contracts/events.js';
import type { CustomerRecord, Prediction, Profile, RiskState } from '../customers/record.js';
import type { BaseStats, ModelParams, StoreModel } from '../churn/model.js';
import type { CouponState } from '../coupons/redeem.js';
import type { SurveyAnswer, SurveyState } from '../surveys/response.js';
import type { DayState, Neighbours, OrderState, OrderSummary } from '../orders/decide.js';

export interface Versioned<T> {
  value: T;
  /** Optimistic-lock version; 0 when the item does not exist yet. */
  v: number;
}

export interface OrderContext {
  summary: Versioned<OrderSummary>;
  order: Versioned<OrderState>;
  day: Versioned<DayState> | null;
}

export interface OrderCommit {
  customerId: string;
  orderId: string;
  order: Versioned<OrderState>;
  day: { day: string; state: DayState | null; v: number } | null;
  summary: Versioned<OrderSummary>;
}

export type SendStatus = 'claimed' | 'sent' | 'skipped' | 'control' | 'deferred' | 'failed';
export interface SendRecord {
  campaignId: string;
  occurrence: string;
  status: SendStatus;
  at: string;
  /** marketing mail counts against the frequency cap; transactional does not. */
  kind?: 'marketing' | 'transactional';
  messageId?: string;
  reason?: string;
  /** For a deferral: when it may be decided again, and the trigger to decide it with. */
  until?: string;
  trigger?: Occasion;
}

export interface DueSend {
  customerId: string;
  campaignId: string;
  occurrence: string;
  dueAt: string;
  trigger: Occasion;
}

export interface CustomerStore {
  loadOrderContext(customerId: string, orderId: string, day?: string): Promise<OrderContext>;
  loadNeighbours(customerId: string, excludeDay: string): Promise<Neighbours>;
  /** Atomic; 'conflict' when any item changed since it was loaded. */
  commitOrder(commit: OrderCommit): Promise<'ok' | 'conflict'>;
  /** Applies only if newer than the stored profile (by occurredAt). */
  putProfile(customerId: string, profile: Profile): Promise<'applied' | 'stale'>;
  getCustomer(customerId: string): Promise<CustomerRecord | null>;
  scanCustomers(page: { segment: number; totalSegments: number; cursor?: Record<string, string>; limit: number }): Promise<{
    customers: CustomerRecord[];
    cursor?: Record<string, string>;
  }>;
  /** Writes new scores only if the stored risk is still `expected`; false when someone else won. */
  putScores(customerId: string, expected: RiskState | undefined, next: { risk: RiskState; segment?: string; prediction?: Prediction }): Promise<boolean>;
  getStoreModel(): Promise<StoreModel>;
  putBaseStats(stats: BaseStats): Promise<void>;
  /** Stores a new version and makes it current, unless another refit got there first (false). */
  putModelParams(params: ModelParams): Promise<boolean>;
  /** Conditional create: false when this (campaign, customer, occurrence) was already claimed. */
  claimSend(customerId: string, campaignId: string, occurrence: string, at: string): Promise<boolean>;
  completeSend(customerId: string, record: SendRecord): Promise<void>;
  /** Undo a claim whose send failed retryably, so the retry can send. */
  releaseSend(customerId: string, campaignId: string, occurrence: string): Promise<void>;
  listSends(customerId: string): Promise<SendRecord[]>;
  /** Deferred sends due by `now`, from one shard of the due index. */
  listDue(shard: string, now: string, limit: number): Promise<DueSend[]>;
  /** Turns a deferral back into a claim, only if it is still that deferral (false otherwise). */
  reclaimDeferred(customerId: string, campaignId: string, occurrence: string, dueAt: string, at: string): Promise<boolean>;
  /** Never marketing mail again (unsubscribe, bounce, complaint); idempotent. */
  suppress(customerId: string, reason: string, at: string): Promise<void>;
  /** Conditional create by code hash: false when the hash exists (draw another code). */
  putCoupon(coupon: CouponState): Promise<boolean>;
  getCoupon(codeHash: string): Promise<CouponState | null>;
  /** Creates the survey record if absent (a retried send keeps the first). */
  putSurvey(survey: SurveyState): Promise<void>;
  getSurvey(customerId: string, surveyId: string): Promise<SurveyState | null>;
  /** Writes the answer only if the stored one is still `expected` (none, or one without a comment). */
  answerSurvey(customerId: string, surveyId: string, answer: SurveyAnswer, expected: 'unanswered' | 'uncommented'): Promise<boolean>;
  /** Marks the coupon redeemed by this order (and attributes its revenue) unless another order already has (false). */
  redeemCoupon(codeHash: string, redemption: { orderId: string; at: string; revenue: number; discount: number }): Promise<boolean>;
}

export interface OutgoingMail {
  to: string;
  from: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  /** SES message tags: carry ids out and back through SES events. */
  tags?: Record<string, string>;
}

/** Non-retryable failures come back as values; retryable ones are thrown. */
export type MailResult = { kind: 'sent'; messageId: string } | { kind: 'rejected'; reason: string };

export interface Mailer {
  send(mail: OutgoingMail): Promise<MailResult>;
}

export interface EventPublisher {
  /** At-least-once: throws if any entry failed, and the caller's retry may publish others again. */
  publish(events: OutgoingEvent[]): Promise<void>;
}

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
