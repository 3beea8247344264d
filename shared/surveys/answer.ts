/**
 * Survey answers through their signed links. The GET page submits itself with a nonce'd script
 * (mail scanners run none), so a prefetch records nothing; the POST records the first answer
 * only, a comment may follow once, and a low score emits survey.low-score for service recovery.
 */
import { DetailType } from '../platform/contracts/events.js';
import type { Clock, EventPublisher, RandomBytes } from '../platform/ports.js';
import { notValid, page, methodNotAllowed, type LinkResponse } from '../links/pages.js';
import type { LinkRequest } from '../links/service.js';
import { verifyToken, type TokenKeyring } from '../links/token.js';
import type { SurveyStore } from './port.js';
import { decideResponse } from './response.js';
import { SCALES } from './scale.js';

export interface SurveyLinkDeps {
  surveys: SurveyStore;
  publisher: EventPublisher;
  keyring: TokenKeyring;
  clock: Clock;
  randomBytes: RandomBytes;
}

const thanks = (token: string, askComment: boolean) =>
  page(
    200,
    'Thank you',
    `<h1>谢谢！ · Thank you!</h1><p>您的评分已记录。 · Your rating is recorded.</p>${
      askComment
        ? `<form method="post" action="/s/${token}"><p><label>想补充点什么吗？ · Anything to add?<br><textarea name="comment" rows="4" cols="40" maxlength="2000"></textarea></label></p><button type="submit">发送 · Send</button></form>`
        : ''
    }`,
  );

export async function handleSurveyLink(deps: SurveyLinkDeps, token: string, req: LinkRequest): Promise<LinkResponse> {
  const now = deps.clock();
  const v = verifyToken('survey', token, deps.keyring, now);
  if (v.kind !== 'ok' || !v.claims.ref) return notValid();
  const customerId = v.claims.sub;
  const surveyId = v.claims.ref;

  if (req.method === 'GET' || req.method === 'HEAD') {
    const score = Number(req.query?.score);
    if (!Number.isInteger(score)) return notValid();
    const nonce = Buffer.from(deps.randomBytes(12)).toString('base64');
    return page(
      200,
      'Your rating',
      `<h1>评分 · Your rating: ${score}</h1><form id="f" method="post" action="/s/${token}"><input type="hidden" name="score" value="${score}"><noscript><button type="submit">提交 · Submit</button></noscript></form><script nonce="${nonce}">document.getElementById('f').submit()</script>`,
      nonce,
    );
  }
  if (req.method !== 'POST') return methodNotAllowed();

  const form = new URLSearchParams(req.body ?? '');
  const state = await deps.surveys.getSurvey(customerId, surveyId);
  const comment = form.get('comment') ?? undefined;
  const d = decideResponse(state, { score: Number(form.get('score') ?? state?.answer?.score ?? NaN), ...(comment ? { comment } : {}) }, now);
  switch (d.kind) {
    case 'record': {
      // Lost race with a double click: the other request recorded it; same page either way.
      if (!(await deps.surveys.answerSurvey(customerId, surveyId, d.answer, 'unanswered'))) return thanks(token, true);
      if (d.lowScore && state) {
        await deps.publisher.publish([
          {
            detailType: DetailType.SurveyLowScore,
            detail: {
              customerId,
              surveyId,
              campaignId: state.campaignId,
              score: d.answer.score,
              scaleMax: SCALES[state.kind].max,
              ...(state.orderId ? { orderId: state.orderId } : {}),
              occurredAt: now.toISOString(),
            },
          },
        ]);
      }
      return thanks(token, !d.answer.comment);
    }
    case 'add-comment':
      await deps.surveys.answerSurvey(customerId, surveyId, d.answer, 'uncommented');
      return thanks(token, false);
    case 'duplicate':
      return thanks(token, d.answer.comment === undefined);
    case 'reject':
      return notValid();
  }
}
