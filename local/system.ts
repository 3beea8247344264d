/**
 * The whole system on one machine: emulators, the local bus, the table, and the environment
 * the handlers read — exactly the variables the CDK stack sets in AWS.
 */
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EnvVar } from '../shared/platform/config.js';
import type { FunctionName } from '../shared/platform/contracts/routing.js';
import { EventBridgePublisher } from '../shared/platform/eventbridge.js';
import { LocalBus, lambdaContext } from './bus.js';
import { createTable } from './table.js';
import { ensureLocalKeyring } from '../shared/platform/runtime/keyring.js';
import { handlerModules } from './handlers.js';

export const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface Endpoints {
  dynamodbEndpoint: string;
  sesEndpoint: string;
}

export interface LocalSystem {
  bus: LocalBus;
  env: Record<string, string>;
  publisher: EventBridgePublisher;
  /** Where the links in emails point (unsubscribe), served by the real links handler. */
  linksUrl: string;
  dynamodb: DynamoDBClient;
  eventBridge: EventBridgeClient;
  /** Invokes the sweep as EventBridge Scheduler would, then waits for everything it set off. */
  sweep(scheduledTime: Date): Promise<void>;
  /** Invokes any scheduled job (sweep-start, model-refit, dispatch-due) likewise. */
  runScheduled(fn: 'sweep-start' | 'model-refit' | 'dispatch-due' | 'campaign-schedule', scheduledTime: Date, extra?: Record<string, string>): Promise<unknown>;
  close(): Promise<void>;
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function startLocalSystem(
  endpoints: Endpoints,
  opts: { tableName?: string; keyringFile?: string; extraEnv?: Record<string, string>; concurrency?: number } = {},
): Promise<LocalSystem> {
  const bus = new LocalBus((fn: FunctionName) => handlerModules[fn]().then((m) => m.handler as never), {
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
  });
  const busEndpoint = await bus.listen();
  const links = await serveLinks();
  const tableName = opts.tableName ?? 'engage-local';
  // One keyring per table: links in the mail viewer keep working for the life of the data.
  const keyringFile = opts.keyringFile ?? join(tmpdir(), `engage-keys-${tableName}-${randomUUID().slice(0, 8)}.json`);
  ensureLocalKeyring(keyringFile);
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodbEndpoint,
    AWS_ENDPOINT_URL_SESV2: endpoints.sesEndpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: busEndpoint,
    [EnvVar.tableName]: tableName,
    [EnvVar.eventBusName]: 'engage-local',
    [EnvVar.senderEmail]: 'hello@shop.example.com',
    [EnvVar.campaignsDir]: resolve(repoRoot, 'campaigns'),
    [EnvVar.loyaltyConfig]: resolve(repoRoot, 'loyalty.yaml'),
    [EnvVar.sweepSegments]: '4',
    [EnvVar.publicBaseUrl]: links.url,
    [EnvVar.keyringFile]: keyringFile,
    [EnvVar.shopName]: 'Engage Demo Shop',
    [EnvVar.shopAddress]: '88 Demo Road, Hangzhou 310000, China',
    [EnvVar.shopTimeZone]: 'Asia/Shanghai',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    POWERTOOLS_DEV: 'true',
    // Metrics are CloudWatch EMF lines; locally they would only flood the console.
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_LAMBDA_FUNCTION_NAME: 'engage-local',
    ...opts.extraEnv,
  };
  // Handlers read configuration once, at import: the environment must be in place before.
  Object.assign(process.env, env);
  const clientConfig = { region: 'us-east-1', credentials };
  const dynamodb = new DynamoDBClient({ ...clientConfig, endpoint: endpoints.dynamodbEndpoint });
  const eventBridge = new EventBridgeClient({ ...clientConfig, endpoint: busEndpoint });
  await createTable(dynamodb, tableName);
  const publisher = new EventBridgePublisher(eventBridge, env[EnvVar.eventBusName]!);

  const system: LocalSystem = {
    bus,
    env,
    publisher,
    linksUrl: links.url,
    dynamodb,
    eventBridge,
    async sweep(scheduledTime: Date) {
      await system.runScheduled('sweep-start', scheduledTime);
    },
    async runScheduled(fn, scheduledTime, extra = {}) {
      const { handler } = (await handlerModules[fn]()) as { handler: (e: unknown, c: unknown) => Promise<unknown> };
      const out = await handler({ scheduledTime: scheduledTime.toISOString(), ...extra }, lambdaContext(fn, 900_000));
      await bus.idle();
      return out;
    },
    async close() {
      await bus.close();
      await new Promise<void>((ok) => links.server.close(() => ok()));
      dynamodb.destroy();
      eventBridge.destroy();
    },
  };
  return system;
}

/** The links Function URL on loopback: each request becomes a Function URL event for the real handler. */
async function serveLinks(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      try {
        const { handler } = (await handlerModules.links()) as { handler: (e: unknown, c: unknown) => Promise<{ statusCode: number; headers?: Record<string, string>; body?: string }> };
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const out = await handler(
          {
            version: '2.0',
            rawPath: url.pathname,
            rawQueryString: url.search.slice(1),
            headers: req.headers,
            body,
            isBase64Encoded: false,
            requestContext: { http: { method: req.method ?? 'GET', path: url.pathname } },
          },
          lambdaContext('links', 10_000),
        );
        res.writeHead(out.statusCode, out.headers ?? {});
        res.end(out.body ?? '');
      } catch (e) {
        res.writeHead(500).end((e as Error).message);
      }
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('links server did not bind');
  return { url: `http://127.0.0.1:${addr.port}`, server };
}
