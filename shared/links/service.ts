/**
 * Shopper-facing links. RFC 8058 one-click unsubscribe: the POST needs no cookie or auth and
 * answers without a redirect; a GET only shows a confirmation page and changes nothing, because
 * mail scanners prefetch links. After unsubscribing the page offers to subscribe again (a POST
 * of its own, see ./resubscribe.ts). Survey links are answered by shared/surveys/answer.ts.
 * Tampered, truncated, cross-purpose or expired tokens all get the same generic page and change
 * nothing. Pages speak the recipient's language (their profile's locale).
 */
import type { Locale } from '../platform/contracts/events.js';
import type { CustomerStore } from '../customers/port.js';
import { suppressCustomer, type AddressSuppressionList, type AddressSuppressionLift } from '../privacy/suppression.js';
import { handleSurveyLink, type SurveyLinkDeps } from '../surveys/answer.js';
import { methodNotAllowed, notFound, notValid, say, shopperPage, type LinkResponse, type PageShop } from './pages.js';
import { resubscribe } from './resubscribe.js';
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
  customers: Pick<CustomerStore, 'getCustomer' | 'suppress' | 'liftSuppression'>;
  suppression: AddressSuppressionList & AddressSuppressionLift;
  shop: PageShop;
}

const TOKEN = '([A-Za-z0-9_.-]{1,600})';
const SURVEY = new RegExp(`^/s/${TOKEN}$`);
const UNSUBSCRIBE = new RegExp(`^/u/${TOKEN}$`);
const RESUBSCRIBE = new RegExp(`^/u/${TOKEN}/resubscribe$`);

/** The route of a path, never the token in it: what may be logged. */
export const routeOf = (path: string): string =>
  SURVEY.test(path) ? 'survey' : UNSUBSCRIBE.test(path) ? 'unsubscribe' : RESUBSCRIBE.test(path) ? 'resubscribe' : 'other';

/** The recipient's language, from their profile (an erased customer has none: both languages). */
export async function recipientLocale(customers: Pick<CustomerStore, 'getCustomer'>, customerId: string): Promise<Locale | undefined> {
  return (await customers.getCustomer(customerId))?.profile?.locale;
}

export async function handleLink(deps: LinkDeps, req: LinkRequest): Promise<LinkResponse> {
  const survey = SURVEY.exec(req.path);
  if (survey) return handleSurveyLink(deps, survey[1]!, req);
  const again = RESUBSCRIBE.exec(req.path);
  const m = again ?? UNSUBSCRIBE.exec(req.path);
  if (!m) return notFound(deps.shop);
  const token = m[1]!;
  const now = deps.clock();
  const verified = verifyToken('unsubscribe', token, deps.keyring, now);
  if (verified.kind !== 'ok') return notValid(deps.shop);
  const customerId = verified.claims.sub;
  const locale = await recipientLocale(deps.customers, customerId);
  const shop = { shop: deps.shop.name };

  if (again) {
    if (req.method !== 'POST') return methodNotAllowed(deps.shop);
    const ok = await resubscribe(deps, customerId, now);
    return ok
      ? shopperPage({ locale, shop: deps.shop, title: 'resubscribedTitle', body: (l) => `<p>${say(l, 'resubscribed', shop)}</p>` })
      : shopperPage({ status: 409, locale, shop: deps.shop, title: 'unsubscribedTitle', body: (l) => `<p>${say(l, 'resubscribeRefused', shop)}</p>` });
  }
  if (req.method === 'POST') {
    await suppressCustomer(deps, customerId, 'unsubscribe', now.toISOString(), verified.claims.ref);
    return shopperPage({
      locale,
      shop: deps.shop,
      title: 'unsubscribedTitle',
      body: (l) =>
        `<p>${say(l, 'unsubscribed', shop)}</p><form method="post" action="/u/${token}/resubscribe"><p>${say(l, 'resubscribeOffer')}</p><button type="submit" style="font-size:16px;padding:10px 18px">${say(l, 'resubscribeButton')}</button></form>`,
    });
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    return shopperPage({
      locale,
      shop: deps.shop,
      title: 'unsubscribeTitle',
      body: (l) => `<p>${say(l, 'unsubscribeAsk', shop)}</p><form method="post" action="/u/${token}"><button type="submit" style="font-size:16px;padding:10px 18px">${say(l, 'unsubscribeButton')}</button></form>`,
    });
  }
  return methodNotAllowed(deps.shop);
}
