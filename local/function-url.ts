/**
 * A Lambda Function URL on loopback: each request becomes the Function URL event (payload 2.0)
 * for the real handler. The body is read only up to `maxBodyBytes` + 1: a larger request is cut
 * there (the handler sees it is over the limit and answers 413) and the rest is never buffered.
 */
import { createServer, type Server } from 'node:http';
import { lambdaContext } from './bus.js';
import type { FunctionHandler } from './handlers.js';

export interface LocalFunctionUrl {
  url: string;
  server: Server;
}

/** Function URLs take up to 6 MB; a handler with a lower limit says so. */
const FUNCTION_URL_MAX_BYTES = 6 * 1024 * 1024;

export async function serveFunctionUrl(name: string, load: () => Promise<FunctionHandler>, opts: { maxBodyBytes?: number; timeoutMs?: number } = {}): Promise<LocalFunctionUrl> {
  const limit = opts.maxBodyBytes ?? FUNCTION_URL_MAX_BYTES;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let answered = false;
    const answer = async () => {
      if (answered) return;
      answered = true;
      try {
        const handler = await load();
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const body = Buffer.concat(chunks);
        const text = /^(text\/|application\/(json|x-www-form-urlencoded))/.test(req.headers['content-type'] ?? '');
        const out = (await handler(
          {
            version: '2.0',
            rawPath: url.pathname,
            rawQueryString: url.search.slice(1),
            headers: req.headers,
            // Function URLs pass text bodies as they are and anything else base64-encoded.
            body: text ? body.toString('utf8') : body.toString('base64'),
            isBase64Encoded: !text,
            requestContext: { http: { method: req.method ?? 'GET', path: url.pathname } },
          },
          lambdaContext(name, opts.timeoutMs ?? 10_000),
        )) as { statusCode: number; headers?: Record<string, string>; body?: string };
        res.writeHead(out.statusCode, out.headers ?? {});
        res.end(out.body ?? '');
      } catch (e) {
        res.writeHead(500).end((e as Error).message);
      }
    };
    req.on('data', (c: Buffer) => {
      if (answered) return;
      const room = limit + 1 - size;
      chunks.push(room < c.length ? c.subarray(0, room) : c);
      size += Math.min(room, c.length);
      if (size > limit) {
        // Enough to know it is too large: stop reading, answer, and close the connection.
        req.pause();
        res.setHeader('connection', 'close');
        void answer().finally(() => req.destroy());
      }
    });
    req.on('end', () => void answer());
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error(`${name} server did not bind`);
  return { url: `http://127.0.0.1:${addr.port}`, server };
}
