/**
 * One answer per (customer, survey). Rating links are clicked twice, prefetched by mail
 * scanners and replayed, so only the first score counts; a comment may follow once.
 */
import { SCALES, isLowScore, isValidScore, type SurveyKind } from './scale.js';

export interface SurveyAnswer {
  score: number;
  answeredAt: string;
  comment?: string;
  commentedAt?: string;
}

/** What the store keeps per (customer, survey); created when the survey mail is sent. */
export interface SurveyState {
  /** `<campaignId>:<occurrence>`: the token's ref. */
  surveyId: string;
  customerId: string;
  campaignId: string;
  kind: SurveyKind;
  expiresAt: string;
  /** The order the survey asks about, when it has one (post-delivery). */
  orderId?: string;
  answer?: SurveyAnswer;
}

export interface IncomingResponse {
  score: number;
  comment?: string;
}

export type ResponseDecision =
  | { kind: 'record'; answer: SurveyAnswer; lowScore: boolean }
  | { kind: 'add-comment'; answer: SurveyAnswer }
  /** Already answered (and commented, if a comment came): nothing to write; show "thanks". */
  | { kind: 'duplicate'; answer: SurveyAnswer }
  | { kind: 'reject'; reason: 'unknown-survey' | 'expired' | 'invalid-score' | 'invalid-comment' };

export const MAX_COMMENT = 2000;

export function decideResponse(
  state: SurveyState | null,
  incoming: IncomingResponse,
  now: Date,
  opts: { lowMax?: number } = {},
): ResponseDecision {
  if (!state) return { kind: 'reject', reason: 'unknown-survey' };
  const scale = SCALES[state.kind];
  const comment = incoming.comment?.trim();
  if (comment !== undefined && comment.length > MAX_COMMENT) return { kind: 'reject', reason: 'invalid-comment' };
  const at = now.toISOString();
  const existing = state.answer;
  if (existing) {
    // The first score stands even if a later click differs: a replay must not change history.
    if (!comment || existing.comment !== undefined) return { kind: 'duplicate', answer: existing };
    if (now.getTime() >= Date.parse(state.expiresAt)) return { kind: 'reject', reason: 'expired' };
    return { kind: 'add-comment', answer: { ...existing, comment, commentedAt: at } };
  }
  if (now.getTime() >= Date.parse(state.expiresAt)) return { kind: 'reject', reason: 'expired' };
  if (!isValidScore(scale, incoming.score)) return { kind: 'reject', reason: 'invalid-score' };
  const answer: SurveyAnswer = { score: incoming.score, answeredAt: at, ...(comment ? { comment, commentedAt: at } : {}) };
  return { kind: 'record', answer, lowScore: isLowScore(scale, incoming.score, opts.lowMax) };
}
