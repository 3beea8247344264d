import { describe, expect, it } from 'vitest';
import { decideResponse, type SurveyState } from '../../../shared/surveys/response.js';
import { SCALES, isLowScore } from '../../../shared/surveys/scale.js';

const state: SurveyState = { surveyId: 'post-delivery-survey:A1', customerId: 'cus-1', campaignId: 'post-delivery-survey', kind: 'csat', expiresAt: '2026-06-10T00:00:00Z' };
const t1 = new Date('2026-05-11T00:00:00Z');
const t2 = new Date('2026-05-11T00:05:00Z');

describe('decideResponse', () => {
  it('given no answer, when a score arrives, then it is recorded and flagged low or not', () => {
    expect(decideResponse(state, { score: 2 }, t1)).toEqual({ kind: 'record', answer: { score: 2, answeredAt: t1.toISOString() }, lowScore: true });
    expect(decideResponse(state, { score: 4 }, t1)).toMatchObject({ kind: 'record', lowScore: false });
  });
  it('given an answer, when the link is clicked again (even another score), then nothing changes', () => {
    const answered = { ...state, answer: { score: 2, answeredAt: t1.toISOString() } };
    expect(decideResponse(answered, { score: 2 }, t2)).toEqual({ kind: 'duplicate', answer: answered.answer });
    expect(decideResponse(answered, { score: 5 }, t2)).toEqual({ kind: 'duplicate', answer: answered.answer });
  });
  it('given an answer, a comment may be added once', () => {
    const answered = { ...state, answer: { score: 2, answeredAt: t1.toISOString() } };
    const added = decideResponse(answered, { score: 2, comment: ' Late parcel ' }, t2);
    expect(added).toEqual({ kind: 'add-comment', answer: { score: 2, answeredAt: t1.toISOString(), comment: 'Late parcel', commentedAt: t2.toISOString() } });
    const withComment = { ...answered, answer: (added as { answer: SurveyState['answer'] }).answer };
    expect(decideResponse(withComment, { score: 2, comment: 'other' }, t2)).toMatchObject({ kind: 'duplicate', answer: { comment: 'Late parcel' } });
  });
  it.each([
    ['unknown-survey', null, { score: 3 }],
    ['invalid-score', state, { score: 6 }],
    ['invalid-score', state, { score: 0 }],
    ['invalid-score', state, { score: 2.5 }],
    ['invalid-comment', state, { score: 3, comment: 'x'.repeat(2001) }],
  ] as const)('rejects %s', (reason, s, incoming) => expect(decideResponse(s, incoming, t1)).toEqual({ kind: 'reject', reason }));
  it('rejects answers after expiry', () => expect(decideResponse(state, { score: 3 }, new Date('2026-06-10T00:00:00Z'))).toEqual({ kind: 'reject', reason: 'expired' }));
  it('NPS accepts 0..10 and treats 0..6 as low by default, configurable', () => {
    const nps = { ...state, kind: 'nps' as const };
    expect(decideResponse(nps, { score: 0 }, t1)).toMatchObject({ kind: 'record', lowScore: true });
    expect(decideResponse(nps, { score: 7 }, t1)).toMatchObject({ lowScore: false });
    expect(decideResponse(nps, { score: 6 }, t1, { lowMax: 4 })).toMatchObject({ lowScore: false });
    expect([isLowScore(SCALES.csat, 2), isLowScore(SCALES.csat, 3)]).toEqual([true, false]);
  });
});
