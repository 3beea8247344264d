/**
 * Shopper-facing links. RFC 8058 one-click unsubscribe: the POST needs no cookie or auth and
 * answers without a redirect; a GET only shows a confirmation page and changes nothing, because
 * mail scanners prefetch links. Survey ratings: the GET page submits itself with a nonce'd
 * script (scanners run none), the POST records the first answer only. Tampered, truncated,
 * cross-purpose or expired tokens all get the same generic page and change nothing.
 */
import { randomBytes } from 'node:crypto';
import { DetailType } from '../platform/contracts/events.js';
import { decideResponse } from '../surveys/response.js';
import { SCALES } from '../surveys/scale.js';
import { verifyToken, type TokenKeyring } from './token.js';
import type { Clock, CustomerStore, EventPublisher } from '../platform/ports.js';
import { suppressAddressOf, type AddressSuppressionList } from '../privacy/erase.js';

export interface LinkRequest {
  method: string;
  path: string;
  query?: Record<string, string>;
  /** application/x-www-form-urlencoded form body, if any. */
  body?: string;
}

export interface LinkResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface LinkDeps {
  store: CustomerStore & AddressSuppressionList;
  publisher: EventPublisher;
  keyring: TokenKeyring;
  clock: Clock;
}

const page = (status: number, title: string, body: string, nonce?: string): LinkResponse => ({
  status,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action 'self'${nonce ? `; script-src 'nonce-${nonce}'` : ''}`,
  },
  body: `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title></head><body style="font-family:Helvetica,Arial,sans-serif;max-width:480px;margin:48px auto;padding:0 16px;color:#2b2b2b">${body}</body></html>`,
});

const notValid = () => page(400, 'Link not valid', '<h1>This link is not valid</h1><p>此链接无效或已过期。</p><p>This link is invalid or has expired.</p>');

const TOKEN = '([A-Za-z0-9_.-]{1,600})';

export async function handleLink(deps: LinkDeps, req: LinkRequest): Promise<LinkResponse> {
  const survey = new RegExp(`^/s/${TOKEN}$`).exec(req.path);
  if (survey) return handleSurvey(deps, survey[1]!, req);
  const m = new RegExp(`^/u/${TOKEN}$`).exec(req.path);
  if (!m) return page(404, 'Not found', '<h1>Not found</h1>');
  const token = m[1]!;
  const now = deps.clock();
  const verified = verifyToken('unsubscribe', token, deps.keyring, now);
  if (verified.kind !== 'ok') return notValid();

  if (req.method === 'POST') {
    await deps.store.suppress(verified.claims.sub, 'unsubscribe', now.toISOString());
    // The address hash too: an erased and re-registered address stays unsubscribed.
    await suppressAddressOf(deps.store, verified.claims.sub, 'unsubscribe', now.toISOString());
    return page(200, 'Unsubscribed', '<h1>您已退订 · You are unsubscribed</h1><p>您将不再收到营销邮件。</p><p>You will not receive marketing email from us again.</p>');
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    return page(
      200,
      'Unsubscribe',
      `<h1>退订 · Unsubscribe</h1><p>确认不再接收营销邮件？<br>Stop receiving marketing email?</p><form method="post" action="/u/${token}"><button type="submit" style="font-size:16px;padding:10px 18px">退订 · Unsubscribe</button></form>`,
    );
  }
  return { ...page(405, 'Method not allowed', '<h1>Method not allowed</h1>'), headers: { allow: 'GET, HEAD, POST' } };
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

async function handleSurvey(deps: LinkDeps, token: string, req: LinkRequest): Promise<LinkResponse> {
  const now = deps.clock();
  const v = verifyToken('survey', token, deps.keyring, now);
  if (v.kind !== 'ok' || !v.claims.ref) return notValid();
  const customerId = v.claims.sub;
  const surveyId = v.claims.ref;

  if (req.method === 'GET' || req.method === 'HEAD') {
    const score = Number(req.query?.score);
    if (!Number.isInteger(score)) return notValid();
    const nonce = randomBytes(12).toString('base64');
    return page(
      200,
      'Your rating',
      `<h1>评分 · Your rating: ${score}</h1><form id="f" method="post" action="/s/${token}"><input type="hidden" name="score" value="${score}"><noscript><button type="submit">提交 · Submit</button></noscript></form><script nonce="${nonce}">document.getElementById('f').submit()</script>`,
      nonce,
    );
  }
  if (req.method !== 'POST') return { ...page(405, 'Method not allowed', '<h1>Method not allowed</h1>'), headers: { allow: 'GET, HEAD, POST' } };

  const form = new URLSearchParams(req.body ?? '');
  const state = await deps.store.getSurvey(customerId, surveyId);
  const comment = form.get('comment') ?? undefined;
  const d = decideResponse(state, { score: Number(form.get('score') ?? state?.answer?.score ?? NaN), ...(comment ? { comment } : {}) }, now);
  switch (d.kind) {
    case 'record': {
      // Lost race with a double click: the other request recorded it; same page either way.
      if (!(await deps.store.answerSurvey(customerId, surveyId, d.answer, 'unanswered'))) return thanks(token, true);
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
      await deps.store.answerSurvey(customerId, surveyId, d.answer, 'uncommented');
      return thanks(token, false);
    case 'duplicate':
      return thanks(token, d.answer.comment === undefined);
    case 'reject':
      return notValid();
  }
}
