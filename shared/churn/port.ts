/** What churn scoring needs from storage (DynamoScoreStore in ./dynamodb.ts). */
import type { Prediction, RiskState } from '../customers/record.js';
import type { BaseStats, ModelParams, StoreModel } from './model.js';

export interface ScoreStore {
  /** Writes new scores only if the stored risk is still `expected`; false when someone else won. */
  putScores(customerId: string, expected: RiskState | undefined, next: { risk: RiskState; segment?: string; prediction?: Prediction }): Promise<boolean>;
  getStoreModel(): Promise<StoreModel>;
  putBaseStats(stats: BaseStats): Promise<void>;
  /** Stores a new version and makes it current, unless another refit got there first (false). */
  putModelParams(params: ModelParams): Promise<boolean>;
}
