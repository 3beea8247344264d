import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FunctionName } from '../../shared/contracts/routing.js';
import { EnvVar, LoyaltyEnv, TableConfig, loadConfig } from '../../shared/config.js';
import { handleLoyaltyEvent, type LoyaltyEvent } from '../../shared/app/loyalty.js';
import { DynamoLoyaltyStore } from '../../shared/adapters/dynamodb-loyalty.js';
import { documentClient } from '../../shared/adapters/dynamodb-store.js';
import { loadLoyaltyConfig } from '../../shared/loyalty/index.js';
import { systemClock } from '../../shared/ports.js';
import { sqsConsumer } from '../../shared/runtime/consumer.js';
import { publisherFromEnv } from '../../shared/runtime/deps.js';

const deps = {
  store: new DynamoLoyaltyStore(documentClient(new DynamoDBClient({})), loadConfig(TableConfig)[EnvVar.tableName]),
  publisher: publisherFromEnv(),
  config: loadLoyaltyConfig(loadConfig(LoyaltyEnv)[EnvVar.loyaltyConfig]),
  clock: systemClock,
};

export const handler = sqsConsumer(FunctionName.Loyalty, (event) => handleLoyaltyEvent(deps, event as LoyaltyEvent));
