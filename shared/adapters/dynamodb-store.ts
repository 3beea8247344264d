/** CustomerStore over one DynamoDB table (key design in shared/table/keys.ts). */
import { DynamoDBClient, TransactionCanceledException, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  DeleteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { CUSTOMERS_INDEX, DUE_INDEX, TableAttr, dayFromSortKey, keys } from '../table/keys.js';
import type { CustomerRecord, Prediction, Profile, RiskState } from '../domain/customer.js';
import type { BaseStats, ModelParams, StoreModel } from '../domain/model.js';
import { emptyOrder, emptySummary, type DayState, type Neighbours, type OrderState, type OrderSummary } from '../domain/orders.js';
import type { CustomerStore, DueSend, OrderCommit, OrderContext, SendRecord } from '../ports.js';
import type { CouponState } from '../coupons/redeem.js';
import type { SurveyAnswer, SurveyState } from '../surveys/response.js';

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;
type Item = Record<string, unknown>;

export function documentClient(client = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

const versionGuard = (v: number) =>
  v === 0
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': TableAttr.version }, ExpressionAttributeValues: { ':v': v } };

const isConditionFailure = (e: unknown) =>
  e instanceof ConditionalCheckFailedException ||
  (e instanceof TransactionCanceledException && (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed'));

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

export class DynamoCustomerStore implements CustomerStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async get(key: { pk: string; sk: string }): Promise<Item | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return out.Item;
  }

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

  /** Items of one partition by sort key; retries unprocessed keys (throttling) until done. */
  private async batchGet(wanted: Array<{ pk: string; sk: string }>): Promise<Map<string, Item>> {
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
      if (isConditionFailure(e)) return 'conflict';
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
    try {
      await this.db.send(
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
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
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
    try {
      await this.db.send(
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
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async claimSend(customerId: string, campaignId: string, occurrence: string, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.send(customerId, campaignId, occurrence), campaignId, occurrence, status: 'claimed', at },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async completeSend(customerId: string, r: SendRecord): Promise<void> {
    // A deferral joins the sparse due index; any other outcome leaves it (Put replaces the item).
    const due = r.status === 'deferred' && r.until ? { [TableAttr.dueShard]: keys.dueShard(customerId), [TableAttr.dueAt]: r.until, customerId } : {};
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.send(customerId, r.campaignId, r.occurrence), ...r, ...due } }));
  }

  async listDue(shard: string, now: string, limit: number): Promise<DueSend[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: DUE_INDEX,
        KeyConditionExpression: '#s = :s AND #d <= :now',
        ExpressionAttributeNames: { '#s': TableAttr.dueShard, '#d': TableAttr.dueAt },
        ExpressionAttributeValues: { ':s': shard, ':now': now },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => ({
      customerId: i.customerId as string,
      campaignId: i.campaignId as string,
      occurrence: i.occurrence as string,
      dueAt: i[TableAttr.dueAt] as string,
      trigger: i.trigger as DueSend['trigger'],
    }));
  }

  async reclaimDeferred(customerId: string, campaignId: string, occurrence: string, dueAt: string, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.send(customerId, campaignId, occurrence),
          UpdateExpression: 'SET #st = :claimed, #at = :at REMOVE #s, #d',
          ConditionExpression: '#st = :deferred AND #d = :due',
          ExpressionAttributeNames: { '#st': 'status', '#at': 'at', '#s': TableAttr.dueShard, '#d': TableAttr.dueAt },
          ExpressionAttributeValues: { ':claimed': 'claimed', ':deferred': 'deferred', ':due': dueAt, ':at': at },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async releaseSend(customerId: string, campaignId: string, occurrence: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.send(customerId, campaignId, occurrence),
          ConditionExpression: '#s = :claimed',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':claimed': 'claimed' },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  async listSends(customerId: string): Promise<SendRecord[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': keys.customer(customerId).pk, ':p': keys.sendPrefix },
      }),
    );
    return (out.Items ?? []).map(({ campaignId, occurrence, status, at, kind, messageId, reason, until, trigger }) => ({
      campaignId, occurrence, status, at,
      ...(kind ? { kind } : {}), ...(messageId ? { messageId } : {}), ...(reason ? { reason } : {}), ...(until ? { until } : {}),
      ...(trigger ? { trigger } : {}),
    }) as SendRecord);
  }

  /** Every send record in the table (a full scan: for operator reports only). */
  async *sendRecords(): AsyncIterable<SendRecord & { customerId: string }> {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'begins_with(sk, :p)',
          ExpressionAttributeValues: { ':p': keys.sendPrefix },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const i of out.Items ?? []) yield { ...(i as unknown as SendRecord), customerId: (i.pk as string).slice('CUST#'.length) };
      start = out.LastEvaluatedKey;
    } while (start);
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

  /** The hashed suppression list (access pattern 15): the hash only, never the address; the
   * first reason and time stay, so a repeat (redelivery, second unsubscribe) changes nothing. */
  async suppressAddress(emailHash: string, reason: string, at: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.suppressedAddress(emailHash),
        UpdateExpression: 'SET reason = if_not_exists(reason, :r), #at = if_not_exists(#at, :at)',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':r': reason, ':at': at },
      }),
    );
  }

  async getAddressSuppression(emailHash: string): Promise<{ reason: string; at: string } | null> {
    const item = await this.get(keys.suppressedAddress(emailHash));
    return item ? { reason: item.reason as string, at: item.at as string } : null;
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

  async putCoupon(coupon: CouponState): Promise<boolean> {
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.coupon(coupon.codeHash), coupon }, ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async putSurvey(survey: SurveyState): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({ TableName: this.tableName, Item: { ...keys.survey(survey.customerId, survey.surveyId), survey }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  async getSurvey(customerId: string, surveyId: string): Promise<SurveyState | null> {
    return ((await this.get(keys.survey(customerId, surveyId)))?.survey as SurveyState | undefined) ?? null;
  }

  async answerSurvey(customerId: string, surveyId: string, answer: SurveyAnswer, expected: 'unanswered' | 'uncommented'): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.survey(customerId, surveyId),
          UpdateExpression: 'SET survey.answer = :a',
          // A double click or a replayed link races here: exactly one first answer wins.
          ConditionExpression:
            expected === 'unanswered'
              ? 'attribute_exists(pk) AND attribute_not_exists(survey.answer)'
              : 'attribute_exists(survey.answer) AND attribute_not_exists(survey.answer.#c)',
          ...(expected === 'uncommented' ? { ExpressionAttributeNames: { '#c': 'comment' } } : {}),
          ExpressionAttributeValues: { ':a': answer },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async getCoupon(codeHash: string): Promise<CouponState | null> {
    return ((await this.get(keys.coupon(codeHash)))?.coupon as CouponState | undefined) ?? null;
  }

  async redeemCoupon(codeHash: string, r: { orderId: string; at: string; revenue: number; discount: number }): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.coupon(codeHash),
          UpdateExpression: 'SET coupon.redeemedBy = :o, coupon.redeemedAt = :at, attribution = :a',
          // Two concurrent orders with one code: exactly one condition holds.
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(coupon.redeemedBy) OR coupon.redeemedBy = :o)',
          ExpressionAttributeValues: { ':o': r.orderId, ':at': r.at, ':a': { orderId: r.orderId, revenue: r.revenue, discount: r.discount } },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }
}

function mergeGuard(
  guard: { ConditionExpression: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> },
  rest: { ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, unknown> },
) {
  return {
    ConditionExpression: guard.ConditionExpression,
    ExpressionAttributeNames: { ...guard.ExpressionAttributeNames, ...rest.ExpressionAttributeNames },
    ExpressionAttributeValues: { ...guard.ExpressionAttributeValues, ...rest.ExpressionAttributeValues },
  };
}
