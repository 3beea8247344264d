/**
 * Shopper-facing links. RFC 8058 one-click unsubscribe: the POST needs no cookie or auth and
 * answers without a redirect; a GET only shows a confirmation page and changes nothing, because
 * mail scanners prefetch links. Survey links are answered by shared/surveys/answer.ts.
 * Tampered, truncated, cross-purpose or expired tokens all get the same generic page and change nothing.
 */
import type { CustomerStore } from '../customers/port.js';
import { suppressCustomer, type AddressSuppressionList } from '../privacy/suppression.js';
import { handleSurveyLink, type SurveyLinkDeps } from '../surveys/answer.js';
import { methodNotAllowed, notFound, notValid, page, type LinkResponse } from './pages.js';
import { verifyToken } from './token.js';

export type { LinkResponse } from './pages.js';

export interface LinkRequest {
  method: string;
  path: string;
  query?: Record<string, string>;
  /** application/x-www-form-urlencoded form body, if any. */
  body?: string;
}

export interface LinkDeps extends SurveyLinkDeps {
  customers: Pick<CustomerStore, 'getCustomer' | 'suppress'>;
  suppression: AddressSuppressionList;
}

const TOKEN = '([A-Za-z0-9_.-]{1,600})';
const SURVEY = new RegExp(`^/s/${TOKEN}$`);
const UNSUBSCRIBE = new RegExp(`^/u/${TOKEN}$`);

/** The route of a path, never the token in it: what may be logged. */
export const routeOf = (path: string): string => (SURVEY.test(path) ? 'survey' : UNSUBSCRIBE.test(path) ? 'unsubscribe' : 'other');

export async function handleLink(deps: LinkDeps, req: LinkRequest): Promise<LinkResponse> {
  const survey = SURVEY.exec(req.path);
  if (survey) return handleSurveyLink(deps, survey[1]!, req);
  const m = UNSUBSCRIBE.exec(req.path);
  if (!m) return notFound();
  const token = m[1]!;
  const now = deps.clock();
  const verified = verifyToken('unsubscribe', token, deps.keyring, now);
  if (verified.kind !== 'ok') return notValid();

  if (req.method === 'POST') {
    await suppressCustomer(deps, verified.claims.sub, 'unsubscribe', now.toISOString());
    return page(200, 'Unsubscribed', '<h1>您已退订 · You are unsubscribed</h1><p>您将不再收到营销邮件。</p><p>You will not receive marketing email from us again.</p>');
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    return page(
      200,
      'Unsubscribe',
      `<h1>退订 · Unsubscribe</h1><p>确认不再接收营销邮件？<br>Stop receiving marketing email?</p><form method="post" action="/u/${token}"><button type="submit" style="font-size:16px;padding:10px 18px">退订 · Unsubscribe</button></form>`,
    );
  }
  return methodNotAllowed();
}
