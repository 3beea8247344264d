/** Message-side items of the Engage table: send claims and outcomes, the due index, coupons,
 * surveys and the hashed suppression list. */
import { DeleteCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DUE_INDEX, TableAttr, keys } from '../platform/table/keys.js';
import type { DueSend, SendRecord } from '../platform/ports.js';
import type { CouponState } from '../coupons/redeem.js';
import type { SurveyAnswer, SurveyState } from '../surveys/response.js';
import { DynamoTable } from '../platform/table/dynamodb.js';

export abstract class DynamoMessageStore extends DynamoTable {
  async claimSend(customerId: string, campaignId: string, occurrence: string, at: string): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.send(customerId, campaignId, occurrence), campaignId, occurrence, status: 'claimed', at },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
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
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.send(customerId, campaignId, occurrence),
        UpdateExpression: 'SET #st = :claimed, #at = :at REMOVE #s, #d',
        ConditionExpression: '#st = :deferred AND #d = :due',
        ExpressionAttributeNames: { '#st': 'status', '#at': 'at', '#s': TableAttr.dueShard, '#d': TableAttr.dueAt },
        ExpressionAttributeValues: { ':claimed': 'claimed', ':deferred': 'deferred', ':due': dueAt, ':at': at },
      }),
    );
  }

  async releaseSend(customerId: string, campaignId: string, occurrence: string): Promise<void> {
    await this.conditional(
      new DeleteCommand({
        TableName: this.tableName,
        Key: keys.send(customerId, campaignId, occurrence),
        ConditionExpression: '#s = :claimed',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':claimed': 'claimed' },
      }),
    );
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

  async putCoupon(coupon: CouponState): Promise<boolean> {
    return this.conditional(new PutCommand({ TableName: this.tableName, Item: { ...keys.coupon(coupon.codeHash), coupon }, ConditionExpression: 'attribute_not_exists(pk)' }));
  }

  async getCoupon(codeHash: string): Promise<CouponState | null> {
    return ((await this.get(keys.coupon(codeHash)))?.coupon as CouponState | undefined) ?? null;
  }

  async redeemCoupon(codeHash: string, r: { orderId: string; at: string; revenue: number; discount: number }): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.coupon(codeHash),
        UpdateExpression: 'SET coupon.redeemedBy = :o, coupon.redeemedAt = :at, attribution = :a',
        // Two concurrent orders with one code: exactly one condition holds.
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(coupon.redeemedBy) OR coupon.redeemedBy = :o)',
        ExpressionAttributeValues: { ':o': r.orderId, ':at': r.at, ':a': { orderId: r.orderId, revenue: r.revenue, discount: r.discount } },
      }),
    );
  }

  async putSurvey(survey: SurveyState): Promise<void> {
    await this.conditional(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.survey(survey.customerId, survey.surveyId), survey }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  }

  async getSurvey(customerId: string, surveyId: string): Promise<SurveyState | null> {
    return ((await this.get(keys.survey(customerId, surveyId)))?.survey as SurveyState | undefined) ?? null;
  }

  async answerSurvey(customerId: string, surveyId: string, answer: SurveyAnswer, expected: 'unanswered' | 'uncommented'): Promise<boolean> {
    return this.conditional(
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
  }
}
