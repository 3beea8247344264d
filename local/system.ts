/**
 * The whole system on one machine: emulators, the local bus, the table, and the environment
 * the handlers read — exactly the variables the CDK stack sets in AWS.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EnvVar } from '../shared/config.js';
import type { FunctionName } from '../shared/contracts/routing.js';
import { EventBridgePublisher } from '../shared/adapters/eventbridge-publisher.js';
import { LocalBus, lambdaContext } from './bus.js';
import { createTable } from './table.js';
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
  dynamodb: DynamoDBClient;
  eventBridge: EventBridgeClient;
  /** Invokes the sweep as EventBridge Scheduler would, then waits for everything it set off. */
  sweep(scheduledTime: Date): Promise<void>;
  close(): Promise<void>;
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function startLocalSystem(
  endpoints: Endpoints,
  opts: { tableName?: string; extraEnv?: Record<string, string>; concurrency?: number } = {},
): Promise<LocalSystem> {
  const bus = new LocalBus((fn: FunctionName) => handlerModules[fn]().then((m) => m.handler as never), {
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
  });
  const busEndpoint = await bus.listen();
  const tableName = opts.tableName ?? 'engage-local';
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
    [EnvVar.sweepSegments]: '4',
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

  return {
    bus,
    env,
    publisher,
    dynamodb,
    eventBridge,
    async sweep(scheduledTime: Date) {
      const { handler } = (await handlerModules['sweep-start']()) as { handler: (e: unknown, c: unknown) => Promise<unknown> };
      await handler({ scheduledTime: scheduledTime.toISOString() }, lambdaContext('sweep-start', 60_000));
      await bus.idle();
    },
    async close() {
      await bus.close();
      dynamodb.destroy();
      eventBridge.destroy();
    },
  };
}
