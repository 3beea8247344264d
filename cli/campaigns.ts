/** `engage campaigns …`: validate, preview, plan (dry run on given customers) and the JSON Schema. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { withLocalOption, withTable } from './table.js';
import { configuredShop } from './shop.js';
import { customerFacts, liveAudience } from '../shared/campaigns/live-audience.js';
import { Locale } from '../shared/platform/contracts/events.js';
import type { CustomerFacts } from '../shared/campaigns/audience.js';
import { formatIssue, validateCampaignDir } from '../shared/campaigns/load.js';
import { formatPlan, planCampaign, previewCampaign, type PolicyState } from '../shared/campaigns/plan.js';
import { campaignFileJsonSchema } from '../shared/flows/schema.js';
import { SAMPLE_SHOP, sampleFacts } from '../shared/campaigns/templates.js';
import type { CompiledCampaign } from '../shared/campaigns/render.js';
import type { Flow } from '../shared/flows/schema.js';
import { flowPath } from '../shared/flows/path.js';
import type { CustomerView } from '../shared/customers/view.js';
import { defaultLoyaltyConfig, loadLoyaltyConfig } from '../shared/loyalty/config.js';

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

/** A flow's steps on one line: "wait 1h → send reminder → wait-for order-placed (23h) ? end : vip …". */
function describeSteps(flow: Flow): string {
  const d = (x: { days?: number; hours?: number; minutes?: number } | undefined) => (x ? [x.days && `${x.days}d`, x.hours && `${x.hours}h`, x.minutes && `${x.minutes}m`].filter(Boolean).join('') : '');
  return flow.steps
    .map((s) => {
      switch (s.type) {
        case 'send': return `send ${s.id}${s.coupon ? ' (coupon)' : ''}${s.survey ? ' (survey)' : ''}`;
        case 'wait': return `wait ${[d(s.for), s.until ? `until ${s.until.time}${s.until.weekdays ? ` ${s.until.weekdays.join('/')}` : ''}` : ''].filter(Boolean).join(' ')}`;
        case 'wait-for': return `wait-for ${s.event.type}${'level' in s.event ? ` ${s.event.level}` : ''} (${d(s.timeout)}) ? ${s.onEvent} : ${s.onTimeout}`;
        case 'split': return `split ${s.id} ? ${s.then} : ${s.else}`;
        case 'ab-split': return `ab ${s.id} [${s.variants.map((v) => `${v.id}→${v.next}`).join(', ')}]`;
      }
    })
    .join(' → ');
}

