/** webhooks (Function URL): Shopify and WooCommerce deliveries into shop events on the bus. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { loadLoyaltyConfig } from '../../shared/loyalty/config.js';
import { EnvVar } from '../../shared/platform/config.js';
import { systemClock } from '../../shared/platform/ports.js';
import { publisherFrom, storesFrom } from '../../shared/platform/runtime/deps.js';
import { defineFunction } from '../../shared/platform/runtime/function.js';
import { logger } from '../../shared/platform/runtime/logger.js';
import { receiveWebhook } from '../../shared/webhooks/receive.js';
import { endpointConfigFrom, webhookSecretsFrom } from '../../shared/webhooks/secrets.js';

export const { build, handler } = defineFunction('webhooks', async (config) => {
  const { webhookDeliveries, orderOwners } = storesFrom(config);
  const deps = { config: endpointConfigFrom(config, await webhookSecretsFrom(config), loadLoyaltyConfig(config[EnvVar.loyaltyConfig]).refundWindowDays), dedupe: webhookDeliveries, orderOwners, publisher: publisherFrom(config), clock: systemClock };
  return middy(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    // The signature covers the bytes as sent: decode, never re-serialise.
    const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
    const out = await receiveWebhook(deps, { method: event.requestContext.http.method, path: event.rawPath, headers: event.headers, body });
    // Log records carry ids, topics and reasons only, never payload values.
    for (const { level, message, ...fields } of out.logs) logger[level](message, fields);
    return { statusCode: out.response.status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(out.response.body) };
  }).use(injectLambdaContext(logger));
});
