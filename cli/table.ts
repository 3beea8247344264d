/** The Engage table for CLI commands: TABLE_NAME with the default AWS credential and region chain
 * (AWS_ENDPOINT_URL_DYNAMODB points it at DynamoDB Local). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EnvVar, TableConfig, loadConfig } from '../shared/platform/config.js';
import { documentClient } from '../shared/platform/table/dynamodb.js';
import { tableStores, type TableStores } from '../shared/platform/runtime/deps.js';

export interface CliTable {
  tableName: string;
  stores: TableStores;
  close(): void;
}

/** `client` is injected by tests; otherwise built (and destroyed on close) here. */
export function openTable(client?: DynamoDBClient): CliTable {
  const tableName = loadConfig(TableConfig)[EnvVar.tableName];
  const own = client ?? new DynamoDBClient({});
  return { tableName, stores: tableStores(documentClient(own), tableName), close: () => (client ? undefined : own.destroy()) };
}
