/** What surveys need from storage (DynamoSurveyStore in ./dynamodb.ts). */
import type { SurveyAnswer, SurveyState } from './response.js';

export interface SurveyStore {
  /** Creates the survey record if absent (a retried send keeps the first). */
  putSurvey(survey: SurveyState): Promise<void>;
  getSurvey(customerId: string, surveyId: string): Promise<SurveyState | null>;
  /** Writes the answer only if the stored one is still `expected` (none, or one without a comment). */
  /** Every survey mailed to the customer, answered or not. */
  listSurveys(customerId: string): Promise<SurveyState[]>;
  /** `counted`: the survey's kind and campaign, so the shop's KPI counters count the answer in the same write. */
  answerSurvey(customerId: string, surveyId: string, answer: SurveyAnswer, expected: 'unanswered' | 'uncommented', counted?: Pick<SurveyState, 'kind' | 'campaignId'>): Promise<boolean>;
}
