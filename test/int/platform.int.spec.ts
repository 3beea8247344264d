/**
 * Each function is built from exactly its own environment, as in AWS: the local runtime hands a
 * handler the variables of its manifest's configuration groups and nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvVar, groupVariables } from '../../shared/platform/config.js';
import { functionNames, manifest } from '../../shared/platform/contracts/functions.js';
import { handlerModules } from '../../local/handlers.js';
import { lambdaContext } from '../../local/bus.js';
import { systemForTest } from '../support/system.js';

let sys: Awaited<ReturnType<typeof systemForTest>>;
beforeAll(async () => {
  sys = await systemForTest();
});
afterAll(() => sys?.close());

describe('per-function environments', () => {
  it.each(functionNames)('%s gets the variables of its configuration groups only', (fn) => {
    const allowed = new Set(manifest[fn].config.flatMap(groupVariables));
    expect(Object.keys(sys.envOf(fn)).filter((k) => !allowed.has(k))).toEqual([]);
  });

  it('the links function initialises with only its own environment (no link base URL) and serves an unsubscribe page', async () => {
    const env = sys.envOf('links');
    expect(env).not.toHaveProperty(EnvVar.publicBaseUrl);
    const handler = await (await handlerModules.links()).build(env);
    const res = await handler({ rawPath: '/u/not-a-token', rawQueryString: '', requestContext: { http: { method: 'GET' } } }, lambdaContext('links', 10_000));
    expect(res.statusCode).toBe(400); // the generic "link not valid" page: the function is up
  });

  it('fails to build a function whose environment lacks one of its variables, naming it', async () => {
    const { [EnvVar.publicBaseUrl]: _, ...env } = sys.envOf('campaign-dispatch');
    await expect((await handlerModules['campaign-dispatch']()).build(env)).rejects.toThrow(/PUBLIC_BASE_URL/);
  });
});
