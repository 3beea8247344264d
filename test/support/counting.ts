/** A DynamoDB client of its own on the test system's emulator that counts the commands it sends. */
import { inject } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalSystem } from '../../local/system.js';

export async function countingClient(sys: LocalSystem, command = 'TransactWriteItemsCommand'): Promise<{ client: DynamoDBClient; sent: () => number }> {
  const client = new DynamoDBClient({ endpoint: inject('endpoints').dynamodbEndpoint, region: 'us-east-1', credentials: await sys.dynamodb.config.credentials() });
  let n = 0;
  client.middlewareStack.add((next, context) => async (args) => {
    if (context.commandName === command) n++;
    return next(args);
  }, { step: 'initialize' });
  return { client, sent: () => n };
}
