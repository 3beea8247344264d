/** ScoreStore over the Engage table: scores on the customer item, the model and base statistics
 * under STORE (access patterns 1, 6 and 6b). */
import { PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTable, versionGuard } from '../platform/table/dynamodb.js';
import { TableAttr, keys } from '../platform/table/keys.js';
import type { Prediction, RiskState } from '../customers/record.js';
import type { BaseStats, ModelParams, StoreModel } from './model.js';
import type { ScoreStore } from './port.js';

export class DynamoScoreStore extends DynamoTable implements ScoreStore {
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
