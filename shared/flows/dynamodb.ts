/**
 * FlowStore over the Engage table (access patterns 30–33): entries in the customer's partition,
 * the waiting ones in the due index, counters per flow in 16 shards.
 */
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTable, cancellationAt, isConditionFailure, type Item } from '../platform/table/dynamodb.js';
import { TableAttr, dueKeys, keys } from '../platform/table/keys.js';
import type { FlowEntry } from './decide.js';
import type { EnterResult, FlowCounts, FlowStore } from './port.js';

/** Finished entries stay this long: re-entry rules and reports read them, then they expire. */
export const FLOW_ENTRY_TTL_DAYS = 400;

const ENTRY_FIELDS = ['flowId', 'customerId', 'entry', 'trigger', 'enteredAt', 'status', 'at', 'until', 'waitingFor', 'variants', 'assignedAt', 'lastSend', 'path', 'exitReason', 'converted', 'v'] as const;
const toEntry = (i: Item): FlowEntry => Object.fromEntries(ENTRY_FIELDS.flatMap((f) => (i[f] !== undefined ? [[f, i[f]]] : []))) as unknown as FlowEntry;

const terminal = (e: FlowEntry) => e.status === 'done' || e.status === 'exited' || e.status === 'control';

/** The stored item: a live entry sits in the due index at `dueAt`; a finished one gets a TTL. */
function itemOf(e: FlowEntry, dueAt?: string): Item {
  const body: Item = { ...keys.flowEntry(e.customerId, e.flowId, e.entry), ...Object.fromEntries(ENTRY_FIELDS.flatMap((f) => (e[f] !== undefined ? [[f, e[f]]] : []))) };
  if (dueAt) return { ...body, [TableAttr.dueShard]: dueKeys.of(e.customerId, dueAt), [TableAttr.dueAt]: dueAt };
  if (terminal(e)) return { ...body, [TableAttr.ttl]: Math.floor(Date.now() / 1000) + FLOW_ENTRY_TTL_DAYS * 86_400 };
  return body;
}

export class DynamoFlowStore extends DynamoTable implements FlowStore {
  private counterUpdate(flowId: string, customerId: string, counts: FlowCounts) {
    const entries = Object.entries(counts).filter(([, n]) => n !== 0);
    if (!entries.length) return [];
    return [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.flowKpi(flowId, keys.kpiShardOf(customerId)),
          UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#c${i}`, k])),
          ExpressionAttributeValues: Object.fromEntries(entries.map(([, n], i) => [`:c${i}`, n])),
        },
      },
    ];
  }

  async enter(entry: FlowEntry, dueAt: string, counts: FlowCounts, reEntry?: { notSince?: string }): Promise<EnterResult> {
    const marker = reEntry
      ? [
          {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.flowLast(entry.customerId, entry.flowId), enteredAt: entry.enteredAt, entry: entry.entry },
              ConditionExpression: reEntry.notSince ? 'attribute_not_exists(pk) OR enteredAt < :since' : 'attribute_not_exists(pk)',
              ...(reEntry.notSince ? { ExpressionAttributeValues: { ':since': reEntry.notSince } } : {}),
            },
          },
        ]
      : [];
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            this.notErased(entry.customerId),
            { Put: { TableName: this.tableName, Item: itemOf(entry, terminal(entry) ? undefined : dueAt), ConditionExpression: 'attribute_not_exists(pk)' } },
            ...marker,
            ...this.counterUpdate(entry.flowId, entry.customerId, counts),
          ],
        }),
      );
      return 'entered';
    } catch (e) {
      if (cancellationAt(e, 0) === 'ConditionalCheckFailed') return 'erased';
      if (cancellationAt(e, 1) === 'ConditionalCheckFailed') return 'taken';
      if (marker.length && cancellationAt(e, 2) === 'ConditionalCheckFailed') return 'not-again';
      throw e;
    }
  }

  async getEntry(customerId: string, flowId: string, entry: string): Promise<FlowEntry | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.flowEntry(customerId, flowId, entry), ConsistentRead: true }));
    return out.Item ? toEntry(out.Item) : undefined;
  }

  async take(entry: FlowEntry, leaseUntil: string, dueAt?: string): Promise<FlowEntry | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.flowEntry(entry.customerId, entry.flowId, entry.entry),
          UpdateExpression: 'SET v = :next, #s = :shard, #d = :lease',
          ConditionExpression: dueAt ? 'v = :v AND #d = :due' : 'v = :v',
          ExpressionAttributeNames: { '#s': TableAttr.dueShard, '#d': TableAttr.dueAt },
          ExpressionAttributeValues: { ':next': entry.v + 1, ':v': entry.v, ':shard': dueKeys.of(entry.customerId, leaseUntil), ':lease': leaseUntil, ...(dueAt ? { ':due': dueAt } : {}) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toEntry(out.Attributes!);
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  }

  async save(entry: FlowEntry, counts: FlowCounts): Promise<boolean> {
    // Waiting (or active but not before a time): in the due index at that time.
    const dueAt = terminal(entry) ? undefined : (entry.until ?? new Date().toISOString());
    const next = { ...entry, v: entry.v + 1 };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: itemOf(next, dueAt), ConditionExpression: 'v = :v', ExpressionAttributeValues: { ':v': entry.v } } },
            ...this.counterUpdate(entry.flowId, entry.customerId, counts),
          ],
        }),
      );
      return true;
    } catch (e) {
      if (cancellationAt(e, 0) === 'ConditionalCheckFailed' || isConditionFailure(e)) return false;
      throw e;
    }
  }

  async markConverted(entry: FlowEntry, counts: FlowCounts): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.flowEntry(entry.customerId, entry.flowId, entry.entry),
                UpdateExpression: 'SET converted = :t, v = :next',
                ConditionExpression: 'v = :v AND attribute_not_exists(converted)',
                ExpressionAttributeValues: { ':t': true, ':v': entry.v, ':next': entry.v + 1 },
              },
            },
            ...this.counterUpdate(entry.flowId, entry.customerId, counts),
          ],
        }),
      );
      return true;
    } catch (e) {
      if (cancellationAt(e, 0) === 'ConditionalCheckFailed' || isConditionFailure(e)) return false;
      throw e;
    }
  }

  async listEntries(customerId: string): Promise<FlowEntry[]> {
    return (await this.queryPrefix(keys.customer(customerId).pk, keys.flowPrefix)).map(toEntry);
  }

  async clicks(campaignIds: readonly string[]): Promise<Record<string, number>> {
    const sums = await Promise.all(campaignIds.map(async (id) => (await this.queryPrefix(keys.campaignKpiPk(id), 'DAY#')).reduce((n, i) => n + (typeof i.clicked === 'number' ? i.clicked : 0), 0)));
    return Object.fromEntries(campaignIds.map((id, i) => [id, sums[i]!]));
  }

  async counters(flowId: string): Promise<FlowCounts> {
    const out = await this.db.send(new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.flowKpiPk(flowId) } }));
    const sum: FlowCounts = {};
    for (const i of out.Items ?? []) for (const [k, v] of Object.entries(i)) if (typeof v === 'number') sum[k] = (sum[k] ?? 0) + v;
    return sum;
  }
}
