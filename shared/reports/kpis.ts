/**
 * The marketer's KPIs, as the report and the console read them (see README "KPIs" for what each
 * one means exactly). `null` means "not measured yet", never zero: opens and clicks need
 * engagement tracking, downgrades need the transition counters (both phase 2).
 */
import type { LiftReport } from '../campaigns/lift.js';

export interface PeriodKpi {
  /** A day (YYYY-MM-DD) or the Monday that starts an ISO week. */
  period: string;
  newCustomers: number;
  returningCustomers: number;
  reactivated: number;
  churned: number;
  upgraded: number;
  downgraded: number | null;
  orders: number;
  revenue: number;
  aov: number | null;
  repeatPurchaseRate: number | null;
  csat: { responses: number; average: number | null };
  nps: { responses: number; score: number | null };
}

export interface CohortRow {
  /** First-order month, YYYY-MM. */
  cohort: string;
  size: number;
  /** Share of the cohort that bought in month +k (k = 0 is the first month: 1). */
  retention: number[];
}

export type ValueTier = 'high' | 'medium' | 'low';

export interface CampaignKpi {
  campaignId: string;
  sent: number;
  delivered: number | null;
  opened: number | null;
  clicked: number | null;
  unsubscribed: number;
  bounced: number;
  control: number;
  converted: number;
  revenue: number;
  /** Orders whose last touch was a click on this campaign's mail within the attribution window. */
  clickOrders: number;
  clickRevenue: number;
  lift: LiftReport;
}

export interface LowComment {
  at: string;
  kind: 'csat' | 'nps';
  score: number;
  comment: string;
  campaignId: string;
}

export interface KpiData {
  generatedAt: string;
  currency: string;
  timeZone: string;
  days: PeriodKpi[];
  weeks: PeriodKpi[];
  totals: { customers: number; buyers: number; repeatBuyers: number; repeatPurchaseRate: number | null; orders: number; revenue: number; aov: number | null };
  /** Customers now in each stage (new and reactivated: within the last 30 days). */
  flow: { new: number; active: number; atRisk: number; churned: number; reactivated: number };
  risk: { byLevel: Record<'active' | 'at-risk' | 'churned', number>; pAliveHistogram: number[] };
  /** counts[r - 1][f - 1] over buyers, R and F as quintile scores 1–5. */
  rfm: number[][];
  cohorts: CohortRow[];
  clvByTier: Array<{ tier: ValueTier; customers: number; averageClv: number; minClv: number }>;
  campaigns: CampaignKpi[];
  lowComments: LowComment[];
}

export interface KpiQuery {
  now: Date;
  /** Days in the daily series (default 30) and weeks in the weekly one (default 26). */
  days?: number;
  weeks?: number;
  /** First-order cohorts shown (default 12 months). */
  cohortMonths?: number;
  /** An order within this many days after a decision counts as a conversion (default 30). */
  conversionWindowDays?: number;
  /** An order within this many days after a person's click is the clicked campaign's (default 5). */
  attributionDays?: number;
}
