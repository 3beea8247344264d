import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FunctionName } from '../../shared/contracts/routing.js';
import type { CustomerEraseRequested } from '../../shared/contracts/events.js';
import { EnvVar, TableConfig, loadConfig } from '../../shared/config.js';
import { documentClient } from '../../shared/adapters/dynamodb-store.js';
import { erasureDeps } from '../../shared/adapters/dynamodb-privacy.js';
import { eraseCustomer } from '../../shared/app/privacy.js';
import { logger, sqsConsumer } from '../../shared/runtime/consumer.js';
import { systemClock } from '../../shared/ports.js';

const deps = erasureDeps(documentClient(new DynamoDBClient({})), loadConfig(TableConfig)[EnvVar.tableName]);

export const handler = sqsConsumer(FunctionName.CustomerErase, async (event) => {
  const { customerId, requestId } = event.detail as CustomerEraseRequested;
  const summary = await eraseCustomer(deps, customerId, systemClock());
  // Ids and counts only: the address is gone and must not reappear in the logs either.
  logger.info('customer erased', { customerId, requestId, ...summary });
  return summary;
});
