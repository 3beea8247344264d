/**
 * The composition root: adapters built once per cold start from a function's validated config.
 * SDK clients take their endpoints from the standard AWS_ENDPOINT_URL_<SERVICE> variables (how
 * the local runtime points them at the emulators), so no adapter knows where it runs.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EnvVar, laneSettingsFrom, type BulkRunsConfig, type BusConfig, type LaneConfig, type MailConfig, type TableConfig } from '../config.js';
import { StepFunctionsStarter } from '../stepfunctions.js';
import type { z } from 'zod';
import { documentClient } from '../table/dynamodb.js';
import { EventBridgePublisher } from '../eventbridge.js';
import { DynamoCustomerStore } from '../../customers/dynamodb.js';
import { DynamoOrderStore } from '../../orders/dynamodb.js';
import { DynamoScoreStore } from '../../churn/dynamodb.js';
import { DynamoSendStore } from '../../campaigns/dynamodb.js';
import { DynamoCouponStore } from '../../coupons/dynamodb.js';
import { DynamoSurveyStore } from '../../surveys/dynamodb.js';
import { DynamoErasureStore, DynamoSuppressionList } from '../../privacy/dynamodb.js';
import { DynamoEngagementStore } from '../../engagement/dynamodb.js';
import { DynamoLoyaltyStore } from '../../loyalty/dynamodb.js';
import { DynamoFlowStore } from '../../flows/dynamodb.js';
import { DynamoImportStore } from '../../import/dynamodb.js';
import { DynamoOrderOwners, DynamoWebhookDedupe } from '../../webhooks/dynamodb.js';
import { SesMailer } from '../../mail/ses.js';
import { readSesAccount, SesAccountCache } from '../../mail/account.js';
import { DynamoSendRate } from '../../mail/dynamodb.js';
import { SendLane } from './lane.js';
import { S3Client } from '@aws-sdk/client-s3';
import { FolderRefitPartials, S3RefitPartials, type RefitPartials } from '../../churn/partials.js';
import type { RefitPartialsConfig } from '../config.js';

/** Imported on the rare failure path only (as in ./cache.ts): importing the logger configures it
 * from the environment, before the local runtime has set it up. */
const warn = (message: string, e: unknown) =>
  void import('./logger.js').then(({ logger }) => logger.warn(message, { error: (e as Error).name, reason: (e as Error).message }));

/** Every capability's store over the one table; each function uses the ones it needs. */
export function tableStores(db: DynamoDBDocumentClient, tableName: string) {
  return {
    customers: new DynamoCustomerStore(db, tableName),
    orders: new DynamoOrderStore(db, tableName),
    scores: new DynamoScoreStore(db, tableName),
    sends: new DynamoSendStore(db, tableName),
    coupons: new DynamoCouponStore(db, tableName),
    surveys: new DynamoSurveyStore(db, tableName),
    suppression: new DynamoSuppressionList(db, tableName),
    erasure: new DynamoErasureStore(db, tableName),
    loyalty: new DynamoLoyaltyStore(db, tableName),
    engagement: new DynamoEngagementStore(db, tableName),
    imports: new DynamoImportStore(db, tableName),
    webhookDeliveries: new DynamoWebhookDedupe(db, tableName),
    orderOwners: new DynamoOrderOwners(db, tableName),
    flows: new DynamoFlowStore(db, tableName),
  };
}
export type TableStores = ReturnType<typeof tableStores>;

export const storesFrom = (config: z.infer<typeof TableConfig>, client = new DynamoDBClient({})): TableStores =>
  tableStores(documentClient(client), config[EnvVar.tableName]);

export const publisherFrom = (config: z.infer<typeof BusConfig>) => new EventBridgePublisher(new EventBridgeClient({}), config[EnvVar.eventBusName]);

export const bulkRunStarterFrom = (config: z.infer<typeof BulkRunsConfig>) => new StepFunctionsStarter(new SFNClient({}), config[EnvVar.bulkRunStateMachines]);

/**
 * One attempt per SendEmail at the SDK level (the SDK would otherwise resend after a dropped
 * reply and duplicate the mail; SesMailer retries only what SES certainly refused), a short
 * connection timeout (no socket: certainly not sent) and a request timeout after which the
 * outcome is unknown.
 */
export const mailerFrom = (config: z.infer<typeof MailConfig>, pace?: () => Promise<boolean>) =>
  new SesMailer(
    new SESv2Client({
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 3_000, requestTimeout: config[EnvVar.sesRequestTimeoutMs], throwOnRequestTimeout: true },
    }),
    config[EnvVar.configurationSet],
    pace,
    (e) => warn('send lane pace failed; the send is deferred', e),
  );

/** A send lane (platform/runtime/lane.ts): the SES account read now and every refresh, the shared
 * rate in the table, holds through SQS. */
export function sendLaneFrom(config: z.infer<typeof TableConfig> & z.infer<typeof LaneConfig>, client = new DynamoDBClient({})): SendLane {
  const settings = laneSettingsFrom(config);
  const ses = new SESv2Client({});
  const account = new SesAccountCache(() => readSesAccount(ses), settings.refreshMs, Date.now, (e) => warn('SES GetAccount failed; pacing on the last known account', e));
  return new SendLane({
    account,
    rate: new DynamoSendRate(documentClient(client), config[EnvVar.tableName]),
    sqs: new SQSClient({}),
    settings,
    requeueAfter: config[EnvVar.laneRequeueAfterReceives],
  });
}

/** The refit's partial samples: the refit bucket in AWS, a folder locally. */
export const refitPartialsFrom = (config: z.infer<typeof RefitPartialsConfig>): RefitPartials => {
  const bucket = config[EnvVar.refitBucket];
  return bucket ? new S3RefitPartials(new S3Client({}), bucket) : new FolderRefitPartials(config[EnvVar.refitDir]!);
};
