/** ScoreStore over the Engage table: scores on the customer item, the model, base statistics and
 * the last refit's report under STORE (access patterns 1, 6, 6b, 6c), purchase days (1; legacy 3). */
import { PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTable, versionGuard } from '../platform/table/dynamodb.js';
import { TableAttr, keyId, keys } from '../platform/table/keys.js';
import { DAYS_ATTR, LEGACY_DAY_PREFIX, daysFromLegacyItems, daysOf } from '../orders/stored-days.js';
import { parseDay } from '../scoring/csv.js';
import type { Prediction, RiskState } from '../customers/record.js';
import { storable, type BaseStats, type ModelParams, type RefitReport, type StoreModel } from './model.js';
import type { BaseRunPart, PurchaseDaysRead, ScoreStore, ScoresNext, ScoresWrite } from './port.js';
import type { BaseAggregate } from '../reports/base.js';
import { createHash } from 'node:crypto';

/** The report reads the latest complete run; older runs' parts expire. */
const BASE_AGGREGATE_TTL_DAYS = 35;
import { KPI, deltaFor, kpiUpdate, mergeDeltas } from '../platform/table/counters.js';
import { utcDay } from '../platform/time.js';
import type { RiskLevel } from '../platform/contracts/events.js';

/** The counter a level's entry adds to (entering active is a reactivation, counted by its order). */
const ENTERED: Partial<Record<RiskLevel, string>> = { churned: KPI.churned, 'at-risk': KPI.atRisk };

/** Reads in flight while reading purchase days: well under a table's burst, fast enough for 200k. */
const DAY_READ_CONCURRENCY = 8;
/** Customers per BatchGetItem (its limit). */
const DAY_READ_CHUNK = 100;

export class DynamoScoreStore extends DynamoTable implements ScoreStore {
  async putScores(customerId: string, expected: RiskState | undefined, next: ScoresNext): Promise<boolean> {
    const { update, delta } = this.scoresWrite(customerId, expected, next);
    if (!delta) return this.conditional(new UpdateCommand(update));
    return this.conditionalTransaction(new TransactWriteCommand({ TransactItems: [{ Update: update }, kpiUpdate(this.tableName, delta)] }));
  }

  async putScoresMany(writes: readonly ScoresWrite[]): Promise<boolean[]> {
    const planned = writes.map((w) => this.scoresWrite(w.customerId, w.expected, w.next));
    const entries = planned.flatMap((p, i) => (p.delta ? [i] : []));
    const one = (i: number) => this.putScores(writes[i]!.customerId, writes[i]!.expected, writes[i]!.next);
    if (entries.length < 2) return Promise.all(writes.map((_, i) => one(i)));
    // The level entries of a chunk in one transaction, their counts summed into one ADD per day
    // (on the first one's shard: the report sums the shards): one counter write, not one each.
    const deltas = mergeDeltas(entries.map((i) => ({ ...planned[i]!.delta!, shard: planned[entries[0]!]!.delta!.shard })));
    const together = this.conditionalTransaction(new TransactWriteCommand({ TransactItems: [...entries.map((i) => ({ Update: planned[i]!.update })), ...deltas.map((d) => kpiUpdate(this.tableName, d))] }));
    const [ok, ...written] = await Promise.all([together, ...writes.map((_, i) => (planned[i]!.delta ? true : one(i)))]);
    // A guard that fails (someone else moved that customer's level) cancels the lot: each on its own then.
    if (!ok) for (const [i, w] of (await Promise.all(entries.map(one))).entries()) written[entries[i]!] = w;
    return written;
  }

  private scoresWrite(customerId: string, expected: RiskState | undefined, next: ScoresNext) {
    const sets = ['risk = :r', ...(next.segment ? ['#seg = :s'] : []), ...(next.prediction ? ['prediction = :p'] : [])];
    const update = {
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
    };
    // An entry is a new level, or the same one again after an order (a new episode, as decideScores
    // has it); counted in the same guarded write, so a re-run, which finds it written, counts nothing.
    const isEntry = next.risk.since !== expected?.since && (expected?.level !== next.risk.level || expected.lastOrderDay !== next.risk.lastOrderDay);
    const entered = isEntry ? ENTERED[next.risk.level] : undefined;
    return { update, ...(entered ? { delta: deltaFor(customerId, utcDay(next.risk.since), { [entered]: 1 }) } : {}) };
  }

  async putBaseAggregate(part: BaseRunPart, aggregate: BaseAggregate): Promise<void> {
    const from = part.from ? createHash('sha256').update(JSON.stringify(part.from)).digest('hex').slice(0, 16) : 'start';
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.kpiBase(part.runKey, part.segment, from), runKey: part.runKey, segment: part.segment, totalSegments: part.totalSegments, done: part.done, aggregate, [TableAttr.ttl]: Math.floor(Date.parse(part.scheduledTime) / 1000) + BASE_AGGREGATE_TTL_DAYS * 86_400 },
      }),
    );
  }

  async getStoreModel(): Promise<StoreModel> {
    const [stats, current, refit] = await Promise.all([this.get(keys.storeStats()), this.get(keys.modelCurrent()), this.get(keys.refitReport())]);
    return {
      ...(stats?.stats ? { stats: stats.stats as BaseStats } : {}),
      ...(current?.params ? { params: current.params as ModelParams } : {}),
      ...(refit?.report ? { lastRefit: refit.report as RefitReport } : {}),
    };
  }

  async putBaseStats(stats: BaseStats): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.storeStats(), stats: storable(stats) } }));
  }

  async putRefitReport(report: RefitReport): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.refitReport(), report: storable(report) } }));
  }

  async readPurchaseDays(customerIds: readonly string[], opts: { concurrency?: number } = {}): Promise<PurchaseDaysRead> {
    const out: PurchaseDaysRead = { days: new Map(), queries: 0, items: 0 };
    // A week-old model does not need the last second's order: eventually consistent, half the cost.
    const chunks: string[][] = [];
    for (let i = 0; i < customerIds.length; i += DAY_READ_CHUNK) chunks.push(customerIds.slice(i, i + DAY_READ_CHUNK));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < chunks.length) {
        const ids = chunks[next++]!;
        const found = await this.batchGet(ids.map((id) => keys.customer(id)), { consistent: false, attributes: [DAYS_ATTR, 'summary'] });
        out.queries++;
        for (const id of ids) {
          const item = found.get(keyId(keys.customer(id)));
          // Legacy customers (days still as DAY# items): one query each, as before.
          let days = daysOf(item);
          if (!days) {
            days = daysFromLegacyItems(await this.queryPrefix(keys.customer(id).pk, LEGACY_DAY_PREFIX, { consistent: false }));
            out.queries++;
          }
          const list = Object.keys(days).filter((d) => days[d]!.count > 0).sort().map(parseDay).filter(Number.isFinite);
          out.items += list.length;
          out.days.set(id, list);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? DAY_READ_CONCURRENCY, chunks.length) }, worker));
    return out;
  }

  async putModelParams(params: ModelParams): Promise<boolean> {
    params = storable(params);
    return this.conditional(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: { ...keys.modelVersion(params.version), params }, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.modelCurrent(), params, [TableAttr.version]: params.version },
              ...versionGuard(params.version - 1),
            },
          },
        ],
      }),
    );
  }
}
