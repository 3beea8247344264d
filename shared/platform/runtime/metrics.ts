/**
 * Business metrics of sending, with Powertools Metrics (CloudWatch embedded metric format): one
 * count per decision. The names and dimensions here are what the stack's alarms and dashboard
 * read (infra/constructs/dashboard.ts), so they are defined once. Every business metric carries
 * the dimension service=engage, whichever function emits it (a paced send lane as much as
 * dispatch); skips are counted twice: in total, and by reason.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const METRICS_NAMESPACE = 'Engage';
export const METRICS_SERVICE = 'engage';

export const SendMetric = {
  /** SES accepted the mail. */
  sent: 'MailSent',
  /** Decided not to send (consent, suppression, cap, audience, holdout, stale…). */
  skipped: 'MailSkipped',
  /** Put off to a later time (quiet hours, cap, pacing). */
  deferred: 'MailDeferred',
  /** Refused for good (SES rejected it, a template failed). */
  failed: 'MailFailed',
  /** Whether it went out is not known (the claim was taken, SES's answer was lost). */
  unknown: 'MailUnknown',
} as const;
export type SendOutcomeKind = keyof typeof SendMetric;

/** Dimensions of the per-campaign, per-reason series. */
export const SKIP_REASON_DIMENSION = 'reason';
export const CAMPAIGN_DIMENSION = 'campaign';

export interface SendDetail {
  campaign?: string;
  reason?: string;
}

export interface SendMetrics {
  count(kind: SendOutcomeKind, detail?: SendDetail): void;
  /** Writes what was counted (call once per invocation or record; a no-op when nothing was). */
  publish(): void;
}

export const businessMetrics = (): Metrics => new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

export function sendMetrics(metrics: Metrics = businessMetrics()): SendMetrics {
  return {
    count(kind, { campaign, reason } = {}) {
      metrics.addMetric(SendMetric[kind], MetricUnit.Count, 1);
      if (!campaign && !reason) return;
      const single = metrics.singleMetric();
      if (campaign) single.addDimension(CAMPAIGN_DIMENSION, campaign);
      if (reason) single.addDimension(SKIP_REASON_DIMENSION, reason);
      single.addMetric(SendMetric[kind], MetricUnit.Count, 1);
    },
    publish() {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    },
  };
}
