/** ScoreStore over the Engage table: scores on the customer item, the model, base statistics and
 * the last refit's report under STORE (access patterns 1, 6, 6b, 6c), purchase days (3). */
import { PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTable, versionGuard, type Item } from '../platform/table/dynamodb.js';
import { TableAttr, dayFromSortKey, keys } from '../platform/table/keys.js';
import { parseDay } from '../scoring/csv.js';
import type { Prediction, RiskState } from '../customers/record.js';
import { storable, type BaseStats, type ModelParams, type RefitReport, type StoreModel } from './model.js';
import type { BaseRunPart, PurchaseDaysRead, ScoreStore } from './port.js';
import type { BaseAggregate } from '../reports/base.js';
import { createHash } from 'node:crypto';

/** The report reads the latest complete run; older runs' parts expire. */
const BASE_AGGREGATE_TTL_DAYS = 35;
import { KPI, deltaFor, kpiUpdate } from '../platform/table/counters.js';
import { utcDay } from '../platform/time.js';
import type { RiskLevel } from '../platform/contracts/events.js';

/** The counter a level's entry adds to (entering active is a reactivation, counted by its order). */
const ENTERED: Partial<Record<RiskLevel, string>> = { churned: KPI.churned, 'at-risk': KPI.atRisk };

/** Queries in flight while reading purchase days: well under a table's burst, fast enough for 200k. */
const DAY_READ_CONCURRENCY = 16;

export class DynamoScoreStore extends DynamoTable implements ScoreStore {
  async putScores(customerId: string, expected: RiskState | undefined, next: { risk: RiskState; segment?: string; prediction?: Prediction }): Promise<boolean> {
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
    if (!entered) return this.conditional(new UpdateCommand(update));
    const delta = deltaFor(customerId, utcDay(next.risk.since), { [entered]: 1 });
    return this.conditionalTransaction(new TransactWriteCommand({ TransactItems: [{ Update: update }, kpiUpdate(this.tableName, delta)] }));
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
    let next = 0;
    // A fixed pool of workers taking the next id: at most `concurrency` queries in flight.
    const worker = async (): Promise<void> => {
      while (next < customerIds.length) {
        const id = customerIds[next++]!;
        const days: number[] = [];
        let start: Item | undefined;
        do {
          const page = await this.db.send(
            new QueryCommand({
              TableName: this.tableName,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
              ExpressionAttributeValues: { ':pk': keys.customer(id).pk, ':p': keys.dayPrefix },
              ProjectionExpression: 'sk',
              // A week-old model does not need the last second's order: half the read cost.
              ConsistentRead: false,
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          );
          out.queries++;
          for (const item of page.Items ?? []) days.push(parseDay(dayFromSortKey(item.sk as string)));
          start = page.LastEvaluatedKey;
        } while (start);
        out.items += days.length;
        // Sort keys are ISO days, so the query returns them ascending already.
        out.days.set(id, days.filter(Number.isFinite));
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? DAY_READ_CONCURRENCY, customerIds.length) }, worker));
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
