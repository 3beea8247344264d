/** `engage report campaigns`: recipients vs control per campaign, from the table. */
import type { Command } from 'commander';
import { campaignReport, type CampaignResult } from '../shared/campaigns/results.js';
import { openTable } from './table.js';

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
  program
    .command('report')
    .description('reports over the Engage table (TABLE_NAME; AWS_ENDPOINT_URL_DYNAMODB for the local one)')
    .command('campaigns')
    .description('per campaign: recipients vs holdout control, conversion, revenue per member, lift with a 95 % interval')
    .option('--window-days <n>', 'an order within this many days after the decision counts', (v) => Number.parseInt(v, 10), 30)
    .option('--json', 'print JSON')
    .action(async (o: { windowDays: number; json?: boolean }) => {
      const t = openTable();
      const results = await campaignReport(t.stores, o.windowDays).finally(() => t.close());
      process.stdout.write(`${o.json ? JSON.stringify(results, null, 2) : formatReport(results)}\n`);
    });
}
