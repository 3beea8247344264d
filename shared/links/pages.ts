/**
 * The small HTML pages behind shopper links: in the recipient's language (their profile's locale;
 * both languages when the recipient is unknown, e.g. a broken link), with the shop's name and a
 * link back, `lang` set. No external resources, no caching, no referrer.
 */
import type { Locale } from '../platform/contracts/events.js';
import { COPY, type PageCopy } from './copy.js';

export interface LinkResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The shop as its pages show it. */
export interface PageShop {
  name: string;
  url: string;
}

export const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** A copy text with its `{placeholders}` filled, HTML-escaped. */
export function say(locale: Locale, key: keyof PageCopy, vars: Record<string, string | number> = {}): string {
  return escapeHtml(COPY[locale][key]).replace(/\{(\w+)\}/g, (_, k: string) => escapeHtml(String(vars[k] ?? '')));
}

const headers = (nonce?: string) => ({
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action 'self'${nonce ? `; script-src 'nonce-${nonce}'` : ''}`,
});

const STYLE = 'font-family:-apple-system,Helvetica,Arial,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;max-width:480px;margin:48px auto;padding:0 16px;color:#2b2b2b;line-height:1.5';

export interface PageSpec {
  status?: number;
  /** Undefined: the recipient is unknown, so the page speaks both languages. */
  locale: Locale | undefined;
  shop: PageShop;
  title: keyof PageCopy;
  /** Body per locale (built with `say`). */
  body: (locale: Locale) => string;
  nonce?: string;
}

export function shopperPage(p: PageSpec): LinkResponse {
  const locales: Locale[] = p.locale ? [p.locale] : ['zh-CN', 'en'];
  const lang = p.locale ?? 'zh-CN';
  const title = locales.map((l) => say(l, p.title)).join(' · ');
  const sections = locales.map((l) => `<section lang="${l}"><h1>${say(l, p.title)}</h1>${p.body(l)}</section>`).join('');
  const back = locales.map((l) => `<a href="${escapeHtml(p.shop.url)}" lang="${l}">${say(l, 'backToShop', { shop: p.shop.name })}</a>`).join(' · ');
  return {
    status: p.status ?? 200,
    headers: headers(p.nonce),
    body: `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title} · ${escapeHtml(p.shop.name)}</title></head><body style="${STYLE}"><header style="font-weight:bold;font-size:18px;margin-bottom:24px">${escapeHtml(p.shop.name)}</header>${sections}<footer style="margin-top:32px;font-size:14px">${back}</footer></body></html>`,
  };
}

export const notValid = (shop: PageShop, locale?: Locale) => shopperPage({ status: 400, locale, shop, title: 'invalidTitle', body: (l) => `<p>${say(l, 'invalid')}</p>` });

export const notFound = (shop: PageShop) => shopperPage({ status: 404, locale: undefined, shop, title: 'notFound', body: () => '' });

export const methodNotAllowed = (shop: PageShop): LinkResponse => ({ ...shopperPage({ status: 405, locale: undefined, shop, title: 'invalidTitle', body: () => '' }), headers: { ...headers(), allow: 'GET, HEAD, POST' } });
