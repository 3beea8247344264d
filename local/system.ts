/**
 * The whole system on one machine: emulators, the local bus, the table, and each function built
 * with exactly its own environment from the manifest — the variables the CDK stack sets for it in
 * AWS, no more (see env.ts). A handler that needs a variable its manifest does not list fails
 * here just as it would in AWS.
 */
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { FunctionName } from '../shared/platform/contracts/functions.js';
import { EventBridgePublisher } from '../shared/platform/eventbridge.js';
import { documentClient } from '../shared/platform/table/dynamodb.js';
import { tableStores, type TableStores } from '../shared/platform/runtime/deps.js';
import { ensureLocalKeyring } from '../shared/platform/runtime/keyring.js';
import { LocalBus, lambdaContext } from './bus.js';
import { LocalStepFunctions } from './stepfunctions.js';
import { createTable } from './table.js';
import { handlerModules, type FunctionHandler } from './handlers.js';
import { functionEnv, knownVariables, localGroupValues, type LocalSettings } from './env.js';

export const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface Endpoints {
  dynamodbEndpoint: string;
  sesEndpoint: string;
}

export type ScheduledFunction = 'sweep-start' | 'model-refit' | 'dispatch-due' | 'campaign-schedule';

export interface LocalSystem {
  bus: LocalBus;
  /** The bulk runs' state machines, executed locally from the stack's own definitions. */
  stepFunctions: LocalStepFunctions;
  settings: LocalSettings;
  tableName: string;
  /** The environment a function is built with (exactly its manifest's groups). */
  envOf(fn: FunctionName): Record<string, string>;
  /** The function's handler, built once with its own environment. */
  handlerOf(fn: FunctionName): Promise<FunctionHandler>;
  publisher: EventBridgePublisher;
  /** Every capability's store over the local table, for tests and the demo's report. */
  stores: TableStores;
  /** Where the links in emails point (unsubscribe), served by the real links handler. */
  linksUrl: string;
  dynamodb: DynamoDBClient;
  eventBridge: EventBridgeClient;
  /** Invokes the sweep as EventBridge Scheduler would, then waits for everything it set off. */
  sweep(scheduledTime: Date): Promise<void>;
  /** Invokes any scheduled job likewise (a bulk run's starter: until the run and all it set off end). */
  runScheduled(fn: ScheduledFunction, scheduledTime: Date, extra?: Record<string, string>): Promise<unknown>;
  close(): Promise<void>;
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function startLocalSystem(
  endpoints: Endpoints,
  opts: { tableName?: string; keyringFile?: string; campaignsDir?: string; extraEnv?: Record<string, string>; concurrency?: number } = {},
): Promise<LocalSystem> {
  // Powertools settings are the platform's (every function reads them); the rest must belong to
  // some function's configuration groups, and only those functions see them.
  const platform = Object.fromEntries(Object.entries(opts.extraEnv ?? {}).filter(([k]) => k.startsWith('POWERTOOLS_')));
  const overrides = Object.fromEntries(Object.entries(opts.extraEnv ?? {}).filter(([k]) => !(k in platform)));
  const unknown = Object.keys(overrides).filter((k) => !knownVariables().has(k));
  if (unknown.length) throw new Error(`no function reads ${unknown.join(', ')} (see ConfigGroups in shared/platform/config.ts)`);

  // Platform settings every function shares, as Lambda's own variables are: the SDK reads them.
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodbEndpoint,
    AWS_ENDPOINT_URL_SESV2: endpoints.sesEndpoint,
    POWERTOOLS_LOG_LEVEL: 'WARN',
    POWERTOOLS_DEV: 'true',
    // Metrics are CloudWatch EMF lines; locally they would only flood the console.
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...platform,
  });

  const handlers = new Map<FunctionName, Promise<FunctionHandler>>();
  const handlerOf = (fn: FunctionName): Promise<FunctionHandler> => {
    let h = handlers.get(fn);
    if (!h) handlers.set(fn, (h = handlerModules[fn]().then((m) => m.build(envOf(fn)))));
    return h;
  };
  const bus = new LocalBus((fn) => handlerOf(fn) as never, { ...(opts.concurrency ? { concurrency: opts.concurrency } : {}) });
  const busEndpoint = await bus.listen();
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = busEndpoint;
  const stepFunctions = new LocalStepFunctions(handlerOf);
  process.env.AWS_ENDPOINT_URL_SFN = await stepFunctions.listen();
  const links = await serveLinks(() => handlerOf('links'));
  const tableName = opts.tableName ?? 'engage-local';
  // One keyring per table: links in the mail viewer keep working for the life of the data.
  const keyringFile = opts.keyringFile ?? join(tmpdir(), `engage-keys-${tableName}-${randomUUID().slice(0, 8)}.json`);
  ensureLocalKeyring(keyringFile);
  const settings: LocalSettings = {
    tableName,
    eventBusName: 'engage-local',
    campaignsDir: opts.campaignsDir ?? resolve(repoRoot, 'campaigns'),
    loyaltyConfig: resolve(repoRoot, 'loyalty.yaml'),
    linksUrl: links.url,
    keyringFile,
  };
  const values = localGroupValues(settings);
  const envOf = (fn: FunctionName) => functionEnv(fn, values, overrides);

  const clientConfig = { region: 'us-east-1', credentials };
  const dynamodb = new DynamoDBClient({ ...clientConfig, endpoint: endpoints.dynamodbEndpoint });
  const eventBridge = new EventBridgeClient({ ...clientConfig, endpoint: busEndpoint });
  await createTable(dynamodb, tableName);
  const publisher = new EventBridgePublisher(eventBridge, settings.eventBusName);

  const system: LocalSystem = {
    bus,
    stepFunctions,
    settings,
    tableName,
    envOf,
    handlerOf,
    publisher,
    stores: tableStores(documentClient(dynamodb), tableName),
    linksUrl: links.url,
    dynamodb,
    eventBridge,
    async sweep(scheduledTime: Date) {
      await system.runScheduled('sweep-start', scheduledTime);
    },
    async runScheduled(fn, scheduledTime, extra = {}) {
      const handler = await handlerOf(fn);
      const out = await handler({ scheduledTime: scheduledTime.toISOString(), ...extra }, lambdaContext(fn, 900_000));
      await stepFunctions.idle();
      await bus.idle();
      return out;
    },
    async close() {
      await stepFunctions.idle();
      await stepFunctions.close();
      await bus.close();
      await new Promise<void>((ok) => links.server.close(() => ok()));
      dynamodb.destroy();
      eventBridge.destroy();
    },
  };
  return system;
}

/** The links Function URL on loopback: each request becomes a Function URL event for the real handler. */
async function serveLinks(load: () => Promise<FunctionHandler>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      try {
        const handler = await load();
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const out = (await handler(
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
        )) as { statusCode: number; headers?: Record<string, string>; body?: string };
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
