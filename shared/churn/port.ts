/** What churn scoring needs from storage (DynamoScoreStore in ./dynamodb.ts). */
import type { Prediction, RiskState } from '../customers/record.js';
import type { BaseAggregate } from '../reports/base.js';
import type { BaseStats, ModelParams, RefitReport, StoreModel } from './model.js';

export interface PurchaseDaysRead {
  /** Distinct ascending purchase days (days since 1970-01-01 UTC) per customer asked for. */
  days: Map<string, number[]>;
  /** Read requests sent: one BatchGetItem per 100 customers (and a query per legacy customer). */
  queries: number;
  /** Purchase days read. */
  items: number;
}

/** One sweep invocation's share of a run: from where in its segment, and whether it finished it. */
export interface BaseRunPart {
  runKey: string;
  /** The run's scheduled time: its parts expire some weeks after. */
  scheduledTime: string;
  segment: number;
  totalSegments: number;
  from?: Record<string, string>;
  done: boolean;
}

export type ScoresNext = { risk: RiskState; segment?: string; prediction?: Prediction };
export interface ScoresWrite {
  customerId: string;
  expected: RiskState | undefined;
  next: ScoresNext;
}

export interface ScoreStore {
  /** The base as one invocation left it (idempotent: a retried invocation replaces its part). */
  putBaseAggregate(part: BaseRunPart, aggregate: BaseAggregate): Promise<void>;
  /** Writes new scores only if the stored risk is still `expected`; false when someone else won. */
  putScores(customerId: string, expected: RiskState | undefined, next: ScoresNext): Promise<boolean>;
  /** putScores for a chunk of customers (the level entries among them counted in one write);
   * whether each was written, in order. */
  putScoresMany(writes: readonly ScoresWrite[]): Promise<boolean[]>;
  getStoreModel(): Promise<StoreModel>;
  putBaseStats(stats: BaseStats): Promise<void>;
  /** Stores a new version and makes it current, unless another refit got there first (false). */
  putModelParams(params: ModelParams): Promise<boolean>;
  /** What the last refit decided and why (kept with the model so `engage model show` can say it). */
  putRefitReport(report: RefitReport): Promise<void>;
  /** The customers' purchase days, `concurrency` reads at a time, eventually consistent. */
  readPurchaseDays(customerIds: readonly string[], opts?: { concurrency?: number }): Promise<PurchaseDaysRead>;
}
