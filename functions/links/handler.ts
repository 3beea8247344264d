/** links (Function URL): one-click unsubscribe and survey answers behind the links in mail. */
import { randomBytes } from 'node:crypto';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handleLink, routeOf } from '../../shared/links/service.js';
import { systemClock } from '../../shared/platform/ports.js';
import { EnvVar, shopInfoFrom } from '../../shared/platform/config.js';
import { publisherFrom, storesFrom } from '../../shared/platform/runtime/deps.js';
import { defineFunction } from '../../shared/platform/runtime/function.js';
import { keyringCacheFrom } from '../../shared/platform/runtime/keyring.js';
import { originGuardFromSecret } from '../../shared/platform/runtime/origin.js';
import { logger, NO_EVENT_LOGGING } from '../../shared/platform/runtime/logger.js';

export const { build, handler } = defineFunction('links', async (config) => {
  const { customers, suppression, surveys } = storesFrom(config);
  const { name, url } = shopInfoFrom(config);
  const keyrings = keyringCacheFrom(config);
  const originSecret = config[EnvVar.linkOriginSecretId];
  const origin = originSecret ? originGuardFromSecret(originSecret) : undefined;
  const deps = { customers, suppression, surveys, publisher: publisherFrom(config), keyring: await keyrings.get(), clock: systemClock, randomBytes, shop: { name, url } };
  return middy(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    // Tokens never reach the logs: only the method and the route's name.
    logger.info('link', { method: event.requestContext.http.method, route: routeOf(event.rawPath) });
    if (origin && !(await origin.allows(event.headers ?? {}))) return { statusCode: 403, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Forbidden' };
    const body = event.body && event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    const res = await handleLink({ ...deps, keyring: await keyrings.get() }, {
      method: event.requestContext.http.method,
      path: event.rawPath,
      query: Object.fromEntries(new URLSearchParams(event.rawQueryString ?? '')),
      ...(body ? { body } : {}),
    });
    return { statusCode: res.status, headers: res.headers, body: res.body };
  }).use(injectLambdaContext(logger, NO_EVENT_LOGGING));
});
