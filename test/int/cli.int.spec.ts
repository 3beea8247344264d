/** The marketer's CLI against the live (local) table: dry run and preview for a stored customer. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerCampaignCommands } from '../../cli/campaigns.js';
import { orderEvent, profileEvent } from '../support/events.js';
import { putRaw, systemForTest } from '../support/system.js';

let sys: Awaited<ReturnType<typeof systemForTest>>;
const NOW = '2026-11-20T10:00:00Z';

async function run(...args: string[]): Promise<string> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
  try {
    await registerCampaignCommands(new Command().exitOverride()).parent!.parseAsync(args, { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return lines.join('');
}

beforeAll(async () => {
  sys = await systemForTest();
  // The CLI reads the table name as a user's shell provides it (export TABLE_NAME=…).
  process.env.TABLE_NAME = sys.tableName;
  await putRaw(sys, [
    profileEvent('cli-a', { name: '赵敏', locale: 'zh-CN' }),
    profileEvent('cli-b', { name: '周芷若', locale: 'zh-CN', consent: false }),
    orderEvent('cli-a', 'cli-a-1', '2026-08-01T10:00:00Z'),
    orderEvent('cli-b', 'cli-b-1', '2026-08-01T10:00:00Z'),
  ]);
});
afterAll(() => sys?.close());

describe('engage campaigns (live table)', () => {
  it('dry-run lists who would get the win-back now and why the others are skipped', async () => {
    // Given both customers at risk (as the sweep would leave them), cli-b without consent
    for (const id of ['cli-a', 'cli-b']) {
      await sys.dynamodb.send(
        new UpdateItemCommand({
          TableName: sys.tableName,
          Key: { pk: { S: `CUST#${id}` }, sk: { S: 'CUSTOMER' } },
          UpdateExpression: 'SET risk = :r',
          ExpressionAttributeValues: { ':r': { M: { level: { S: 'at-risk' }, method: { S: 'rule' }, since: { S: NOW }, lastOrderDay: { S: '2026-08-01' } } } },
        }),
      );
    }
    // When dry-run prints JSON, then stdout is nothing but that JSON, summary included
    const text = await run('campaigns', 'dry-run', 'win-back', '--now', NOW, '--json');
    const parsed = JSON.parse(text) as { campaigns: Array<{ campaignId: string; counts: { triggered: number; skip: Record<string, number> }; rows: Array<{ customerId: string; decision: string; reason?: string }> }> };
    const plan = parsed.campaigns[0]!;
    const byId = Object.fromEntries(plan.rows.map((r) => [r.customerId, r]));
    expect(byId['cli-b']).toMatchObject({ decision: 'skip', reason: 'no-consent' });
    expect(byId['cli-a']?.reason).not.toBe('no-consent');
    expect(plan.counts).toMatchObject({ triggered: 2, skip: expect.objectContaining({ 'no-consent': 1 }) });
    expect(await run('campaigns', 'dry-run', 'win-back', '--now', NOW)).toMatch(/^win-back: 2 triggered now .*no-consent 1/);
  });

  it('preview --customer renders a stored customer in their language', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preview-'));
    await run('campaigns', 'preview', 'win-back', '--customer', 'cli-a', '--out', dir);
    const html = readFileSync(join(dir, 'win-back.zh-CN.html'), 'utf8');
    expect(html).toContain('赵敏');
    expect(readFileSync(join(dir, 'win-back.zh-CN.txt'), 'utf8')).toMatch(/^Subject: 赵敏/);
  });
});
