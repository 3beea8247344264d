/** Engagement facts on the send item and the campaign's day counters, in one transaction. */
import { QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../platform/table/keys.js';
import { DynamoTable, cancellationAt, isConditionFailure, isConflict } from '../platform/table/dynamodb.js';
import { CONFLICT, retryOnConflict } from '../platform/retry.js';
import { instantMs } from '../platform/time.js';
import { ENGAGEMENT_COUNTERS, type EngagementCounter, type EngagementStore, type FactWrite, type SendFacts } from './port.js';


/** The send attribute that holds each fact's time: its presence is what makes a repeat a repeat. */
/** Facts per transaction: 25 send updates and their counters stay within the 100 items. */
const FACTS_PER_TRANSACTION = 25;

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

  private pending: Array<{ f: FactWrite; done: (r: Promise<'recorded' | 'repeat'>) => void }> = [];

  /**
   * Facts recorded in the same turn of the event loop (the records of one SQS batch, handled in
   * parallel) are written together: their sends' updates in one transaction with one counter ADD
   * per campaign and day, instead of a two-item transaction each. A fact whose send has it already
   * is a repeat; any other refusal sends the facts on their own.
   */
  recordFact(f: FactWrite): Promise<'recorded' | 'repeat'> {
    return new Promise((resolve, reject) => {
      this.pending.push({ f, done: (r) => r.then(resolve, reject) });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending.splice(0);
    // One update per send item in a transaction: a second fact of the same send waits for the next.
    const groups: (typeof batch)[] = [];
    for (const p of batch) {
      const key = `${p.f.customerId}\0${p.f.campaignId}\0${p.f.occurrence}`;
      const g = groups.find((x) => x.length < FACTS_PER_TRANSACTION && !x.some((q) => `${q.f.customerId}\0${q.f.campaignId}\0${q.f.occurrence}` === key));
      if (g) g.push(p);
      else groups.push([p]);
    }
    for (const g of groups) {
      if (g.length === 1) g[0]!.done(this.recordOne(g[0]!.f));
      else void this.recordTogether(g);
    }
  }

  private async recordTogether(g: Array<{ f: FactWrite; done: (r: Promise<'recorded' | 'repeat'>) => void }>): Promise<void> {
    const counters = new Map<string, { f: FactWrite; counts: Partial<Record<EngagementCounter, number>> }>();
    for (const { f } of g) {
      const c = counters.get(`${f.campaignId}\0${f.at.slice(0, 10)}`) ?? counters.set(`${f.campaignId}\0${f.at.slice(0, 10)}`, { f, counts: {} }).get(`${f.campaignId}\0${f.at.slice(0, 10)}`)!;
      c.counts[f.counter] = (c.counts[f.counter] ?? 0) + 1;
    }
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: [...g.map(({ f }) => this.factUpdate(f)), ...[...counters.values()].map(({ f, counts }) => this.counterAdd(f, counts))] }));
      for (const p of g) p.done(Promise.resolve('recorded'));
    } catch (e) {
      // Cancelled: a fact the send has already is a repeat; the others (and any other error) on their own.
      g.forEach((p, i) => p.done(cancellationAt(e, i) === 'ConditionalCheckFailed' ? Promise.resolve('repeat') : this.recordOne(p.f)));
    }
  }

  private recordOne(f: FactWrite): Promise<'recorded' | 'repeat'> {
    return retryOnConflict(`engagement ${f.counter}`, async () => {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: [this.factUpdate(f), this.counterAdd(f, { [f.counter]: 1 })] }));
        return 'recorded';
      } catch (e) {
        if (isConditionFailure(e)) return 'repeat';
        if (isConflict(e)) return CONFLICT;
        throw e;
      }
    });
  }

  private factUpdate(f: FactWrite) {
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.send(f.customerId, f.campaignId, f.occurrence),
        UpdateExpression: 'SET #f = :at',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#f)',
        ExpressionAttributeNames: { '#f': FACT_ATTRIBUTE[f.counter] },
        ExpressionAttributeValues: { ':at': f.at },
      },
    };
  }

  /** The campaign's day counters, on the shard of `f`'s customer (the report sums the shards). */
  private counterAdd(f: FactWrite, counts: Partial<Record<EngagementCounter, number>>) {
    const entries = Object.entries(counts);
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.campaignKpiDay(f.campaignId, f.at.slice(0, 10), keys.kpiShardOf(f.customerId)),
        UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :n${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#c${i}`, k])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, n], i) => [`:n${i}`, n])),
      },
    };
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
