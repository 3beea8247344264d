/**
 * Reads and validates campaign files. Every problem is reported with file, line and path; one
 * broken file fails the whole load, so a half-valid configuration never goes live.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Campaign } from './schema.js';
import { compileTemplates, type CompiledCampaign, type TemplateIssue } from './render.js';
import { Flow, isFlowDocument } from '../flows/schema.js';
import { checkGraph } from '../flows/graph.js';
import { singleStepFlow, stepCampaign, type CompiledFlow } from '../flows/compile.js';
import { compileMjml, mjmlCompilerFor, type MjmlCompiler } from './mjml-compile.js';
import { checkTemplates } from './templates.js';
import { locate, parseLocated } from './yaml-lines.js';
import type { LoyaltyConfig } from '../loyalty/config.js';

export interface CampaignIssue {
  file: string;
  line?: number;
  col?: number;
  /** Dotted path in the file, e.g. "templates.en.mjml"; "(root)" for the whole file. */
  path: string;
  message: string;
}

export const formatIssue = (i: CampaignIssue): string =>
  `${i.file}${i.line ? `:${i.line}${i.col ? `:${i.col}` : ''}` : ''} ${i.path}: ${i.message}`;

export class CampaignConfigError extends Error {
  override name = 'CampaignConfigError';
  constructor(
    readonly dir: string,
    readonly issues: CampaignIssue[],
  ) {
    super(`Invalid campaigns in ${dir}:\n  ${issues.map(formatIssue).join('\n  ')}`);
  }
}

/** A file holds a campaign or a flow; either way the send engine gets campaigns (a flow's send
 * steps) and the flow engine one flow (a campaign is a one-step flow). */
export type SourceResult = { ok: true; compiled: CompiledCampaign[]; flow: CompiledFlow } | { ok: false; issues: CampaignIssue[] };

export interface LoadOptions {
  /** false: the campaign definitions only, templates neither compiled nor parsed (for jobs that never render). @default true */
  templates?: boolean;
  /** @default MJML itself, or the build-time output a bundle carries (mjml-compile.ts) */
  mjml?: MjmlCompiler;
  /** The loyalty programme the campaigns run with: birthday notices must match its days. */
  loyalty?: LoyaltyConfig;
}

export async function validateCampaignSource(file: string, source: string, opts: LoadOptions = {}): Promise<SourceResult> {
  const located = parseLocated(source);
  const at = (path: readonly PropertyKey[], message: string, lineInField?: number): CampaignIssue => {
    const pos = locate(located, path);
    const line = lineInField && pos?.valueLine ? pos.valueLine + lineInField - 1 : pos?.line;
    return { file, ...(line ? { line } : {}), ...(pos && !lineInField ? { col: pos.col } : {}), path: path.join('.') || '(root)', message };
  };
  if (located.doc.errors.length) {
    const issues = located.doc.errors.map((e) => ({ file, ...located.lineCounter.linePos(e.pos[0]), path: '(root)', message: `YAML: ${e.message.split('\n')[0]}` }));
    return { ok: false, issues };
  }
  const doc = located.doc.toJS() as unknown;
  const stem = basename(file).replace(/\.ya?ml$/, '');
  const isFlow = isFlowDocument(doc);
  const parsed = (isFlow ? Flow : Campaign).safeParse(doc);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.flatMap((i) => schemaIssues(i).map((x) => at(x.path, x.message))) };
  const issues: CampaignIssue[] = [];
  if (parsed.data.id !== stem) issues.push(at(['id'], `must match the file name "${stem}" (one file per campaign)`));
  const parts: Array<{ campaign: Campaign; prefix: (string | number)[]; stepId?: string }> = [];
  if (isFlow) {
    const flow = parsed.data as Flow;
    issues.push(...checkGraph(flow).map((g) => at(g.path, g.message)));
    flow.steps.forEach((step, i) => {
      if (step.type === 'send') parts.push({ campaign: stepCampaign(flow, step), prefix: ['steps', i], stepId: step.id });
    });
  } else parts.push({ campaign: parsed.data as Campaign, prefix: [] });
  const compiled: CompiledCampaign[] = [];
  const skipTemplates = opts.templates === false;
  for (const p of parts) {
    const mark = p.stepId ? { flowStep: { flowId: parsed.data.id, stepId: p.stepId } } : {};
    if (skipTemplates) {
      compiled.push({ campaign: p.campaign, templates: {}, ...mark });
      continue;
    }
    const c = await compileTemplates(p.campaign, opts.mjml ?? compileMjml);
    const where = (i: TemplateIssue) => at([...p.prefix, ...i.path], i.message, i.lineInField);
    if (!c.ok) issues.push(...c.issues.map(where));
    // The locales that compiled are rendered too, so one run names every problem of the file.
    issues.push(...checkTemplates(c.compiled).map(where));
    compiled.push({ ...c.compiled, ...mark });
  }
  if (issues.length) return { ok: false, issues: dedupe(issues) };
  const flow: CompiledFlow = isFlow
    ? { flow: parsed.data as Flow, sends: new Map(compiled.map((c) => [c.flowStep!.stepId, c])), single: false }
    : singleStepFlow(compiled[0]!);
  return { ok: true, compiled, flow };
}

