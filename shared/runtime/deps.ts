/**
 * Adapters built from validated configuration, once per cold start. SDK clients take their
 * endpoints from the standard AWS_ENDPOINT_URL_<SERVICE> variables, which the local runner sets.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { BaseConfig, EnvVar, loadConfig } from '../config.js';
import { DynamoCustomerStore, documentClient } from '../adapters/dynamodb-store.js';
import { EventBridgePublisher } from '../adapters/eventbridge-publisher.js';
import { SesMailer } from '../adapters/ses-mailer.js';

export function coreDeps(env: NodeJS.ProcessEnv = process.env) {
  const cfg = loadConfig(BaseConfig, env);
  return {
    store: new DynamoCustomerStore(documentClient(new DynamoDBClient({})), cfg[EnvVar.tableName]),
    publisher: new EventBridgePublisher(new EventBridgeClient({}), cfg[EnvVar.eventBusName]),
  };
}

export const sesMailer = (configurationSet?: string) => new SesMailer(new SESv2Client({}), configurationSet);
