import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FunctionName } from '../../shared/platform/contracts/routing.js';
import type { CustomerEraseRequested } from '../../shared/platform/contracts/events.js';
import { EnvVar, TableConfig, loadConfig } from '../../shared/platform/config.js';
import { documentClient } from '../../shared/customers/dynamodb.js';
import { erasureDeps } from '../../shared/privacy/dynamodb.js';
import { eraseCustomer } from '../../shared/privacy/erase.js';
import { logger, sqsConsumer } from '../../shared/platform/runtime/consumer.js';
import { systemClock } from '../../shared/platform/ports.js';

const deps = erasureDeps(documentClient(new DynamoDBClient({})), loadConfig(TableConfig)[EnvVar.tableName]);

export const handler = sqsConsumer(FunctionName.CustomerErase, async (event) => {
  const { customerId, requestId } = event.detail as CustomerEraseRequested;
  const summary = await eraseCustomer(deps, customerId, systemClock());
  // Ids and counts only: the address is gone and must not reappear in the logs either.
  logger.info('customer erased', { customerId, requestId, ...summary });
  return summary;
});
