/**
 * `engage report`: the marketer's report as one self-contained HTML file (charts as SVG, labels
 * in --lang). `engage report campaigns`: recipients vs control per campaign, as text or JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { campaignReport, type CampaignResult } from '../shared/campaigns/results.js';
import { buildReport, parseLang, CounterKpiSource } from '../shared/reports/index.js';
import { withLocalOption, withTable } from './table.js';
import { configuredShop } from './shop.js';

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

export function formatReport(results: CampaignResult[]): string {
  if (results.length === 0) return 'No campaign has mailed or held out anyone yet.';
  return results
    .map((r) => {
      const l = r.lift;
      if (l.kind !== 'report') return `${r.campaignId}: ${r.recipients.members} recipients, ${r.control.members} control — ${l.reason}`;
      return [
        `${r.campaignId}`,
        `  recipients ${l.recipients.members}: conversion ${pct(l.recipients.conversionRate)}, revenue/member ${l.recipients.revenuePerMember.toFixed(2)}`,
        `  control    ${l.control.members}: conversion ${pct(l.control.conversionRate)}, revenue/member ${l.control.revenuePerMember.toFixed(2)}`,
        `  lift ${pct(l.absoluteLift.estimate)} (95 % CI ${pct(l.absoluteLift.low)} … ${pct(l.absoluteLift.high)})${l.significant ? ', significant' : ''}; incremental revenue ${l.incrementalRevenue.toFixed(2)}`,
      ].join('\n');
    })
    .join('\n\n');
}

export function registerReportCommands(program: Command): void {
  const report = withLocalOption(
    program
      .command('report')
      .description('the marketer\'s report: one self-contained HTML file with KPI trends, customer flow, RFM, risk, cohorts, CLV, campaigns and satisfaction (TABLE_NAME, or --local)')
      .option('--out <file>', 'the HTML file to write', 'out/report.html')
      .option('--lang <lang>', 'zh-CN or en', 'en')
      .option('--weeks <n>', 'weeks in the trend charts', (v) => Number.parseInt(v, 10), 26)
      .option('--json', 'print the KPIs as JSON on stdout as well'),
  ).action(async (o: { out: string; lang: string; weeks: number; json?: boolean; local?: boolean }) => {
    const lang = parseLang(o.lang);
    const shop = configuredShop().info;
    const { kpis, html } = await withTable(o, (t) => {
      const source = new CounterKpiSource(t.db, t.tableName, { currency: shop.currency, timeZone: shop.timeZone ?? 'UTC' });
      return buildReport(source, { now: new Date(), weeks: o.weeks }, lang, { shopName: shop.name });
    });
    mkdirSync(dirname(o.out), { recursive: true });
    writeFileSync(o.out, html);
    if (o.json) process.stdout.write(`${JSON.stringify(kpis, null, 2)}\n`);
    else process.stdout.write(`wrote ${o.out} (${kpis.totals.customers} customers, ${kpis.totals.orders} orders, ${kpis.campaigns.length} campaigns)\n`);
  });
  withLocalOption(
    report
      .command('campaigns')
      .description('per campaign: recipients vs holdout control, conversion, revenue per member, lift with a 95 % interval')
      .option('--window-days <n>', 'an order within this many days after the decision counts', (v) => Number.parseInt(v, 10), 30)
      .option('--json', 'print JSON'),
  ).action(async (_: unknown, cmd: Command) => {
    // `report` takes --local too; commander may give it to the parent, so read both.
    const o = cmd.optsWithGlobals<{ windowDays: number; json?: boolean; local?: boolean }>();
    const results = await withTable(o, (t) => campaignReport(t.stores, o.windowDays));
    process.stdout.write(`${o.json ? JSON.stringify(results, null, 2) : formatReport(results)}\n`);
  });
}
