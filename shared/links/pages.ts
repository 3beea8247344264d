/** The small HTML pages behind shopper links: no external resources, no caching, no referrer. */
export interface LinkResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const page = (status: number, title: string, body: string, nonce?: string): LinkResponse => ({
  status,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action 'self'${nonce ? `; script-src 'nonce-${nonce}'` : ''}`,
  },
  body: `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title></head><body style="font-family:Helvetica,Arial,sans-serif;max-width:480px;margin:48px auto;padding:0 16px;color:#2b2b2b">${body}</body></html>`,
});

export const notValid = () => page(400, 'Link not valid', '<h1>This link is not valid</h1><p>此链接无效或已过期。</p><p>This link is invalid or has expired.</p>');

export const notFound = () => page(404, 'Not found', '<h1>Not found</h1>');

export const methodNotAllowed = (): LinkResponse => ({ ...page(405, 'Method not allowed', '<h1>Method not allowed</h1>'), headers: { allow: 'GET, HEAD, POST' } });
