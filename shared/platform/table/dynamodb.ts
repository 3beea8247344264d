/**
 * The Engage table as adapters see it: the document client, consistent reads, chunked batch reads
 * and writes with a bounded number of attempts, and conditional writes as booleans (a failed
 * condition is an answer, not an error). Every capability's adapter extends DynamoTable.
 */
import { DynamoDBClient, TransactionCanceledException, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  type DeleteCommand,
  type PutCommand,
  TransactWriteCommand,
  type UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { RetryableError } from '../errors.js';
import { TableAttr, keyId, keys, type Key } from './keys.js';

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

/** The reason code DynamoDB gave for item `index` of a cancelled transaction ('None' when that item was fine). */
export const cancellationAt = (e: unknown, index: number): string | undefined =>
  e instanceof TransactionCanceledException ? e.CancellationReasons?.[index]?.Code : undefined;

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

/** BatchGetItem takes at most 100 keys, BatchWriteItem 25 requests. */
const GET_CHUNK = 100;
const WRITE_CHUNK = 25;
/** Unprocessed keys mean throttling: back off, and after this many rounds let the queue retry. */
export const BATCH_ATTEMPTS = 8;
/** Attempts of a transaction that collides with others on a shared counter item (jittered backoff). */
const TRANSACT_ATTEMPTS = 8;
const backoff = (attempt: number) => new Promise((ok) => setTimeout(ok, Math.min(1000, 25 * 2 ** attempt)));


export abstract class DynamoTable {
  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  /**
   * The first item of a transaction that may (re)create a customer's items: it fails when the
   * customer has been erased (shared/privacy/erase.ts), so a replayed or late event cannot
   * bring anything back, however its read raced the erasure. Check with `cancellationAt(e, 0)`.
   */
  protected notErased(customerId: string) {
    return { ConditionCheck: { TableName: this.tableName, Key: keys.erased(customerId), ConditionExpression: 'attribute_not_exists(pk)' } };
  }

  /**
   * The tombstone check, only where it is needed: a transaction that updates its customer's
   * anchor item (the CUSTOMER or LOYALTY item) under the version it read cannot commit once
   * erasure has deleted that item, and erasure deletes the partition until nothing is left (see
   * DynamoErasureStore), so only a transaction that creates the anchor (version 0) checks the
   * tombstone. A check is a transactional write: 2 write units saved per event for known customers.
   */
  protected tombstoneCheckUnless(customerId: string, anchorVersion: number) {
    return anchorVersion > 0 ? [] : [this.notErased(customerId)];
  }

  protected async isErased(customerId: string): Promise<boolean> {
    return (await this.get(keys.erased(customerId))) !== undefined;
  }

  protected async get(key: Key): Promise<Item | undefined> {
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

  /**
   * A transaction whose condition may fail, retried while it only collides with another
   * transaction on one of its items (TransactionConflict): a KPI counter item is shared by every
   * customer of its shard and day, so two customers' transitions may meet there. True when
   * applied, false when a condition did not hold.
   */
  protected async conditionalTransaction(command: TransactWriteCommand, attempts = TRANSACT_ATTEMPTS): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.db.send(command);
        return true;
      } catch (e) {
        if (isConditionFailure(e)) return false;
        if (!isConflict(e)) throw e;
        if (attempt + 1 >= attempts) throw new RetryableError(`transaction still conflicting after ${attempts} attempts`);
        await new Promise((ok) => setTimeout(ok, Math.random() * 20 * 2 ** attempt));
      }
    }
  }

  /** Every item of one partition whose sort key starts with `prefix` (all of it: '' ), all pages. */
  protected async queryPrefix(pk: string, prefix: string, opts: { consistent?: boolean; keysOnly?: boolean } = {}): Promise<Item[]> {
    const items: Item[] = [];
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :p)' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk, ...(prefix ? { ':p': prefix } : {}) },
        ...(opts.keysOnly ? { ProjectionExpression: 'pk, sk' } : {}),
        ConsistentRead: opts.consistent ?? true,
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }

  /** Strongly consistent reads of any number of keys, keyed by `keyId`; absent keys are missing.
   * `attributes`: read only these (and the keys). */
  protected async batchGet(wanted: readonly Key[], opts: { consistent?: boolean; attributes?: readonly string[] } = {}): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    const names = opts.attributes ? ['pk', 'sk', ...opts.attributes] : undefined;
    const projection = names ? { ProjectionExpression: names.map((_, i) => `#a${i}`).join(', '), ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#a${i}`, n])) } : {};
    for (let i = 0; i < wanted.length; i += GET_CHUNK) {
      let pending: Item[] = wanted.slice(i, i + GET_CHUNK);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= BATCH_ATTEMPTS) throw new RetryableError(`BatchGetItem: ${pending.length} keys still unprocessed after ${BATCH_ATTEMPTS} attempts`);
        if (attempt > 0) await backoff(attempt);
        const out = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: opts.consistent ?? true, ...projection } } }),
        );
        for (const item of out.Responses?.[this.tableName] ?? []) found.set(keyId(item as Key), item);
        pending = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return found;
  }

  /** Puts and deletes in chunks of 25, retrying unprocessed requests with backoff, bounded. */
  protected async batchWrite(requests: ReadonlyArray<{ put: Item } | { delete: Key }>): Promise<void> {
    for (let i = 0; i < requests.length; i += WRITE_CHUNK) {
      let pending: object[] = requests
        .slice(i, i + WRITE_CHUNK)
        .map((r) => ('put' in r ? { PutRequest: { Item: r.put } } : { DeleteRequest: { Key: r.delete } }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= BATCH_ATTEMPTS) throw new RetryableError(`BatchWriteItem: ${pending.length} requests still unprocessed after ${BATCH_ATTEMPTS} attempts`);
        if (attempt > 0) await backoff(attempt);
        const out = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending as never } }));
        pending = out.UnprocessedItems?.[this.tableName] ?? [];
      }
    }
  }
}
