import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FunctionName } from '../../shared/platform/contracts/routing.js';
import type { SweepSegmentRequested } from '../../shared/platform/contracts/events.js';
import { EnvVar, LoyaltyEnv, TableConfig, loadConfig } from '../../shared/platform/config.js';
import { loyaltySweepSegment } from '../../shared/loyalty/sweep.js';
import { DynamoLoyaltyStore } from '../../shared/loyalty/dynamodb.js';
import { DynamoCustomerStore, documentClient } from '../../shared/customers/dynamodb.js';
import { loadLoyaltyConfig } from '../../shared/loyalty/index.js';
import { systemClock } from '../../shared/platform/ports.js';
import { sqsConsumer } from '../../shared/platform/runtime/consumer.js';
import { publisherFromEnv } from '../../shared/platform/runtime/deps.js';

const db = documentClient(new DynamoDBClient({}));
const table = loadConfig(TableConfig)[EnvVar.tableName];
const deps = {
  store: new DynamoLoyaltyStore(db, table),
  customers: new DynamoCustomerStore(db, table),
  publisher: publisherFromEnv(),
  config: loadLoyaltyConfig(loadConfig(LoyaltyEnv)[EnvVar.loyaltyConfig]),
  clock: systemClock,
};
// Leave time to publish the continuation before Lambda's timeout.
const YIELD_BELOW_MS = 30_000;

export const handler = sqsConsumer(FunctionName.LoyaltySweep, (event, context) =>
  loyaltySweepSegment(deps, event.detail as SweepSegmentRequested, {
    pageSize: 500,
    shouldYield: () => context.getRemainingTimeInMillis() < YIELD_BELOW_MS,
  }),
);
