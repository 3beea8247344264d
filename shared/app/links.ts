/**
 * Shopper-facing links. RFC 8058 one-click unsubscribe: the POST needs no cookie or auth and
 * answers without a redirect; a GET only shows a confirmation page and changes nothing, because
 * mail scanners prefetch links. Tampered, truncated, cross-purpose or expired tokens all get
 * the same generic page and change nothing.
 */
import { verifyToken, type TokenKeyring } from '../tokens/token.js';
import type { Clock, CustomerStore } from '../ports.js';

export interface LinkRequest {
  method: string;
  path: string;
}

export interface LinkResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface LinkDeps {
  store: CustomerStore;
  keyring: TokenKeyring;
  clock: Clock;
}

const page = (status: number, title: string, body: string): LinkResponse => ({
  status,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  },
  body: `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title></head><body style="font-family:Helvetica,Arial,sans-serif;max-width:480px;margin:48px auto;padding:0 16px;color:#2b2b2b">${body}</body></html>`,
});

const notValid = () => page(400, 'Link not valid', '<h1>This link is not valid</h1><p>此链接无效或已过期。</p><p>This link is invalid or has expired.</p>');

export async function handleLink(deps: LinkDeps, req: LinkRequest): Promise<LinkResponse> {
  const m = /^\/u\/([A-Za-z0-9_.-]{1,600})$/.exec(req.path);
  if (!m) return page(404, 'Not found', '<h1>Not found</h1>');
  const token = m[1]!;
  const now = deps.clock();
  const verified = verifyToken('unsubscribe', token, deps.keyring, now);
  if (verified.kind !== 'ok') return notValid();

  if (req.method === 'POST') {
    await deps.store.suppress(verified.claims.sub, 'unsubscribe', now.toISOString());
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
