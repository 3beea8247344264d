/**
 * Personalised email rendering with LiquidJS. Templates are parsed once at load, so a syntax
 * error is a config error, never a send-time surprise.
 */
import { Liquid, type Template } from 'liquidjs';
import type { Locale } from '../contracts/events.js';
import type { Campaign, EmailTemplate } from './schema.js';

const liquid = new Liquid({ strictFilters: true, ownPropertyOnly: true });
// HTML output escapes every variable, so a customer named "<script>" stays text.
const htmlLiquid = new Liquid({ strictFilters: true, ownPropertyOnly: true, outputEscape: 'escape' });

type Parsed = Record<keyof EmailTemplate, Template[] | undefined>;

export interface CompiledCampaign {
  campaign: Campaign;
  templates: Partial<Record<Locale, Parsed>>;
}

export function compileCampaign(campaign: Campaign): CompiledCampaign {
  const templates: Partial<Record<Locale, Parsed>> = {};
  for (const [locale, t] of Object.entries(campaign.templates) as [Locale, EmailTemplate][]) {
    const parse = (field: keyof EmailTemplate) => {
      const src = t[field];
      if (src === undefined) return undefined;
      try {
        // A parsed template keeps its engine's options, so HTML must be parsed by the escaping one.
        return (field === 'html' ? htmlLiquid : liquid).parse(src);
      } catch (e) {
        throw new Error(`templates.${locale}.${field}: ${(e as Error).message}`);
      }
    };
    templates[locale] = { subject: parse('subject'), preheader: parse('preheader'), html: parse('html'), text: parse('text') };
  }
  return { campaign, templates };
}

export const pickLocale = (c: CompiledCampaign, wanted: Locale): Locale => (c.templates[wanted] ? wanted : c.campaign.fallbackLocale);

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export function renderEmail(c: CompiledCampaign, locale: Locale, vars: Record<string, unknown>): RenderedEmail {
  const t = c.templates[locale];
  if (!t?.subject || !t.html || !t.text) throw new Error(`campaign ${c.campaign.id} has no ${locale} template`);
  const render = (tpl: Template[]) => liquid.renderSync(tpl, vars) as string;
  const preheader = t.preheader ? render(t.preheader) : '';
  // The preheader is the inbox preview line: first text in the body, hidden when opened.
  const hidden = preheader
    ? `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">${escapeHtml(preheader)}</div>`
    : '';
  const html = htmlLiquid.renderSync(t.html, vars) as string;
  return {
    subject: render(t.subject).trim(),
    html: hidden ? html.replace(/<body([^>]*)>/i, (m) => `${m}${hidden}`) : html,
    text: render(t.text),
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] ?? ch);

/** Localised date for the customer's locale and time zone. */
export function formatDay(day: string, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone }).format(new Date(`${day}T12:00:00Z`));
}
