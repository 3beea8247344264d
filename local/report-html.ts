/** `npm start -- --out DIR`: the demo's report as DIR/report.html, and its KPIs for summary.json. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReport, type KpiData, type ReportLang } from '../shared/reports/index.js';
import { readFlowReports } from '../shared/reports/flows.js';
import { loadCampaignDir } from '../shared/campaigns/load.js';
import { localKpiSource } from './console/index.js';
import type { LocalSystem } from './system.js';

export async function writeLocalReport(sys: Pick<LocalSystem, 'dynamodb' | 'tableName' | 'envOf' | 'settings' | 'stores'>, dir: string, lang: ReportLang = 'en', now = new Date()): Promise<{ file: string; kpis: KpiData }> {
  const { kpis: source, shop } = localKpiSource(sys);
  // The flows the demo ran, with their A/B variants, as `engage report` shows them.
  const flows = await readFlowReports((await loadCampaignDir(sys.settings.campaignsDir, { templates: false })).flows, sys.stores.flows);
  const { kpis, html } = await buildReport(source, { now }, lang, { shopName: shop.name, flows });
  const file = join(dir, 'report.html');
  writeFileSync(file, html);
  return { file, kpis };
}

/** The KPIs a person reads first, for summary.json and the console line. */
export const headlineKpis = (k: KpiData) => ({ ...k.totals, lastWeek: k.weeks.at(-1), flow: k.flow, campaigns: k.campaigns.map(({ lift, ...c }) => ({ ...c, lift: lift.kind === 'report' ? lift.absoluteLift : null })) });
