/** Creates the Engage table locally with the same key design the CDK table uses. */
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { CUSTOMERS_INDEX, TableAttr } from '../shared/table/keys.js';

export async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: TableAttr.pk, AttributeType: 'S' },
          { AttributeName: TableAttr.sk, AttributeType: 'S' },
          { AttributeName: TableAttr.gsi1pk, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: TableAttr.pk, KeyType: 'HASH' },
          { AttributeName: TableAttr.sk, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          { IndexName: CUSTOMERS_INDEX, KeySchema: [{ AttributeName: TableAttr.gsi1pk, KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } },
        ],
      }),
    );
  } catch (e) {
    if (!(e instanceof ResourceInUseException)) throw e;
  }
}
