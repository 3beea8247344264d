/** weekly-report (scheduled, Mondays): the week's report to the archive, the KPI digest to the marketer. */
import { S3Client } from '@aws-sdk/client-s3';
import { EnvVar, shopInfoFrom } from '../../shared/platform/config.js';
import { systemClock } from '../../shared/platform/ports.js';
import { documentClient } from '../../shared/platform/table/dynamodb.js';
import { mailerFrom } from '../../shared/platform/runtime/deps.js';
import { scheduledFunction } from '../../shared/platform/runtime/scheduled.js';
import { CounterKpiSource, readFlowReports } from '../../shared/reports/index.js';
import { loadCampaignDir } from '../../shared/campaigns/load.js';
import { DynamoFlowStore } from '../../shared/flows/dynamodb.js';
import { FolderReportArchive, S3ReportArchive } from '../../shared/reports/archive.js';
import { runWeeklyReport } from '../../shared/reports/weekly.js';

export const { build, handler } = scheduledFunction('weekly-report', async (config) => {
  const shop = shopInfoFrom(config);
  // The Flows section, as `engage report` and the console show it: every configured flow's counters
  // (definitions only: the report renders no campaign template).
  const { flows } = await loadCampaignDir(config[EnvVar.campaignsDir], { templates: false });
  const flowStore = new DynamoFlowStore(documentClient(), config[EnvVar.tableName]);
  const bucket = config[EnvVar.reportBucket];
  const deps = {
    kpis: new CounterKpiSource(documentClient(), config[EnvVar.tableName], { currency: shop.currency, timeZone: shop.timeZone ?? 'UTC' }),
    archive: bucket ? new S3ReportArchive(new S3Client({}), bucket) : new FolderReportArchive(config[EnvVar.reportDir]!),
    mailer: mailerFrom(config),
    from: config[EnvVar.senderEmail],
    ...(config[EnvVar.reportEmail] ? { to: config[EnvVar.reportEmail] } : {}),
    shop: { name: shop.name, currency: shop.currency },
    lang: config[EnvVar.reportLang],
    clock: systemClock,
    flows: () => readFlowReports(flows, flowStore),
  };
  return (run) => runWeeklyReport(deps, new Date(run.scheduledTime));
});
