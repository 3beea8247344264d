/**
 * The Engage table for CLI commands: TABLE_NAME with the default AWS credential and region chain
 * (AWS_ENDPOINT_URL_DYNAMODB points it at any DynamoDB), or with `--local` the running demo's
 * table and DynamoDB Local, read from the endpoints file `npm start` writes (local/endpoints.ts).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { EnvVar, TableConfig, loadConfig } from '../shared/platform/config.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/platform/table/dynamodb.js';
import { tableStores, type TableStores } from '../shared/platform/runtime/deps.js';
import { readLocalEndpoints } from '../local/endpoints.js';

export interface CliTable {
  tableName: string;
  db: DynamoDBDocumentClient;
  stores: TableStores;
  close(): void;
}

export interface TableOptions {
  local?: boolean;
}

/** Every table-reading command takes `--local`. */
export const withLocalOption = (c: Command): Command => c.option('--local', 'use the running local demo (npm start): its DynamoDB Local and table, from .engage/local.json');

/** `client` is injected by tests; otherwise built (and destroyed on close) here. */
export function openTable(client?: DynamoDBClient, opts: TableOptions = {}): CliTable {
  if (opts.local) {
    const e = readLocalEndpoints();
    // DynamoDB Local accepts any credentials; the SDK only needs some to sign with.
    const own = client ?? new DynamoDBClient({ region: e.region, endpoint: e.dynamodbEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const db = documentClient(own);
    return { tableName: e.tableName, db, stores: tableStores(db, e.tableName), close: () => (client ? undefined : own.destroy()) };
  }
  const tableName = loadConfig(TableConfig)[EnvVar.tableName];
  const own = client ?? new DynamoDBClient({});
  const db = documentClient(own);
  return { tableName, db, stores: tableStores(db, tableName), close: () => (client ? undefined : own.destroy()) };
}

export async function withTable<T>(opts: TableOptions, fn: (t: CliTable) => Promise<T>, client?: DynamoDBClient): Promise<T> {
  const t = openTable(client, opts);
  try {
    return await fn(t);
  } finally {
    t.close();
  }
}
