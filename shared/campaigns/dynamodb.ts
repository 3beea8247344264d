/** SendStore over the Engage table: send claims and outcomes (access patterns 7 and 8) and the
 * sparse due index of deferred sends (9). */
import { DeleteCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTable } from '../platform/table/dynamodb.js';
import { DUE_INDEX, TableAttr, customerIdOfPk, keys } from '../platform/table/keys.js';
import type { DueSend, SendRecord, SendStore } from './port.js';

export class DynamoSendStore extends DynamoTable implements SendStore {
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
    const items = await this.queryPrefix(keys.customer(customerId).pk, keys.sendPrefix, { consistent: false });
    return items.map(({ campaignId, occurrence, status, at, kind, messageId, reason, until, trigger }) => ({
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
      for (const i of out.Items ?? []) yield { ...(i as unknown as SendRecord), customerId: customerIdOfPk(i.pk as string) };
      start = out.LastEvaluatedKey;
    } while (start);
  }
}
