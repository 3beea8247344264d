import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FunctionName } from '../../shared/contracts/routing.js';
import type { SweepSegmentRequested } from '../../shared/contracts/events.js';
import { EnvVar, LoyaltyEnv, TableConfig, loadConfig } from '../../shared/config.js';
import { loyaltySweepSegment } from '../../shared/app/loyalty-sweep.js';
import { DynamoLoyaltyStore } from '../../shared/adapters/dynamodb-loyalty.js';
import { DynamoCustomerStore, documentClient } from '../../shared/adapters/dynamodb-store.js';
import { loadLoyaltyConfig } from '../../shared/loyalty/index.js';
import { systemClock } from '../../shared/ports.js';
import { sqsConsumer } from '../../shared/runtime/consumer.js';
import { publisherFromEnv } from '../../shared/runtime/deps.js';

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
