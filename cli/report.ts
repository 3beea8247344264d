/**
 * `engage report`: the marketer's report as one self-contained HTML file (charts as SVG, labels
 * in --lang). `engage report campaigns`: recipients vs control per campaign, as text or JSON.
 * `engage report flows`: each flow's figures and its A/B splits' variants, as text or JSON.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { campaignReport, type CampaignResult } from '../shared/campaigns/results.js';
import { loadCampaignDir } from '../shared/campaigns/load.js';
import type { FlowStore } from '../shared/flows/port.js';
import { buildReport, parseLang, readFlowReports, CounterKpiSource, type FlowReport } from '../shared/reports/index.js';
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

/** Columns padded to their widest cell; the first left-aligned, the rest right-aligned. */
function columns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd());
}

export function formatFlowReports(reports: readonly FlowReport[]): string {
  if (reports.length === 0) return 'No multi-step flow is configured.';
  return reports
    .map((f) => {
      const exits = Object.entries(f.exited).map(([reason, n]) => `${reason} ${n}`).join(' · ');
      const lines = [`${f.flowId} (${f.name})`, `  entered ${f.entered} · control ${f.control} · waiting ${f.waiting} · done ${f.done} · exited ${exits || '0'}`];
      if (f.sends.length) lines.push(`  sent: ${f.sends.map((s) => `${s.stepId} ${s.sent}`).join(' · ')}`);
      for (const a of f.abSplits) {
        lines.push(`  A/B ${a.stepId} (${a.metric}): ${a.winner ? `winner ${a.winner}` : 'no winner yet'} — a winner needs P(best) ≥ ${pct(a.threshold)} and ${a.minRecipients} recipients per variant`);
        // Revenue per recipient is an amount (shop currency), the other metrics are shares.
        const value = (x: number) => (a.metric === 'revenue' ? x.toFixed(2) : pct(x));
        const rows = a.variants.map((v) => [v.id, String(v.recipients), String(v.successes), v.rate === null ? '—' : value(v.rate), `${value(v.interval[0])} … ${value(v.interval[1])}`, pct(v.pBest), v.id === a.winner ? '★ winner' : '']);
        lines.push(...columns([['variant', 'recipients', a.metric === 'click' ? 'clicks' : 'conversions', a.metric === 'revenue' ? 'revenue/recipient' : 'rate', '95 % interval', 'P(best)', ''], ...rows]).map((l) => `    ${l}`));
      }
      return lines.join('\n');
    })
    .join('\n\n');
}

/** The flows of the campaigns directory with their counters; none when there is no such directory. */
async function flowReportsFrom(dir: string, store: FlowStore): Promise<FlowReport[]> {
  if (!existsSync(dir)) return [];
  return readFlowReports((await loadCampaignDir(dir, { templates: false })).flows, store);
}

export function registerReportCommands(program: Command): void {
  const report = withLocalOption(
    program
      .command('report')
      .description('the marketer\'s report: one self-contained HTML file with KPI trends, customer flow, RFM, risk, cohorts, CLV, campaigns and satisfaction (TABLE_NAME, or --local)')
      .option('--out <file>', 'the HTML file to write', 'out/report.html')
      .option('--lang <lang>', 'zh-CN or en', 'en')
      .option('--weeks <n>', 'weeks in the trend charts', (v) => Number.parseInt(v, 10), 26)
      .option('--dir <dir>', 'campaigns directory (its flows make the Flows section)', 'campaigns')
      .option('--json', 'print the KPIs as JSON on stdout as well'),
  ).action(async (o: { out: string; lang: string; weeks: number; dir: string; json?: boolean; local?: boolean }) => {
    const lang = parseLang(o.lang);
    const shop = configuredShop().info;
    const { kpis, html } = await withTable(o, async (t) => {
      const source = new CounterKpiSource(t.db, t.tableName, { currency: shop.currency, timeZone: shop.timeZone ?? 'UTC' });
      const flows = await flowReportsFrom(o.dir, t.stores.flows);
      return buildReport(source, { now: new Date(), weeks: o.weeks }, lang, { shopName: shop.name, flows });
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
  withLocalOption(
    report
      .command('flows')
      .description('per flow: entered, waiting, done, exits, sent per step; per A/B split each variant with its 95 % interval, P(best) and the winner')
      // No default here: the parent's (campaigns) applies unless --dir is given.
      .option('--dir <dir>', 'campaigns directory')
      .option('--json', 'print JSON'),
  ).action(async (_: unknown, cmd: Command) => {
    const o = cmd.optsWithGlobals<{ dir?: string; json?: boolean; local?: boolean }>();
    const dir = o.dir ?? 'campaigns';
    if (!existsSync(dir)) throw new Error(`no campaigns directory ${dir} (--dir)`);
    const reports = await withTable(o, (t) => flowReportsFrom(dir, t.stores.flows));
    process.stdout.write(`${o.json ? JSON.stringify(reports, null, 2) : formatFlowReports(reports)}\n`);
  });
}
