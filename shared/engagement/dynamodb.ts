/** Engagement facts on the send item and the campaign's day counters, in one transaction. */
import { QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../platform/table/keys.js';
import { DynamoTable, isConditionFailure, isConflict } from '../platform/table/dynamodb.js';
import { CONFLICT, retryOnConflict } from '../platform/retry.js';
import { instantMs } from '../platform/time.js';
import { ENGAGEMENT_COUNTERS, type EngagementCounter, type EngagementStore, type FactWrite, type SendFacts } from './port.js';


/** The send attribute that holds each fact's time: its presence is what makes a repeat a repeat. */
export const FACT_ATTRIBUTE: Record<EngagementCounter, string> = {
  delivered: 'deliveredAt',
  opened: 'openedAt',
  clicked: 'clickedAt',
  bounced: 'bouncedAt',
  complained: 'complainedAt',
  machineClicked: 'machineClickedAt',
};


export class DynamoEngagementStore extends DynamoTable implements EngagementStore {
  async sendFacts(customerId: string, campaignId: string, occurrence: string): Promise<SendFacts | null> {
    const item = await this.get(keys.send(customerId, campaignId, occurrence));
    if (!item) return null;
    return { status: String(item.status), at: String(item.at), ...(item.deliveredAt ? { deliveredAt: String(item.deliveredAt) } : {}) };
  }

  recordFact(f: FactWrite): Promise<'recorded' | 'repeat'> {
    const attr = FACT_ATTRIBUTE[f.counter];
    return retryOnConflict(`engagement ${f.counter}`, async () => {
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: keys.send(f.customerId, f.campaignId, f.occurrence),
                  UpdateExpression: 'SET #f = :at',
                  ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#f)',
                  ExpressionAttributeNames: { '#f': attr },
                  ExpressionAttributeValues: { ':at': f.at },
                },
              },
              {
                Update: {
                  TableName: this.tableName,
                  Key: keys.campaignKpiDay(f.campaignId, f.at.slice(0, 10), keys.kpiShardOf(f.customerId)),
                  UpdateExpression: 'ADD #c :one',
                  ExpressionAttributeNames: { '#c': f.counter },
                  ExpressionAttributeValues: { ':one': 1 },
                },
              },
            ],
          }),
        );
        return 'recorded';
      } catch (e) {
        if (isConditionFailure(e)) return 'repeat';
        if (isConflict(e)) return CONFLICT;
        throw e;
      }
    });
  }

  async noteClick(customerId: string, click: { campaignId: string; occurrence: string; at: string }): Promise<void> {
    // Compared as epoch milliseconds, never as text.
    const ms = instantMs(click.at);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.customer(customerId),
          UpdateExpression: 'SET lastClick = :c',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastClick) OR lastClick.atMs < :ms)',
          ExpressionAttributeValues: { ':c': { ...click, atMs: ms }, ':ms': ms },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  async campaignDays(campaignId: string, from: string, to: string): Promise<Array<{ day: string; counts: Partial<Record<EngagementCounter, number>> }>> {
    const byDay = new Map<string, Partial<Record<EngagementCounter, number>>>();
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': keys.campaignKpiPk(campaignId), ':from': `DAY#${from}`, ':to': `DAY#${to}#~` },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        const day = String(item.sk).slice('DAY#'.length, 'DAY#'.length + 10);
        const counts = byDay.get(day) ?? {};
        for (const c of ENGAGEMENT_COUNTERS) if (typeof item[c] === 'number') counts[c] = (counts[c] ?? 0) + (item[c] as number);
        byDay.set(day, counts);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return [...byDay].map(([day, counts]) => ({ day, counts }));
  }
}
