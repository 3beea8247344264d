/**
 * Email rendering in two stages. At load: each locale's MJML is compiled to responsive HTML
 * (slow, async, once) and every part is parsed by LiquidJS, so syntax errors are config errors.
 * At send: the parsed templates are personalised (fast, sync) with the customer's variables.
 */
import { Liquid, type Template } from 'liquidjs';
import { compileMjml, type MjmlCompiler } from './mjml-compile.js';
import type { Locale } from '../platform/contracts/events.js';
import type { Campaign, EmailTemplate } from './schema.js';
import { lintLiquid } from './liquid-lint.js';

const options = { strictFilters: true, ownPropertyOnly: true } as const;
const liquid = new Liquid(options);
// HTML output escapes every variable, so a customer named "<script>" stays text. A parsed
// template keeps its engine's options, so HTML must be parsed by this engine.
const htmlLiquid = new Liquid({ ...options, outputEscape: 'escape' });

export interface ParsedTemplate {
  subject: Template[];
  preheader?: Template[];
  /** MJML already compiled; Liquid still inside. */
  html: Template[];
  text: Template[];
}

export interface CompiledCampaign {
  campaign: Campaign;
  templates: Partial<Record<Locale, ParsedTemplate>>;
  /** Set on a flow's send step: it sends when the flow reaches it, never on a trigger of its own. */
  flowStep?: { flowId: string; stepId: string };
}

export interface TemplateIssue {
  /** Path in the campaign file, e.g. ['templates', 'en', 'mjml']. */
  path: (string | number)[];
  message: string;
  /** 1-based line inside the field's text, when the engine reports one. */
  lineInField?: number;
}

/** `compiled` holds every locale that parsed, also when others failed (so they can still be checked). */
export type CompileResult = { ok: true; compiled: CompiledCampaign } | { ok: false; issues: TemplateIssue[]; compiled: CompiledCampaign };

// The preheader becomes the first (hidden) text of the body: the inbox preview line.
// (Always emitted: an empty hidden div costs nothing, a Liquid `if` per render does.)
const PREHEADER = '<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">{{ email.preheader }}</div>';

export { compileMjml } from './mjml-compile.js';

/**
 * Compiles every locale; collects every problem instead of stopping at the first. `mjml` is MJML
 * itself by default, or a bundle's build-time output (see mjml-compile.ts).
 */
export async function compileTemplates(campaign: Campaign, mjml: MjmlCompiler = compileMjml): Promise<CompileResult> {
  const issues: TemplateIssue[] = [];
  const templates: Partial<Record<Locale, ParsedTemplate>> = {};
  for (const [locale, t] of Object.entries(campaign.templates) as [Locale, EmailTemplate][]) {
    const parse = (field: keyof EmailTemplate, src: string, engine: Liquid, lint = true) => {
      try {
        const parsed = engine.parse(src);
        // What LiquidJS accepts leniently but nobody means (garbled output tags, empty filters).
        if (lint) for (const l of lintLiquid(src)) issues.push({ path: ['templates', locale, field], message: l.message, lineInField: l.line });
        return parsed;
      } catch (e) {
        const line = (e as { token?: { getPosition?: () => [number, number] } }).token?.getPosition?.()[0];
        issues.push({ path: ['templates', locale, field], message: `Liquid: ${(e as Error).message}`, ...(line ? { lineInField: line } : {}) });
        return undefined;
      }
    };
    // Liquid in the MJML source first: its error lines then match the campaign file. Every part
    // is checked even when one fails, so one run reports every problem.
    const mjmlOk = parse('mjml', t.mjml, htmlLiquid) !== undefined;
    const subject = parse('subject', t.subject, liquid);
    const preheader = t.preheader === undefined ? undefined : parse('preheader', t.preheader, liquid);
    const text = parse('text', t.text, liquid);
    if (!mjmlOk) continue;
    const { html, errors } = await mjml(t.mjml);
    for (const e of errors) issues.push({ path: ['templates', locale, 'mjml'], message: `MJML: ${e.message}`, lineInField: e.line });
    const withPreheader = html.replace(/<body[^>]*>/i, (m) => `${m}${PREHEADER}`);
    // The compiled HTML was linted as MJML source above; its CSS is not Liquid.
    const parsedHtml = parse('mjml', withPreheader, htmlLiquid, false);
    if (subject && parsedHtml && text) {
      templates[locale] = { subject, html: parsedHtml, text, ...(preheader ? { preheader } : {}) };
    }
  }
  return issues.length ? { ok: false, issues, compiled: { campaign, templates } } : { ok: true, compiled: { campaign, templates } };
}

export const pickLocale = (c: CompiledCampaign, wanted: Locale): Locale => (c.templates[wanted] ? wanted : c.campaign.fallbackLocale);

export interface RenderedEmail {
  subject: string;
  preheader: string;
  html: string;
  text: string;
}

export interface RenderOptions {
  /** Fail on undefined variables (validate and preview do; sending does not). */
  strict?: boolean;
}

