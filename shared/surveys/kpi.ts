/** A survey answer as the shop's KPI counters see it: one response with its score on the day it
 * was answered (the first answer only: the answer write's condition refuses any later one), and a
 * low score's comment kept for the report. */
import { KPI, deltaFor, type KpiDelta } from '../platform/table/counters.js';
import { utcDay } from '../platform/time.js';
import { SCALES, isLowScore, type SurveyKind } from './scale.js';
import type { SurveyAnswer } from './response.js';

export interface SurveyKpi {
  delta?: KpiDelta;
  lowComment?: { at: string; kind: SurveyKind; score: number; comment: string; campaignId: string };
}

export function surveyKpi(s: { customerId: string; campaignId: string; kind: SurveyKind }, answer: SurveyAnswer, expected: 'unanswered' | 'uncommented'): SurveyKpi {
  const counts =
    s.kind === 'csat'
      ? { [KPI.csatResponses]: 1, [KPI.csatSum]: answer.score }
      : { [KPI.npsResponses]: 1, [KPI.npsPromoters]: answer.score >= 9 ? 1 : 0, [KPI.npsDetractors]: answer.score <= 6 ? 1 : 0 };
  const low = answer.comment && isLowScore(SCALES[s.kind], answer.score);
  return {
    ...(expected === 'unanswered' ? { delta: deltaFor(s.customerId, utcDay(answer.answeredAt), Object.fromEntries(Object.entries(counts).filter(([, v]) => v !== 0))) } : {}),
    ...(low ? { lowComment: { at: answer.commentedAt ?? answer.answeredAt, kind: s.kind, score: answer.score, comment: answer.comment!, campaignId: s.campaignId } } : {}),
  };
}