/** The sample customer (templates.ts SAMPLE_FACTS) as the read model a flow decides on. */
function sampleCustomerView(now: Date): CustomerView {
  const f = sampleFacts(now);
  return {
    customerId: f.customerId,
    summary: { orders: f.orders, purchaseDays: f.orders, lastDay: f.lastOrderDay!, spend: 0, firstDaySpend: 0 },
    profile: { email: 'sample@example.com', name: f.name ?? '', locale: f.locale, timeZone: f.timeZone ?? 'UTC', marketingConsent: f.consent, updatedAt: now.toISOString(), tags: f.tags },
    ...(f.tier ? { tier: f.tier } : {}),
  };
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

export function registerCampaignCommands(program: Command): Command {
  const campaigns = program.commands.find((c) => c.name() === 'campaigns') ?? program.command('campaigns').description('campaign configuration');

  campaigns
    .command('validate')
    .description('validate every campaign file: schema, MJML, Liquid, required links (all errors, with lines)')
    .option('--dir <dir>', 'campaigns directory', 'campaigns')
    .option('--loyalty <file>', 'the loyalty programme the campaigns run with (default: ./loyalty.yaml, else the built-in one)')
    .action(async (o: { dir: string; loyalty?: string }) => {
      const loyalty = o.loyalty ? loadLoyaltyConfig(o.loyalty) : existsSync('loyalty.yaml') ? loadLoyaltyConfig('loyalty.yaml') : defaultLoyaltyConfig;
      const { flows, issues } = await validateCampaignDir(o.dir, { loyalty });
      if (issues.length) {
        for (const i of issues) process.stderr.write(`${formatIssue(i)}\n`);
        throw new Error(`${issues.length} problem(s) in ${o.dir}`);
      }
      const single = flows.filter((f) => f.single);
      const multi = flows.filter((f) => !f.single);
      out(`${single.length} campaign(s) valid: ${single.map((f) => f.flow.id).join(', ')}`);
      // A flow's path as validate checked it (steps, waits, branches): what a marketer wrote, read back.
      if (multi.length) out(`${multi.length} flow(s) valid:\n${multi.map((f) => `  ${f.flow.id}: ${describeSteps(f.flow)}`).join('\n')}`);
    });

  withLocalOption(
    campaigns
      .command('path <flow>')
      .description('the steps a customer would take through a flow if it started now and nothing happened meanwhile, and why')
      .option('--dir <dir>', 'campaigns directory', 'campaigns')
      .option('--customer <id>', 'a stored customer (reads TABLE_NAME, or the demo with --local)')
      .option('--json', 'machine-readable output'),
  ).action(async (id: string, o: { dir: string; customer?: string; json?: boolean; local?: boolean }) => {
    const { flows, issues } = await validateCampaignDir(o.dir, { templates: false });
    if (issues.length) throw new Error(`${issues.length} problem(s) in ${o.dir}: run campaigns validate`);
    const f = flows.find((x) => x.flow.id === id);
    if (!f) throw new Error(`no flow or campaign "${id}" in ${o.dir}`);
    const now = new Date();
    const customer = o.customer ? await withTable(o, (t) => t.stores.customers.readCustomer(o.customer!)) : sampleCustomerView(now);
    if (!customer) throw new Error(`no customer ${o.customer} in the table`);
    const path = flowPath(f.flow, customer, now, { shopTimeZone: SAMPLE_SHOP.timeZone });
    if (o.json) return void out(JSON.stringify(path, null, 2));
    // Times in the customer's own zone: waits "until 10:00" and quiet hours are theirs.
    const zone = customer.profile?.timeZone ?? 'UTC';
    const local = (iso: string) => new Date(iso).toLocaleString('sv-SE', { timeZone: zone, hour12: false }).slice(0, 16);
    out(`${f.flow.id} for ${customer.customerId}, starting ${local(now.toISOString())} (times in ${zone}):`);
    for (const p of path) out(`  ${local(p.at)}  ${p.step.padEnd(16)} ${p.what.replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/g, local)}`);
  });

  withLocalOption(
    campaigns
      .command('preview <id>')
      .description('render a campaign to HTML and text files for a browser, for a sample or given customer, with the configured shop')
      .option('--dir <dir>', 'campaigns directory', 'campaigns')
      .option('--customer-json <file>', 'CustomerFacts JSON (fields override the built-in sample customer)')
      .option('--customer <id>', 'a stored customer (reads TABLE_NAME, or the demo with --local)')
      .option('--locale <locale>', 'zh-CN or en (default: the customer locale)')
      .option('--out <dir>', 'output directory', 'out/preview'),
  ).action(async (id: string, o: { dir: string; customerJson?: string; customer?: string; locale?: string; out: string; local?: boolean }) => {
    const c = await findCampaign(o.dir, id);
    const now = new Date();
    const stored = o.customer ? await withTable(o, (t) => customerFacts(t.stores.customers, o.customer!, now)) : null;
    if (o.customer && !stored) throw new Error(`no customer ${o.customer} with a profile in the table`);
    const facts: CustomerFacts = { ...sampleFacts(now), ...(stored ?? {}), ...(o.customerJson ? (readJson(o.customerJson) as Partial<CustomerFacts>) : {}) };
    const locale = o.locale === undefined ? undefined : Locale.parse(o.locale);
    const mail = previewCampaign(c, facts, { shop: configuredShop().info }, locale, now);
    mkdirSync(o.out, { recursive: true });
    const base = join(o.out, `${id}.${mail.locale}`);
    writeFileSync(`${base}.html`, mail.html);
    writeFileSync(`${base}.txt`, `Subject: ${mail.subject}\nPreheader: ${mail.preheader}\n\n${mail.text}`);
    out(`subject:   ${mail.subject}\npreheader: ${mail.preheader}\nwrote ${base}.html and ${base}.txt`);
  });

  campaigns
    .command('plan <id>')
    .description('dry run over customers from a file: who the trigger fires for now, who would get the mail, who is deferred or skipped and why')
    .requiredOption('--customers-json <file>', 'JSON array of CustomerFacts')
    .option('--state-json <file>', 'JSON object customerId → { history: [{at, kind}], entry?, decided?: { <campaign>: [occurrence] } }')
    .option('--now <iso>', 'evaluate at this instant (default: now)')
    .option('--dir <dir>', 'campaigns directory', 'campaigns')
    .option('--json', 'print only JSON on stdout: the plan with its counts and every row')
    .action(async (id: string, o: { customersJson: string; stateJson?: string; now?: string; dir: string; json?: boolean }) => {
      const c = await findCampaign(o.dir, id);
      const now = o.now ? new Date(o.now) : new Date();
      const state = (o.stateJson ? readJson(o.stateJson) : {}) as Record<string, PolicyState>;
      const plan = planCampaign(c.campaign, readJson(o.customersJson) as CustomerFacts[], state, now, configuredShop().policy);
      out(o.json ? JSON.stringify({ now: now.toISOString(), ...plan }, null, 2) : formatPlan(plan));
    });

  withLocalOption(
    campaigns
      .command('dry-run [id]')
      .description('against the live table: who each campaign\'s trigger fires for right now, who would get it, and why the others are skipped or deferred')
      .option('--now <iso>', 'evaluate at this instant (default: now)')
      .option('--dir <dir>', 'campaigns directory', 'campaigns')
      .option('--json', 'print only JSON on stdout: { now, campaigns: [plan with counts and rows] }'),
  ).action(async (id: string | undefined, o: { now?: string; dir: string; json?: boolean; local?: boolean }) => {
    const chosen = id ? [await findCampaign(o.dir, id)] : await loadOrReport(o.dir);
    const now = o.now ? new Date(o.now) : new Date();
    const { facts, state } = await withTable(o, (t) => liveAudience(t.stores, now));
    const plans = chosen.map((c) => planCampaign(c.campaign, facts, state, now, configuredShop().policy));
    out(o.json ? JSON.stringify({ now: now.toISOString(), customers: facts.length, campaigns: plans }, null, 2) : plans.map(formatPlan).join('\n'));
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

export const campaignJsonSchemaText = (): string => `${JSON.stringify(campaignFileJsonSchema(), null, 2)}\n`;

