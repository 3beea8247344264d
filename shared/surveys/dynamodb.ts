/** SurveyStore over the Engage table (access pattern 16: SURVEY#<campaign>:<occurrence>). */
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTable } from '../platform/table/dynamodb.js';
import { keys } from '../platform/table/keys.js';
import type { SurveyStore } from './port.js';
import { kpiUpdate } from '../platform/table/counters.js';
import { surveyKpi } from './kpi.js';
import type { SurveyAnswer, SurveyState } from './response.js';

export class DynamoSurveyStore extends DynamoTable implements SurveyStore {
  /** Created once (a retried send keeps the first), and never for an erased customer. */
  async putSurvey(survey: SurveyState): Promise<void> {
    await this.conditional(
      new TransactWriteCommand({
        TransactItems: [
          this.notErased(survey.customerId),
          { Put: { TableName: this.tableName, Item: { ...keys.survey(survey.customerId, survey.surveyId), survey }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    );
  }

  async getSurvey(customerId: string, surveyId: string): Promise<SurveyState | null> {
    return ((await this.get(keys.survey(customerId, surveyId)))?.survey as SurveyState | undefined) ?? null;
  }

  async listSurveys(customerId: string): Promise<SurveyState[]> {
    const items = await this.queryPrefix(keys.customer(customerId).pk, keys.surveyPrefix, { consistent: false });
    return items.map((i) => i.survey as SurveyState);
  }

  async answerSurvey(customerId: string, surveyId: string, answer: SurveyAnswer, expected: 'unanswered' | 'uncommented', counted?: Pick<SurveyState, 'kind' | 'campaignId'>): Promise<boolean> {
    const update = {
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
    };
    const kpi = counted ? surveyKpi({ customerId, ...counted }, answer, expected) : {};
    if (!kpi.delta && !kpi.lowComment) return this.conditional(new UpdateCommand(update));
    // The counters and the comment commit with the answer, so the condition guards them too.
    return this.conditionalTransaction(
      new TransactWriteCommand({
        TransactItems: [
          { Update: update },
          ...(kpi.delta ? [kpiUpdate(this.tableName, kpi.delta)] : []),
          ...(kpi.lowComment ? [{ Put: { TableName: this.tableName, Item: { ...keys.kpiComment(kpi.lowComment.at, customerId), customerId, ...kpi.lowComment } } }] : []),
        ],
      }),
    );
  }
}
