/**
 * The whole system on one machine: emulators, the local bus, the table, and each function built
 * with exactly its own environment from the manifest — the variables the CDK stack sets for it in
 * AWS, no more (see env.ts). A handler that needs a variable its manifest does not list fails
 * here just as it would in AWS.
 */
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { FunctionName, Manifest } from '../shared/platform/contracts/functions.js';
import { EventBridgePublisher } from '../shared/platform/eventbridge.js';
import { documentClient } from '../shared/platform/table/dynamodb.js';
import { tableStores, type TableStores } from '../shared/platform/runtime/deps.js';
import { ensureLocalKeyring } from '../shared/platform/runtime/keyring.js';
import { LocalBus, lambdaContext } from './bus.js';
import { serveFunctionUrl } from './function-url.js';
import { DEFAULTS } from '../shared/platform/config.js';
import { ensureLocalWebhookSecrets } from '../shared/webhooks/secrets.js';
import { LocalStepFunctions } from './stepfunctions.js';
import { createTable } from './table.js';
import { handlerModules, type FunctionHandler } from './handlers.js';
import { functionEnv, knownVariables, localGroupValues, type LocalSettings } from './env.js';

export const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface Endpoints {
  dynamodbEndpoint: string;
  sesEndpoint: string;
}

/** Every function the manifest triggers by a schedule (one definition: adding one makes it runnable here). */
export type ScheduledFunction = { [K in FunctionName]: Manifest[K]['trigger']['kind'] extends 'schedule' ? K : never }[FunctionName];

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
  /** The shop-platform webhook endpoint (POST /webhooks/shopify, /webhooks/woocommerce). */
  webhooksUrl: string;
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
  opts: { tableName?: string; keyringFile?: string; webhookSecretsFile?: string; campaignsDir?: string; reportDir?: string; extraEnv?: Record<string, string>; concurrency?: number; maxPending?: number; laneConcurrency?: number } = {},
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

  // One built handler per function and container: concurrent invocations that Lambda would run in
  // containers of their own (a bulk run's segments) get theirs, with their own clients and sockets.
  const handlers = new Map<string, Promise<FunctionHandler>>();
  const handlerOf = (fn: FunctionName, container = 0): Promise<FunctionHandler> => {
    const key = `${fn}#${container}`;
    let h = handlers.get(key);
    if (!h) handlers.set(key, (h = handlerModules[fn]().then((m) => m.build(envOf(fn)))));
    return h;
  };
  const bus = new LocalBus((fn) => handlerOf(fn) as never, {
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    ...(opts.maxPending ? { maxPending: opts.maxPending } : {}),
    ...(opts.laneConcurrency ? { laneConcurrency: opts.laneConcurrency } : {}),
  });
  // The shop publishes to busEndpoint (it waits while the queues are long); the functions to the other.
  const busEndpoint = await bus.listen();
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.internalEndpoint;
  const links = await serveFunctionUrl('links', () => handlerOf('links'));
  const webhooks = await serveFunctionUrl('webhooks', () => handlerOf('webhooks'), { maxBodyBytes: DEFAULTS.webhookMaxBodyBytes });
  // The local bus plays SQS too: a send lane's holds reach the queue that delivered the record.
  process.env.AWS_ENDPOINT_URL_SQS = bus.internalEndpoint;
  const stepFunctions = new LocalStepFunctions(handlerOf);
  process.env.AWS_ENDPOINT_URL_SFN = await stepFunctions.listen();
  const tableName = opts.tableName ?? 'engage-local';
  // One keyring per table: links in the mail viewer keep working for the life of the data.
  const keyringFile = opts.keyringFile ?? join(tmpdir(), `engage-keys-${tableName}-${randomUUID().slice(0, 8)}.json`);
  ensureLocalKeyring(keyringFile);
  const webhookSecretsFile = opts.webhookSecretsFile ?? join(tmpdir(), `engage-webhooks-${tableName}-${randomUUID().slice(0, 8)}.json`);
  ensureLocalWebhookSecrets(webhookSecretsFile);
  const settings: LocalSettings = {
    tableName,
    eventBusName: 'engage-local',
    campaignsDir: opts.campaignsDir ?? resolve(repoRoot, 'campaigns'),
    loyaltyConfig: resolve(repoRoot, 'loyalty.yaml'),
    linksUrl: links.url,
    keyringFile,
    // No S3 emulator: the weekly report's archive is a folder (REPORT_DIR), as the CLI's --out is.
    reportDir: opts.reportDir ?? join(tmpdir(), `engage-reports-${tableName}`),
    // The refit's partial samples likewise (REFIT_DIR): the S3 bucket's folder.
    refitDir: join(tmpdir(), `engage-refit-${tableName}`),
    webhookSecretsFile,
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
    webhooksUrl: webhooks.url,
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
      for (const { server } of [links, webhooks]) await new Promise<void>((ok) => server.close(() => ok()));
      dynamodb.destroy();
      eventBridge.destroy();
    },
  };
  return system;
}
