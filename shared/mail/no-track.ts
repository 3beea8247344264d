/**
 * SES click tracking rewrites every link of a mail through its redirect domain. The unsubscribe
 * link must stay the signed link itself (a person unsubscribing must not depend on a tracking
 * redirect, and a scanner following it must not count as a click): SES leaves alone an anchor
 * that carries the attribute `ses:no-track`.
 */
const ANCHOR = /<a\b([^>]*?)\bhref\s*=\s*(["'])(.*?)\2([^>]*)>/gi;

const unescapeHtml = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'");

/** The html with `ses:no-track` on every anchor whose href is one of `urls`. */
export function withoutTracking(html: string, urls: readonly string[]): string {
  const wanted = new Set(urls);
  return html.replace(ANCHOR, (anchor, before: string, quote: string, href: string, after: string) => {
    if (!wanted.has(unescapeHtml(href)) || /\bses:no-track\b/i.test(anchor)) return anchor;
    return `<a ses:no-track${before}href=${quote}${href}${quote}${after}>`;
  });
}
