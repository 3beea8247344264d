/** Starts the local system for one integration test file, on its own table. */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { startLocalSystem, type LocalSystem } from '../../local/system.js';

export async function systemForTest(extraEnv: Record<string, string> = {}, opts: { campaignsDir?: string; reportDir?: string } = {}): Promise<LocalSystem & { tag: string }> {
  const tag = randomUUID().slice(0, 8);
  const sys = await startLocalSystem(inject('endpoints'), { tableName: `engage-test-${tag}`, extraEnv, ...opts });
  return Object.assign(sys, { tag });
}

export type TestSystem = Awaited<ReturnType<typeof systemForTest>>;

/** Publishes raw entries through the real SDK, as a shop's integration would (new envelope id each time). */
export async function putRaw(sys: LocalSystem, entries: Array<{ source: string; detailType: string; detail: unknown }>) {
  for (let i = 0; i < entries.length; i += 10) {
    await sys.eventBridge.send(
      new PutEventsCommand({
        Entries: entries.slice(i, i + 10).map((e) => ({
          EventBusName: sys.settings.eventBusName,
          Source: e.source,
          DetailType: e.detailType,
          Detail: JSON.stringify(e.detail),
        })),
      }),
    );
  }
  await sys.bus.idle();
}
