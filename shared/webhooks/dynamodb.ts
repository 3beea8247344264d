/**
 * The webhook endpoint's items (access patterns 22 and 23 in shared/platform/table/keys.ts):
 * delivery claims keyed by the platform's delivery id, and who placed each shop order.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { cancellationAt, DynamoTable } from '../platform/table/dynamodb.js';
import { TableAttr, keys } from '../platform/table/keys.js';
import { OPEN_ORDERS_ATTR } from '../orders/open-orders.js';
import { WEBHOOK_DEDUPE, type ClaimOutcome, type OrderOwners, type WebhookDedupe } from './receive.js';

const epochSeconds = (at: Date, plusSeconds: number) => Math.floor(at.getTime() / 1000) + plusSeconds;

export class DynamoWebhookDedupe extends DynamoTable implements WebhookDedupe {
  /**
   * A new claim, or one taking over a pending claim older than the lease (its attempt died). The
   * lease is judged on claimedAt, never on the TTL: DynamoDB deletes expired items lazily.
   */
  async claim(key: string, at: Date): Promise<ClaimOutcome> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.webhookDelivery(key), state: 'pending', claimedAt: at.toISOString(), [TableAttr.ttl]: epochSeconds(at, WEBHOOK_DEDUPE.doneTtlSeconds) },
          ConditionExpression: 'attribute_not_exists(pk) OR (#s = :pending AND claimedAt < :lapsed)',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':pending': 'pending', ':lapsed': new Date(at.getTime() - WEBHOOK_DEDUPE.leaseSeconds * 1000).toISOString() },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'claimed';
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      // The failed condition returns the claim that holds it (raw attribute values).
      const state = e.Item?.state?.S ?? (await this.get(keys.webhookDelivery(key)))?.state;
      return state === 'done' ? 'done' : 'pending';
    }
  }

  async complete(key: string, at: Date): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.webhookDelivery(key),
        UpdateExpression: 'SET #s = :done, doneAt = :at, #ttl = :ttl',
        ExpressionAttributeNames: { '#s': 'state', '#ttl': TableAttr.ttl },
        ExpressionAttributeValues: { ':done': 'done', ':at': at.toISOString(), ':ttl': epochSeconds(at, WEBHOOK_DEDUPE.doneTtlSeconds) },
      }),
    );
  }

  async release(key: string): Promise<void> {
    await this.conditional(
      new DeleteCommand({
        TableName: this.tableName,
        Key: keys.webhookDelivery(key),
        ConditionExpression: '#s = :pending',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':pending': 'pending' },
      }),
    );
  }
}

export class DynamoOrderOwners extends DynamoTable implements OrderOwners {
  async ownerOf(orderId: string): Promise<string | null> {
    return ((await this.get(keys.orderOwner(orderId)))?.customerId as string | undefined) ?? null;
  }

  /**
   * The owner item names the customer in clear, so it is one of the writes that could bring an
   * erased customer back: written only while no tombstone exists (an erased customer's late
   * delivery publishes events the handlers drop the same way).
   */
  async remember(orderId: string, customerId: string, at: Date, expiresAt: Date): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [this.notErased(customerId), { Put: { TableName: this.tableName, Item: { ...keys.orderOwner(orderId), customerId, at: at.toISOString(), [TableAttr.ttl]: Math.floor(expiresAt.getTime() / 1000) } } }],
        }),
      );
    } catch (e) {
      if (cancellationAt(e, 0) !== 'ConditionalCheckFailed') throw e;
    }
  }

  /**
   * Erasure's step for these items: they live outside the customer's partition, keyed by order,
   * so they are found through the orders the customer still holds (the open orders on the
   * customer item and ORDER# items; older owners have expired: ownerExpiry in receive.ts) — call
   * this before those are deleted.
   * Each delete is conditional on the owner, so an order id another customer holds stays.
   */
  async forgetCustomer(customerId: string): Promise<number> {
    const items = await this.queryPrefix(keys.customer(customerId).pk, keys.orderPrefix, { keysOnly: true });
    const open = (await this.get(keys.customer(customerId)))?.[OPEN_ORDERS_ATTR] as Record<string, unknown> | undefined;
    const orderIds = new Set([...Object.keys(open ?? {}), ...items.map((o) => (o.sk as string).slice(keys.orderPrefix.length))]);
    let deleted = 0;
    for (const orderId of orderIds) {
      const gone = await this.conditional(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.orderOwner(orderId),
          ConditionExpression: 'customerId = :c',
          ExpressionAttributeValues: { ':c': customerId },
        }),
      );
      if (gone) deleted++;
    }
    return deleted;
  }
}
