/**
 * Survey answers through their signed links. The GET page submits itself with a nonce'd script
 * (mail scanners run none), so a prefetch records nothing; the POST records the first answer
 * only, a comment may follow once, and a low score emits survey.low-score for service recovery.
 * A score outside the survey's scale is refused, and a second click with another score is told
 * that the first answer stands. Pages speak the recipient's language.
 */
import type { Locale } from '../platform/contracts/events.js';
import { DetailType } from '../platform/contracts/events.js';
import type { Clock, EventPublisher, RandomBytes } from '../platform/ports.js';
import type { CustomerStore } from '../customers/port.js';
import { methodNotAllowed, notValid, say, shopperPage, type LinkResponse, type PageShop } from '../links/pages.js';
import type { LinkRequest } from '../links/service.js';
import { verifyToken, type TokenKeyring } from '../links/token.js';
import type { SurveyStore } from './port.js';
import { decideResponse, type SurveyAnswer, type SurveyState } from './response.js';
import { SCALES, isValidScore } from './scale.js';

export interface SurveyLinkDeps {
  surveys: SurveyStore;
  customers: Pick<CustomerStore, 'getCustomer'>;
  publisher: EventPublisher;
  keyring: TokenKeyring;
  clock: Clock;
  randomBytes: RandomBytes;
  shop: PageShop;
}

type Outcome = 'recorded' | 'already' | 'other';

function thanks(deps: SurveyLinkDeps, locale: Locale | undefined, token: string, answer: SurveyAnswer, outcome: Outcome, offered?: number): LinkResponse {
  const comment = (l: Locale) =>
    answer.comment === undefined
      ? `<form method="post" action="/s/${token}"><p><label>${say(l, 'commentAsk')}<br><textarea name="comment" rows="4" cols="40" maxlength="2000"></textarea></label></p><button type="submit">${say(l, 'send')}</button></form>`
      : '';
  const line = (l: Locale) =>
    outcome === 'recorded'
      ? say(l, 'recorded', { score: answer.score })
      : outcome === 'already'
        ? say(l, 'alreadyRecorded', { score: answer.score })
        : say(l, 'alreadyRecordedOther', { recorded: answer.score, score: offered ?? '' });
  return shopperPage({ locale, shop: deps.shop, title: 'thanksTitle', body: (l) => `<p>${line(l)}</p>${comment(l)}` });
}

const invalidScore = (deps: SurveyLinkDeps, locale: Locale | undefined, state: SurveyState, score: string) =>
  shopperPage({ status: 400, locale, shop: deps.shop, title: 'invalidTitle', body: (l) => `<p>${say(l, 'invalidScore', { score, min: SCALES[state.kind].min, max: SCALES[state.kind].max })}</p>` });

export async function handleSurveyLink(deps: SurveyLinkDeps, token: string, req: LinkRequest): Promise<LinkResponse> {
  const now = deps.clock();
  const v = verifyToken('survey', token, deps.keyring, now);
  if (v.kind !== 'ok' || !v.claims.ref) return notValid(deps.shop);
  const customerId = v.claims.sub;
  const surveyId = v.claims.ref;
  const [state, customer] = await Promise.all([deps.surveys.getSurvey(customerId, surveyId), deps.customers.getCustomer(customerId)]);
  const locale = customer?.profile?.locale;
  if (!state) return notValid(deps.shop, locale);

  if (req.method === 'GET' || req.method === 'HEAD') {
    const raw = req.query?.score ?? '';
    const score = Number(raw);
    if (!isValidScore(SCALES[state.kind], score)) return invalidScore(deps, locale, state, raw);
    // Already answered: say so at once, nothing to submit.
    if (state.answer) return thanks(deps, locale, token, state.answer, state.answer.score === score ? 'already' : 'other', score);
    const nonce = Buffer.from(deps.randomBytes(12)).toString('base64');
    return shopperPage({
      locale,
      shop: deps.shop,
      title: 'ratingTitle',
      nonce,
      body: (l) =>
        `<p>${say(l, 'rating', { score })}</p><form id="f" method="post" action="/s/${token}"><input type="hidden" name="score" value="${score}"><noscript><button type="submit">${say(l, 'submit')}</button></noscript></form><script nonce="${nonce}">document.getElementById('f').submit()</script>`,
    });
  }
  if (req.method !== 'POST') return methodNotAllowed(deps.shop);

  const form = new URLSearchParams(req.body ?? '');
  const given = form.get('score');
  if (given !== null && !isValidScore(SCALES[state.kind], Number(given))) return invalidScore(deps, locale, state, given);
  const comment = form.get('comment') ?? undefined;
  const d = decideResponse(state, { score: Number(given ?? state.answer?.score ?? NaN), ...(comment ? { comment } : {}) }, now);
  switch (d.kind) {
    case 'record': {
      if (!(await deps.surveys.answerSurvey(customerId, surveyId, d.answer, 'unanswered', state))) {
        // Lost the race with a double click: the other request recorded the first answer.
        const stored = (await deps.surveys.getSurvey(customerId, surveyId))?.answer ?? d.answer;
        return thanks(deps, locale, token, stored, stored.score === d.answer.score ? 'already' : 'other', d.answer.score);
      }
      if (d.lowScore) {
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
      return thanks(deps, locale, token, d.answer, 'recorded');
    }
    case 'add-comment':
      await deps.surveys.answerSurvey(customerId, surveyId, d.answer, 'uncommented', state);
      return thanks(deps, locale, token, d.answer, 'recorded');
    case 'duplicate':
      return thanks(deps, locale, token, d.answer, given === null || Number(given) === d.answer.score ? 'already' : 'other', Number(given));
    case 'reject':
      return notValid(deps.shop, locale);
  }
}
