/** CustomerStore over one DynamoDB table (key design in shared/platform/table/keys.ts): the customer-side
 * items here, the message-side ones in dynamodb-messages.ts. */
import {
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { CUSTOMERS_INDEX, TableAttr, dayFromSortKey, keys } from '../platform/table/keys.js';
import type { CustomerRecord, Prediction, Profile, RiskState } from './record.js';
import type { BaseStats, ModelParams, StoreModel } from '../churn/model.js';
import { emptyOrder, emptySummary, type DayState, type Neighbours, type OrderState, type OrderSummary } from '../orders/decide.js';
import type { CustomerStore, OrderCommit, OrderContext } from '../platform/ports.js';
import { isConditionFailure, isConflict, mergeGuard, versionGuard, type Item } from '../platform/table/dynamodb.js';
import { DynamoMessageStore } from '../campaigns/dynamodb.js';

export { documentClient } from '../platform/table/dynamodb.js';

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

function toCustomer(item: Item): CustomerRecord {
  return {
    customerId: item.customerId as string,
    summary: (item.summary as OrderSummary | undefined) ?? emptySummary(),
    ...(item.profile ? { profile: item.profile as Profile } : {}),
    ...(item.risk ? { risk: item.risk as RiskState } : {}),
    ...(item.segment ? { segment: item.segment as string } : {}),
    ...(item.prediction ? { prediction: item.prediction as Prediction } : {}),
    ...(item.suppressed ? { suppressed: true } : {}),
  };
}

export class DynamoCustomerStore extends DynamoMessageStore implements CustomerStore {
  /** One BatchGetItem (strongly consistent); a second read only when the day is not yet known. */
  async loadOrderContext(customerId: string, orderId: string, day?: string): Promise<OrderContext> {
    const wanted = [keys.customer(customerId), keys.order(customerId, orderId), ...(day ? [keys.day(customerId, day)] : [])];
    const items = await this.batchGet(wanted);
    const customer = items.get(wanted[0]!.sk);
    const order = items.get(wanted[1]!.sk);
    const orderState = (order?.state as OrderState | undefined) ?? emptyOrder();
    const dayKey = orderState.day ?? day;
    const dayItem = !dayKey ? undefined : dayKey === day ? items.get(keys.day(customerId, dayKey).sk) : await this.get(keys.day(customerId, dayKey));
    return {
      summary: { value: (customer?.summary as OrderSummary | undefined) ?? emptySummary(), v: (customer?.v as number) ?? 0 },
      order: { value: orderState, v: (order?.v as number) ?? 0 },
      day: dayItem ? { value: { count: dayItem.count as number, spend: dayItem.spend as number }, v: dayItem.v as number } : null,
    };
  }

  async loadNeighbours(customerId: string, excludeDay: string): Promise<Neighbours> {
    const edge = async (forward: boolean) => {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': keys.customer(customerId).pk, ':p': keys.dayPrefix },
          ScanIndexForward: forward,
          Limit: 2,
          ConsistentRead: true,
        }),
      );
      const hit = (out.Items ?? []).find((i) => dayFromSortKey(i.sk as string) !== excludeDay);
      return hit ? { day: dayFromSortKey(hit.sk as string), spend: hit.spend as number } : undefined;
    };
    const [afterFirst, beforeLast] = await Promise.all([edge(true), edge(false)]);
    return { ...(afterFirst ? { afterFirst } : {}), ...(beforeLast ? { beforeLast } : {}) };
  }

  async commitOrder(c: OrderCommit): Promise<'ok' | 'conflict'> {
    const items: TransactItems = [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.order(c.customerId, c.orderId), state: c.order.value, [TableAttr.version]: c.order.v + 1 },
          ...versionGuard(c.order.v),
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: keys.customer(c.customerId),
          UpdateExpression: 'SET summary = :s, customerId = :c, #g = :c, #v = :next',
          ...mergeGuard(versionGuard(c.summary.v), {
            ExpressionAttributeNames: { '#g': TableAttr.gsi1pk, '#v': TableAttr.version },
            ExpressionAttributeValues: { ':s': c.summary.value, ':c': c.customerId, ':next': c.summary.v + 1 },
          }),
        },
      },
    ];
    if (c.day) {
      const key = keys.day(c.customerId, c.day.day);
      items.push(
        c.day.state
          ? { Put: { TableName: this.tableName, Item: { ...key, ...c.day.state, [TableAttr.version]: c.day.v + 1 }, ...versionGuard(c.day.v) } }
          : { Delete: { TableName: this.tableName, Key: key, ...versionGuard(c.day.v) } },
      );
    }
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return 'ok';
    } catch (e) {
      if (isConflict(e)) return 'conflict'; // incl. a concurrent transaction: read again
      throw e;
    }
  }

  async putProfile(customerId: string, profile: Profile): Promise<'applied' | 'stale'> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.customer(customerId),
          UpdateExpression: 'SET profile = :p, customerId = :c, #g = :c, #v = if_not_exists(#v, :zero) + :one',
          ConditionExpression: 'attribute_not_exists(profile) OR profile.updatedAt < :t',
          ExpressionAttributeNames: { '#g': TableAttr.gsi1pk, '#v': TableAttr.version },
          ExpressionAttributeValues: { ':p': profile, ':c': customerId, ':t': profile.updatedAt, ':zero': 0, ':one': 1 },
        }),
      );
      return 'applied';
    } catch (e) {
      if (isConditionFailure(e)) return 'stale';
      throw e;
    }
  }

  async getCustomer(customerId: string): Promise<CustomerRecord | null> {
    const item = await this.get(keys.customer(customerId));
    return item ? toCustomer(item) : null;
  }

  async scanCustomers(page: { segment: number; totalSegments: number; cursor?: Record<string, string>; limit: number }) {
    const out = await this.db.send(
      new ScanCommand({
        TableName: this.tableName,
        IndexName: CUSTOMERS_INDEX,
        Segment: page.segment,
        TotalSegments: page.totalSegments,
        Limit: page.limit,
        ...(page.cursor ? { ExclusiveStartKey: page.cursor } : {}),
      }),
    );
    return {
      customers: (out.Items ?? []).map(toCustomer),
      ...(out.LastEvaluatedKey ? { cursor: out.LastEvaluatedKey as Record<string, string> } : {}),
    };
  }

  async putScores(customerId: string, expected: RiskState | undefined, next: { risk: RiskState; segment?: string; prediction?: Prediction }): Promise<boolean> {
    const sets = ['risk = :r', ...(next.segment ? ['#seg = :s'] : []), ...(next.prediction ? ['prediction = :p'] : [])];
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.customer(customerId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: expected ? 'risk.since = :since' : 'attribute_exists(pk) AND attribute_not_exists(risk)',
        // SEGMENT is a DynamoDB reserved word.
        ...(next.segment ? { ExpressionAttributeNames: { '#seg': 'segment' } } : {}),
        ExpressionAttributeValues: {
          ':r': next.risk,
          ...(next.segment ? { ':s': next.segment } : {}),
          ...(next.prediction ? { ':p': next.prediction } : {}),
          ...(expected ? { ':since': expected.since } : {}),
        },
      }),
    );
  }

  async getStoreModel(): Promise<StoreModel> {
    const [stats, current] = await Promise.all([this.get(keys.storeStats()), this.get(keys.modelCurrent())]);
    return {
      ...(stats?.stats ? { stats: stats.stats as BaseStats } : {}),
      ...(current?.params ? { params: current.params as ModelParams } : {}),
    };
  }

  async putBaseStats(stats: BaseStats): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.storeStats(), stats } }));
  }

  async putModelParams(params: ModelParams): Promise<boolean> {
    const previous = params.version - 1;
    return this.conditional(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: { ...keys.modelVersion(params.version), params }, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.modelCurrent(), params, [TableAttr.version]: params.version },
              ...versionGuard(previous),
            },
          },
        ],
      }),
    );
  }

  /** A customer's placed orders with their net value (cancelled and fully refunded count 0). */
  async orders(customerId: string): Promise<Array<{ placedAt: string; net: number }>> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': keys.customer(customerId).pk, ':p': 'ORDER#' },
      }),
    );
    return (out.Items ?? []).flatMap((i) => {
      const o = i.state as OrderState;
      if (!o.placedAt || o.cancelledAt) return [];
      return [{ placedAt: o.placedAt, net: Math.max(0, (o.total ?? 0) - o.refunded) }];
    });
  }

  async suppress(customerId: string, reason: string, at: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.customer(customerId),
          // The first reason and time stay: a later duplicate click changes nothing.
          UpdateExpression: 'SET suppressed = :t, suppression = if_not_exists(suppression, :s)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':t': true, ':s': { reason, at } },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e; // an unknown customer: nothing to suppress
    }
  }

  /** putProfile for a listed address: profile and suppression in one write, so no reader ever
   * sees the new profile without the flag. */
  async putSuppressedProfile(customerId: string, profile: Profile, suppression: { reason: string; at: string }): Promise<'applied' | 'stale'> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.customer(customerId),
          UpdateExpression:
            'SET profile = :p, customerId = :c, #g = :c, #v = if_not_exists(#v, :zero) + :one, suppressed = :t, suppression = if_not_exists(suppression, :s)',
          ConditionExpression: 'attribute_not_exists(profile) OR profile.updatedAt < :t2',
          ExpressionAttributeNames: { '#g': TableAttr.gsi1pk, '#v': TableAttr.version },
          ExpressionAttributeValues: { ':p': profile, ':c': customerId, ':t2': profile.updatedAt, ':zero': 0, ':one': 1, ':t': true, ':s': suppression },
        }),
      );
      return 'applied';
    } catch (e) {
      if (isConditionFailure(e)) return 'stale';
      throw e;
    }
  }
}
