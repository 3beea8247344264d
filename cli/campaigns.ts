/** `engage campaigns …`: validate, preview, plan (dry run on given customers) and the JSON Schema. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { openTable } from './table.js';
import { customerFacts, liveAudience } from '../shared/campaigns/live-audience.js';
import { Locale } from '../shared/platform/contracts/events.js';
import type { CustomerFacts } from '../shared/campaigns/audience.js';
import { formatIssue, validateCampaignDir } from '../shared/campaigns/load.js';
import { planCampaign, previewCampaign, type PolicyState } from '../shared/campaigns/plan.js';
import { campaignJsonSchema } from '../shared/campaigns/schema.js';
import { SAMPLE_FACTS } from '../shared/campaigns/templates.js';
import type { CompiledCampaign } from '../shared/campaigns/render.js';

const out = (s: string) => process.stdout.write(`${s}\n`);

async function loadOrReport(dir: string): Promise<CompiledCampaign[]> {
  const { campaigns, issues } = await validateCampaignDir(dir);
  if (issues.length) {
    for (const i of issues) process.stderr.write(`${formatIssue(i)}\n`);
    throw new Error(`${issues.length} problem(s) in ${dir}`);
  }
  return campaigns;
}

async function findCampaign(dir: string, id: string): Promise<CompiledCampaign> {
  const c = (await loadOrReport(dir)).find((x) => x.campaign.id === id);
  if (!c) throw new Error(`no campaign "${id}" in ${dir}`);
  return c;
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

export function registerCampaignCommands(program: Command): Command {
  const campaigns = program.commands.find((c) => c.name() === 'campaigns') ?? program.command('campaigns').description('campaign configuration');

  campaigns
    .command('validate')
    .description('validate every campaign file: schema, MJML, Liquid, required links (all errors, with lines)')
    .option('--dir <dir>', 'campaigns directory', 'campaigns')
    .action(async (o: { dir: string }) => {
      const loaded = await loadOrReport(o.dir);
      out(`${loaded.length} campaign(s) valid: ${loaded.map((c) => c.campaign.id).join(', ')}`);
    });

  campaigns
    .command('preview <id>')
    .description('render a campaign to HTML and text files for a browser, for a sample or given customer')
    .option('--dir <dir>', 'campaigns directory', 'campaigns')
    .option('--customer-json <file>', 'CustomerFacts JSON (fields override the built-in sample customer)')
    .option('--customer <id>', 'a stored customer (reads TABLE_NAME; AWS_ENDPOINT_URL_DYNAMODB for the local table)')
    .option('--locale <locale>', 'zh-CN or en (default: the customer locale)')
    .option('--out <dir>', 'output directory', 'out/preview')
    .action(async (id: string, o: { dir: string; customerJson?: string; customer?: string; locale?: string; out: string }) => {
      const c = await findCampaign(o.dir, id);
      const stored = o.customer ? await withTable((t) => customerFacts(t.stores.customers, o.customer!, new Date())) : null;
      if (o.customer && !stored) throw new Error(`no customer ${o.customer} with a profile in the table`);
      const facts: CustomerFacts = { ...SAMPLE_FACTS, ...(stored ?? {}), ...(o.customerJson ? (readJson(o.customerJson) as Partial<CustomerFacts>) : {}) };
      const locale = o.locale === undefined ? undefined : Locale.parse(o.locale);
      const mail = previewCampaign(c, facts, {}, locale);
      mkdirSync(o.out, { recursive: true });
      const base = join(o.out, `${id}.${mail.locale}`);
      writeFileSync(`${base}.html`, mail.html);
      writeFileSync(`${base}.txt`, `Subject: ${mail.subject}\nPreheader: ${mail.preheader}\n\n${mail.text}`);
      out(`subject:   ${mail.subject}\npreheader: ${mail.preheader}\nwrote ${base}.html and ${base}.txt`);
    });

  campaigns
    .command('plan <id>')
    .description('dry run over customers from a file: who would get the mail now, who is deferred or skipped and why')
    .requiredOption('--customers-json <file>', 'JSON array of CustomerFacts')
    .option('--state-json <file>', 'JSON object customerId → { history: [{at, kind}], entry? }')
    .option('--now <iso>', 'evaluate at this instant (default: now)')
    .option('--dir <dir>', 'campaigns directory', 'campaigns')
    .option('--json', 'print every row as JSON')
    .action(async (id: string, o: { customersJson: string; stateJson?: string; now?: string; dir: string; json?: boolean }) => {
      const c = await findCampaign(o.dir, id);
      const now = o.now ? new Date(o.now) : new Date();
      const state = (o.stateJson ? readJson(o.stateJson) : {}) as Record<string, PolicyState>;
      const plan = planCampaign(c.campaign, readJson(o.customersJson) as CustomerFacts[], state, now);
      if (o.json) out(JSON.stringify(plan.rows, null, 2));
      out(`send ${plan.counts.send}, defer ${plan.counts.defer}, skip ${JSON.stringify(plan.counts.skip)}`);
    });

  campaigns
    .command('dry-run [id]')
    .description('against the live table: who would get each campaign right now, and why the others are skipped or deferred')
    .option('--now <iso>', 'evaluate at this instant (default: now)')
    .option('--dir <dir>', 'campaigns directory', 'campaigns')
    .option('--json', 'print every row as JSON')
    .action(async (id: string | undefined, o: { now?: string; dir: string; json?: boolean }) => {
      const all = await loadOrReport(o.dir);
      const chosen = id ? [await findCampaign(o.dir, id)] : all;
      const now = o.now ? new Date(o.now) : new Date();
      const { facts, state } = await withTable((t) => liveAudience(t.stores, now));
      for (const c of chosen) {
        const plan = planCampaign(c.campaign, facts, state, now);
        if (o.json) out(JSON.stringify({ campaign: c.campaign.id, rows: plan.rows }, null, 2));
        out(`${c.campaign.id}: send ${plan.counts.send}, defer ${plan.counts.defer}, skip ${JSON.stringify(plan.counts.skip)}`);
      }
    });

  campaigns
    .command('schema')
    .description('write the JSON Schema of campaign files (for editors)')
    .option('--out <file>', 'output file', 'schemas/campaign.schema.json')
    .action((o: { out: string }) => {
      writeFileSync(o.out, campaignJsonSchemaText());
      out(`wrote ${o.out}`);
    });

  return campaigns;
}

export const campaignJsonSchemaText = (): string => `${JSON.stringify(campaignJsonSchema(), null, 2)}\n`;

async function withTable<T>(fn: (t: ReturnType<typeof openTable>) => Promise<T>): Promise<T> {
  const t = openTable();
  try {
    return await fn(t);
  } finally {
    t.close();
  }
}
