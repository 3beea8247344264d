/**
 * The Engage table as adapters see it: the document client, consistent reads, batch reads with
 * retry, and conditional writes as booleans (a failed condition is an answer, not an error).
 */
import { DynamoDBClient, TransactionCanceledException, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  type DeleteCommand,
  type PutCommand,
  type TransactWriteCommand,
  type UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TableAttr } from './keys.js';

export type Item = Record<string, unknown>;
type ConditionalWrite = PutCommand | UpdateCommand | DeleteCommand | TransactWriteCommand;

export function documentClient(client = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** Optimistic lock: the item is still at version `v` (0: it does not exist yet). */
export const versionGuard = (v: number) =>
  v === 0
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': TableAttr.version }, ExpressionAttributeValues: { ':v': v } };

export const isConditionFailure = (e: unknown) =>
  e instanceof ConditionalCheckFailedException ||
  (e instanceof TransactionCanceledException && (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed'));

/** A failed condition, or another transaction on the same items right now: both mean "read again". */
export const isConflict = (e: unknown) =>
  isConditionFailure(e) ||
  (e instanceof TransactionCanceledException && (e.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict'));

export function mergeGuard(
  guard: { ConditionExpression: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> },
  rest: { ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, unknown> },
) {
  return {
    ConditionExpression: guard.ConditionExpression,
    ExpressionAttributeNames: { ...guard.ExpressionAttributeNames, ...rest.ExpressionAttributeNames },
    ExpressionAttributeValues: { ...guard.ExpressionAttributeValues, ...rest.ExpressionAttributeValues },
  };
}

export abstract class DynamoTable {
  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  protected async get(key: { pk: string; sk: string }): Promise<Item | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return out.Item;
  }

  /** A write whose condition may fail: true when applied, false when the condition did not hold. */
  protected async conditional(command: ConditionalWrite): Promise<boolean> {
    try {
      // The document client's send is overloaded per command type; one union call site needs the cast.
      await this.db.send(command as PutCommand);
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /** Items of one partition by sort key; retries unprocessed keys (throttling) until done. */
  protected async batchGet(wanted: Array<{ pk: string; sk: string }>): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    let pending: Array<Record<string, unknown>> = wanted;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((ok) => setTimeout(ok, Math.min(1000, 25 * 2 ** attempt)));
      const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }));
      for (const item of out.Responses?.[this.tableName] ?? []) found.set(item.sk as string, item);
      pending = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return found;
  }
}
