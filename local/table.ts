/** Creates the Engage table locally with the same key design the CDK table uses. */
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_INDEXES, TableAttr, keys } from '../shared/platform/table/keys.js';

export async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [TableAttr.pk, TableAttr.sk, ...TABLE_INDEXES.flatMap((i) => [i.partitionKey, ...(i.sortKey ? [i.sortKey] : [])])].map(
          (AttributeName) => ({ AttributeName, AttributeType: 'S' as const }),
        ),
        KeySchema: [
          { AttributeName: TableAttr.pk, KeyType: 'HASH' },
          { AttributeName: TableAttr.sk, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: TABLE_INDEXES.map((i) => ({
          IndexName: i.name,
          KeySchema: [{ AttributeName: i.partitionKey, KeyType: 'HASH' as const }, ...(i.sortKey ? [{ AttributeName: i.sortKey, KeyType: 'RANGE' as const }] : [])],
          Projection: { ProjectionType: i.keysOnly ? ('KEYS_ONLY' as const) : ('ALL' as const) },
        })),
      }),
    );
  } catch (e) {
    if (!(e instanceof ResourceInUseException)) throw e;
  }
}

/** Customers' partitions read at once. */
const PARTITION_QUERIES = 8;

/**
 * The items of each customer's partition (those whose sort key starts with `skPrefix`, passing
 * `filter`), in the customers' order, `PARTITION_QUERIES` Queries at a time: the local tools'
 * way through a large table, where DynamoDB Local serves a Scan far slower page by page.
 */
export async function* customerPartitions(
  db: DynamoDBDocumentClient,
  tableName: string,
  customers: readonly string[],
  opts: { skPrefix?: string; filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> } } = {},
): AsyncIterable<Record<string, unknown>> {
  let next = 0;
  const found: Array<Record<string, unknown>[]> = customers.map(() => []);
  const query = (pk: string) => ({
    TableName: tableName,
    KeyConditionExpression: opts.skPrefix ? 'pk = :pk AND begins_with(sk, :skp)' : 'pk = :pk',
    ...(opts.filter ? { FilterExpression: opts.filter.expression, ExpressionAttributeNames: opts.filter.names } : {}),
    ExpressionAttributeValues: { ':pk': pk, ...(opts.skPrefix ? { ':skp': opts.skPrefix } : {}), ...(opts.filter?.values ?? {}) },
  });
  await Promise.all(
    Array.from({ length: Math.min(PARTITION_QUERIES, customers.length) }, async () => {
      while (next < customers.length) {
        const i = next++;
        for await (const page of paginateQuery({ client: db }, query(keys.customer(customers[i]!).pk))) found[i]!.push(...(page.Items ?? []));
      }
    }),
  );
  for (const items of found) yield* items;
}