/**
 * `vars` is the template context (see templates.ts for the full contract). The filters
 * `date_local` and `money` read `customer.timeZone`, `shop.timeZone` and `shop.currency` from it;
 * the language is the template's `locale`.
 */
export function renderEmail(c: CompiledCampaign, locale: Locale, vars: Record<string, unknown>, opts: RenderOptions = {}): RenderedEmail {
  const parts = renderEachPart(c, locale, vars, opts);
  for (const v of Object.values(parts)) if (v instanceof TemplateRenderError) throw v;
  return parts as RenderedEmail;
}

/** Every part rendered on its own, a failure kept per part: validation reports them all. */
export function renderEachPart(c: CompiledCampaign, locale: Locale, vars: Record<string, unknown>, opts: RenderOptions = {}): Record<keyof RenderedEmail, string | TemplateRenderError> {
  const t = c.templates[locale];
  if (!t) throw new Error(`campaign ${c.campaign.id} has no ${locale} template`);
  const ro = { strictVariables: opts.strict ?? false };
  const email = { locale, preheader: '' };
  const scope = { ...vars, email };
  const render = (field: keyof EmailTemplate, tpl: Template[], engine = liquid): string | TemplateRenderError => {
    try {
      return engine.renderSync(tpl, scope, ro) as string;
    } catch (e) {
      return new TemplateRenderError(c.campaign.id, locale, field, e);
    }
  };
  const trim = (v: string | TemplateRenderError) => (typeof v === 'string' ? v.trim() : v);
  const preheader = t.preheader ? trim(render('preheader', t.preheader)) : '';
  // The body shows the preheader as its hidden first line.
  email.preheader = typeof preheader === 'string' ? preheader : '';
  return { subject: trim(render('subject', t.subject)), preheader, html: render('mjml', t.html, htmlLiquid), text: render('text', t.text) };
}

/** The line of the MJML source at which a strict render fails (the source, not the compiled
 * HTML, so the line matches the campaign file). */
export function sourceLineOfFailure(mjmlSource: string, vars: Record<string, unknown>): number | undefined {
  try {
    htmlLiquid.parseAndRenderSync(mjmlSource, { ...vars, email: { locale: 'en', preheader: '' } }, { strictVariables: true });
    return undefined;
  } catch (e) {
    return Number(/line:(\d+)/.exec((e as Error).message)?.[1]) || undefined;
  }
}

/** Names the template part that failed, so validate can point at its line. */
export class TemplateRenderError extends Error {
  override name = 'TemplateRenderError';
  constructor(
    readonly campaignId: string,
    readonly locale: Locale,
    readonly field: keyof EmailTemplate,
    cause: unknown,
  ) {
    super(`${campaignId} templates.${locale}.${field}: ${(cause as Error).message}`, { cause });
  }
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
const moneyFormats = new Map<string, Intl.NumberFormat>();

/** A YYYY-MM-DD day is a calendar day (no zone shift); an instant is shown in `timeZone`. */
export function formatLocalDate(value: string | Date, locale: string, timeZone: string, style: 'long' | 'medium' | 'short' | 'full' = 'long'): string {
  const isDay = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = isDay ? new Date(`${value}T12:00:00Z`) : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const zone = isDay ? 'UTC' : timeZone;
  const key = `${locale}|${zone}|${style}`;
  let f = dateFormats.get(key);
  if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(locale, { dateStyle: style, timeZone: zone })));
  return f.format(date);
}

export function formatMoney(amount: number, locale: string, currency: string): string {
  const key = `${locale}|${currency}`;
  let f = moneyFormats.get(key);
  if (!f) moneyFormats.set(key, (f = new Intl.NumberFormat(locale, { style: 'currency', currency })));
  return f.format(amount);
}


type FilterThis = { context: { getSync(path: PropertyKey[]): unknown } };
const lookup = (self: FilterThis, path: string[]): string | undefined => {
  try {
    const v = self.context.getSync(path);
    return typeof v === 'string' && v ? v : undefined;
  } catch {
    return undefined; // strict mode throws on a missing variable; a filter default is fine here
  }
};

for (const engine of [liquid, htmlLiquid]) {
  engine.registerFilter('date_local', function (this: FilterThis, value: unknown, style?: string) {
    const locale = lookup(this, ['email', 'locale']) ?? 'en';
    const tz = lookup(this, ['customer', 'timeZone']) ?? lookup(this, ['shop', 'timeZone']) ?? 'UTC';
    const s = style === 'short' || style === 'medium' || style === 'full' ? style : 'long';
    return formatLocalDate(value as string, locale, tz, s);
  });
  engine.registerFilter('money', function (this: FilterThis, value: unknown, currency?: string) {
    const locale = lookup(this, ['email', 'locale']) ?? 'en';
    const cur = currency ?? lookup(this, ['shop', 'currency']) ?? 'USD';
    return formatMoney(Number(value), locale, cur);
  });
}
