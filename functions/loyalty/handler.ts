import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FunctionName } from '../../shared/platform/contracts/routing.js';
import { EnvVar, LoyaltyEnv, TableConfig, loadConfig } from '../../shared/platform/config.js';
import { handleLoyaltyEvent, type LoyaltyEvent } from '../../shared/loyalty/service.js';
import { DynamoLoyaltyStore } from '../../shared/loyalty/dynamodb.js';
import { documentClient } from '../../shared/customers/dynamodb.js';
import { loadLoyaltyConfig } from '../../shared/loyalty/index.js';
import { systemClock } from '../../shared/platform/ports.js';
import { sqsConsumer } from '../../shared/platform/runtime/consumer.js';
import { publisherFromEnv } from '../../shared/platform/runtime/deps.js';

const deps = {
  store: new DynamoLoyaltyStore(documentClient(new DynamoDBClient({})), loadConfig(TableConfig)[EnvVar.tableName]),
  publisher: publisherFromEnv(),
  config: loadLoyaltyConfig(loadConfig(LoyaltyEnv)[EnvVar.loyaltyConfig]),
  clock: systemClock,
};

export const handler = sqsConsumer(FunctionName.Loyalty, (event) => handleLoyaltyEvent(deps, event as LoyaltyEvent));
