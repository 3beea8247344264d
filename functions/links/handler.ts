/** Lambda Function URL for the links in emails (unsubscribe). */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { LinksConfig, loadConfig } from '../../shared/platform/config.js';
import { handleLink } from '../../shared/links/service.js';
import { logger } from '../../shared/platform/runtime/consumer.js';
import { publisherFromEnv, storeFromEnv } from '../../shared/platform/runtime/deps.js';
import { keyringFromEnv } from '../../shared/platform/runtime/keyring.js';
import { systemClock } from '../../shared/platform/ports.js';

const deps = { store: storeFromEnv(), publisher: publisherFromEnv(), keyring: await keyringFromEnv(loadConfig(LinksConfig)), clock: systemClock };

export const handler = middy(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  // Tokens never reach the logs: only the method and the route's first segment are logged.
  logger.info('link', { method: event.requestContext.http.method, route: event.rawPath.split('/')[1] });
  const body = event.body && event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const res = await handleLink(deps, {
    method: event.requestContext.http.method,
    path: event.rawPath,
    query: Object.fromEntries(new URLSearchParams(event.rawQueryString ?? '')),
    ...(body ? { body } : {}),
  });
  return { statusCode: res.status, headers: res.headers, body: res.body };
}).use(injectLambdaContext(logger));
