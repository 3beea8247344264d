/**
 * `engage report flows` and the report's Flows section against the live (local) table: customers
 * enter the shipped win-back A/B flow through the real handlers and get their variant's offer, and
 * the CLI prints each variant's row from the flow's counters.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerReportCommands } from '../../cli/report.js';
import { DetailType } from '../../shared/platform/contracts/events.js';
import { documentClient } from '../../shared/platform/table/dynamodb.js';
import { keys } from '../../shared/platform/table/keys.js';
import type { FlowReport } from '../../shared/reports/flows.js';
import { orderEvent, profileEvent } from '../support/events.js';
import { putRaw, systemForTest, type TestSystem } from '../support/system.js';
import { runCli } from '../support/cli.js';
import { writeLocalReport } from '../../local/report-html.js';

const NOW = new Date('2026-11-20T10:00:00Z'); // 10:00 in London: outside quiet hours
const at = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000);
const risk = (customerId: string, to: 'at-risk' | 'churned', occurredAt: string) => ({
  source: 'engage.core',
  detailType: DetailType.CustomerRiskChanged,
  detail: { customerId, from: to === 'churned' ? 'at-risk' : 'active', to, method: 'rule', daysSinceLastOrder: to === 'churned' ? 200 : 80, lastOrderDay: '2026-05-01', runKey: `run-${occurredAt}`, occurredAt },
});

let sys: TestSystem;
const ids = Array.from({ length: 4 }, (_, i) => `rf${i}`);
const variantOf: Record<string, string> = {};

const run = (...args: string[]) => runCli(registerReportCommands, ...args);

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(NOW);
  sys = await systemForTest({}, { campaignsDir: 'campaigns' });
  process.env.TABLE_NAME = sys.tableName;
  for (const id of ids) await putRaw(sys, [profileEvent(id), orderEvent(id, `o-${id}`, '2026-05-01T10:00:00Z')]);
  await putRaw(sys, ids.map((id) => risk(id, 'at-risk', NOW.toISOString())));
  vi.setSystemTime(at(24 * 30));
  await putRaw(sys, ids.map((id) => risk(id, 'churned', at(24 * 30).toISOString())));
  for (const id of ids) variantOf[id] = (await sys.stores.flows.getEntry(id, 'win-back-churned', 'at-risk:2026-05-01'))!.variants!['offer-size']!;
});
afterAll(async () => {
  delete process.env.TABLE_NAME;
  vi.useRealTimers();
  await sys?.close();
});

const countOf = (variant: string) => Object.values(variantOf).filter((v) => v === variant).length;

describe('engage report flows', () => {
  it('prints the win-back flow\'s figures and one row per variant: recipients and conversions as counted, its interval and P(best), no winner yet', async () => {
    const text = await run('report', 'flows');
    const block = text.split('\n\n').find((b) => b.startsWith('win-back-churned '))!;
    expect(block).toContain('entered 4 ·');
    expect(block).toMatch(/A\/B offer-size \(conversion\): no winner yet — a winner needs P\(best\) ≥ 90\.0 % and 100 recipients per variant/);
    for (const variant of ['twenty', 'thirty']) {
      const n = countOf(variant);
      const row = block.split('\n').find((l) => l.trim().startsWith(`${variant} `))!;
      expect(row).toBeDefined();
      const cells = row.trim().split(/\s{2,}/);
      // No one has ordered since the offer: no conversions yet
      expect(cells.slice(0, 3)).toEqual([variant, String(n), '0']);
      expect(cells[3]).toBe(n ? '0.0 %' : '—');
      expect(cells[4]).toMatch(/^\d+\.\d % … \d+\.\d %$/);
      expect(cells[5]).toMatch(/^\d+\.\d %$/);
      expect(row).not.toContain('★');
    }
    // The other shipped flows are reported too
    expect(text).toMatch(/^abandoned-checkout \(/m);
  });

  it('marks the winner once the counters show one, and --json gives the same report', async () => {
    // Given counters where thirty clearly converts better, with ≥ 100 recipients each (added to a shard)
    const add = { 'ab:offer-size:twenty:n': 300, 'ab:offer-size:twenty:won': 15, 'ab:offer-size:thirty:n': 300, 'ab:offer-size:thirty:won': 60 };
    const names = Object.keys(add);
    await documentClient(sys.dynamodb).send(new UpdateCommand({
      TableName: sys.tableName,
      Key: keys.flowKpi('win-back-churned', 15),
      UpdateExpression: `ADD ${names.map((_, i) => `#k${i} :v${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((k, i) => [`#k${i}`, k])),
      ExpressionAttributeValues: Object.fromEntries(Object.values(add).map((v, i) => [`:v${i}`, v])),
    }));
    const text = await run('report', 'flows');
    const rows = text.split('\n').filter((l) => /^\s+(twenty|thirty)\s/.test(l));
    expect(rows.find((l) => l.trim().startsWith('thirty'))).toMatch(/★ winner$/);
    expect(rows.find((l) => l.trim().startsWith('twenty'))).not.toContain('★');
    expect(text).toContain('A/B offer-size (conversion): winner thirty');
    const json = JSON.parse(await run('report', 'flows', '--json')) as FlowReport[];
    const ab = json.find((f) => f.flowId === 'win-back-churned')!.abSplits[0]!;
    expect(ab.winner).toBe('thirty');
    expect(ab.variants.find((v) => v.id === 'thirty')!.recipients).toBe(300 + countOf('thirty'));
  });

  it('engage report writes the Flows section with the variants into the HTML report', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'report-')), 'r.html');
    await run('report', '--out', file);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('<section id="flows"><h2>Flows</h2>');
    expect(html).toContain('data-flow="win-back-churned"');
    expect(html).toContain('<tr data-variant="thirty" data-winner="true">');
    expect(html).toContain('<tr data-variant="twenty">');
  });

  it('the demo\'s report (npm start -- --out DIR) has the same Flows section', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-report-'));
    const { file } = await writeLocalReport(sys, dir, 'zh-CN');
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('<section id="flows">');
    expect(html).toContain('data-flow="win-back-churned"');
    expect(html).toContain('<tr data-variant="thirty" data-winner="true">');
  });
});
