/**
 * Adapters built from validated configuration, once per cold start; each asks only for the
 * variables it needs, so a function is configured with exactly what it is granted. SDK clients
 * take their endpoints from the standard AWS_ENDPOINT_URL_<SERVICE> variables (local runner).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { BusConfig, EnvVar, TableConfig, loadConfig } from '../config.js';
import { DynamoCustomerStore, documentClient } from '../../customers/dynamodb.js';
import { EventBridgePublisher } from '../eventbridge.js';
import { SesMailer } from '../../mail/ses.js';

export const storeFromEnv = (env: NodeJS.ProcessEnv = process.env) =>
  new DynamoCustomerStore(documentClient(new DynamoDBClient({})), loadConfig(TableConfig, env)[EnvVar.tableName]);

export const publisherFromEnv = (env: NodeJS.ProcessEnv = process.env) =>
  new EventBridgePublisher(new EventBridgeClient({}), loadConfig(BusConfig, env)[EnvVar.eventBusName]);

export const sesMailer = (configurationSet?: string) => new SesMailer(new SESv2Client({}), configurationSet);
