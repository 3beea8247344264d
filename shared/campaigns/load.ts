/**
 * Reads and validates campaign files. Every problem is reported with file, line and path; one
 * broken file fails the whole load, so a half-valid configuration never goes live.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Campaign } from './schema.js';
import { compileTemplates, type CompiledCampaign } from './render.js';
import { compileMjml, mjmlCompilerFor, type MjmlCompiler } from './mjml-compile.js';
import { checkTemplates } from './templates.js';
import { locate, parseLocated } from './yaml-lines.js';

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

export type SourceResult = { ok: true; compiled: CompiledCampaign } | { ok: false; issues: CampaignIssue[] };

export interface LoadOptions {
  /** false: the campaign definitions only, templates neither compiled nor parsed (for jobs that never render). @default true */
  templates?: boolean;
  /** @default MJML itself, or the build-time output a bundle carries (mjml-compile.ts) */
  mjml?: MjmlCompiler;
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
  const parsed = Campaign.safeParse(located.doc.toJS());
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.flatMap((i) => schemaIssues(i).map((x) => at(x.path, x.message))) };
  const issues: CampaignIssue[] = [];
  const stem = basename(file).replace(/\.ya?ml$/, '');
  if (parsed.data.id !== stem) issues.push(at(['id'], `must match the file name "${stem}" (one file per campaign)`));
  if (opts.templates === false) return issues.length ? { ok: false, issues } : { ok: true, compiled: { campaign: parsed.data, templates: {} } };
  const compiled = await compileTemplates(parsed.data, opts.mjml ?? compileMjml);
  if (!compiled.ok) issues.push(...compiled.issues.map((i) => at(i.path, i.message, i.lineInField)));
  // The locales that compiled are rendered too, so one run names every problem of the file.
  issues.push(...checkTemplates(compiled.compiled).map((i) => at(i.path, i.message, i.lineInField)));
  return issues.length ? { ok: false, issues: dedupe(issues) } : { ok: true, compiled: compiled.compiled };
}

/** An unknown key is reported at the key itself (zod names only the object holding it). */
function schemaIssues(i: { code: string; path: PropertyKey[]; message: string; keys?: string[] }): Array<{ path: PropertyKey[]; message: string }> {
  if (i.code === 'unrecognized_keys' && i.keys?.length) return i.keys.map((k) => ({ path: [...i.path, k], message: `unknown key "${k}"` }));
  return [{ path: i.path, message: i.message }];
}

const dedupe = (issues: CampaignIssue[]) => [...new Map(issues.map((i) => [formatIssue(i), i])).values()];

export async function validateCampaignDir(dir: string, opts: LoadOptions = {}): Promise<{ campaigns: CompiledCampaign[]; issues: CampaignIssue[] }> {
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const issues: CampaignIssue[] = [];
  const campaigns: CompiledCampaign[] = [];
  const withMjml = opts.templates === false || opts.mjml ? opts : { ...opts, mjml: mjmlCompilerFor(dir) };
  for (const file of files) {
    const r = await validateCampaignSource(file, readFileSync(join(dir, file), 'utf8'), withMjml);
    if (r.ok) campaigns.push(r.compiled);
    else issues.push(...r.issues);
  }
  const seen = new Set<string>();
  for (const c of campaigns) {
    if (seen.has(c.campaign.id)) issues.push({ file: dir, path: 'id', message: `duplicate campaign id "${c.campaign.id}"` });
    seen.add(c.campaign.id);
  }
  return { campaigns, issues };
}

/**
 * All campaigns or a CampaignConfigError listing every issue. MJML compiles here, once (or its
 * build-time output is read); with `templates: false` only the definitions are checked.
 */
export async function loadCampaigns(dir: string, opts: LoadOptions = {}): Promise<CompiledCampaign[]> {
  const { campaigns, issues } = await validateCampaignDir(dir, opts);
  if (issues.length) throw new CampaignConfigError(dir, issues);
  return campaigns;
}
