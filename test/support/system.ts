/** Starts the local system for one integration test file, on its own table. */
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { startLocalSystem, type LocalSystem } from '../../local/system.js';

let singleShot: string | undefined;
/**
 * The committed campaigns without the shipped flows: tests about single-shot campaigns (a win-back,
 * a survey) would otherwise also receive the welcome series of every first order they place.
 * The flows' own tests (flows.int) and the demo run with the whole directory.
 */
export function singleShotCampaignsDir(): string {
  if (singleShot) return singleShot;
  const dir = mkdtempSync(join(tmpdir(), 'engage-campaigns-'));
  for (const f of readdirSync('campaigns')) if (f.endsWith('.yaml') && !/^steps:/m.test(readFileSync(join('campaigns', f), 'utf8'))) copyFileSync(join('campaigns', f), join(dir, f));
  return (singleShot = dir);
}

/** `opts.campaignsDir`: default the committed campaigns without flows; 'campaigns' for all. */
export async function systemForTest(extraEnv: Record<string, string> = {}, opts: { campaignsDir?: string; reportDir?: string } = {}): Promise<LocalSystem & { tag: string }> {
  const tag = randomUUID().slice(0, 8);
  const sys = await startLocalSystem(inject('endpoints'), { tableName: `engage-test-${tag}`, extraEnv, ...opts, campaignsDir: opts.campaignsDir ?? singleShotCampaignsDir() });
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