/** An unknown key is reported at the key itself (zod names only the object holding it). */
function schemaIssues(i: { code: string; path: PropertyKey[]; message: string; keys?: string[] }): Array<{ path: PropertyKey[]; message: string }> {
  if (i.code === 'unrecognized_keys' && i.keys?.length) return i.keys.map((k) => ({ path: [...i.path, k], message: `unknown key "${k}"` }));
  return [{ path: i.path, message: i.message }];
}

const dedupe = (issues: CampaignIssue[]) => [...new Map(issues.map((i) => [formatIssue(i), i])).values()];

export interface CampaignDir {
  /** Single-shot campaigns and every flow's send steps (those carry `flowStep`). */
  campaigns: CompiledCampaign[];
  /** Every file as a flow (a single-shot campaign is a one-step flow). */
  flows: CompiledFlow[];
}

export async function validateCampaignDir(dir: string, opts: LoadOptions = {}): Promise<CampaignDir & { issues: CampaignIssue[] }> {
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const issues: CampaignIssue[] = [];
  const campaigns: CompiledCampaign[] = [];
  const flows: CompiledFlow[] = [];
  const withMjml = opts.templates === false || opts.mjml ? opts : { ...opts, mjml: mjmlCompilerFor(dir) };
  for (const file of files) {
    const r = await validateCampaignSource(file, readFileSync(join(dir, file), 'utf8'), withMjml);
    if (r.ok) {
      campaigns.push(...r.compiled);
      flows.push(r.flow);
    } else issues.push(...r.issues);
  }
  // A step's campaign id (flow--step) must not collide with a campaign's either.
  const seen = new Set<string>();
  for (const c of campaigns) {
    if (seen.has(c.campaign.id)) issues.push({ file: dir, path: 'id', message: `duplicate campaign id "${c.campaign.id}"` });
    seen.add(c.campaign.id);
  }
  if (opts.loyalty) issues.push(...loyaltyMismatches(flows, opts.loyalty));
  return { campaigns, flows, issues };
}

/** A birthday trigger `daysBefore` ahead fires only on the loyalty sweep's notice, which comes
 * `birthday.noticeDays` ahead: any other number would never fire. */
export function loyaltyMismatches(flows: readonly CompiledFlow[], loyalty: LoyaltyConfig): CampaignIssue[] {
  const notice = loyalty.birthday?.noticeDays ?? 0;
  return flows.flatMap(({ flow }) => {
    const t = flow.trigger;
    if (t.type !== 'birthday' || t.daysBefore === 0 || t.daysBefore === notice) return [];
    const why = notice ? `the loyalty programme announces birthdays ${notice} days ahead (loyalty.yaml birthday.noticeDays)` : 'the loyalty programme announces no birthdays ahead (loyalty.yaml birthday.noticeDays is 0 or there is no birthday reward)';
    return [{ file: `${flow.id}.yaml`, path: 'trigger.daysBefore', message: `${t.daysBefore} would never fire: ${why}` }];
  });
}

/**
 * All campaigns or a CampaignConfigError listing every issue. MJML compiles here, once (or its
 * build-time output is read); with `templates: false` only the definitions are checked.
 */
export async function loadCampaigns(dir: string, opts: LoadOptions = {}): Promise<CompiledCampaign[]> {
  return (await loadCampaignDir(dir, opts)).campaigns;
}

/** Campaigns and flows, or a CampaignConfigError listing every issue. */
export async function loadCampaignDir(dir: string, opts: LoadOptions = {}): Promise<CampaignDir> {
  const { campaigns, flows, issues } = await validateCampaignDir(dir, opts);
  if (issues.length) throw new CampaignConfigError(dir, issues);
  return { campaigns, flows };
}

