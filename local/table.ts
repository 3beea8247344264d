/** Creates the Engage table locally with the same key design the CDK table uses. */
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { TABLE_INDEXES, TableAttr } from '../shared/platform/table/keys.js';

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
