/** Email preview: any campaign for any stored customer (or the sample one), in a sandboxed frame. */
import type { CompiledCampaign } from '../../shared/campaigns/render.js';
import type { RenderedEmail } from '../../shared/campaigns/render.js';
import { esc, layout } from './layout.js';

export interface PreviewChoice {
  campaign?: string;
  customer?: string;
  locale?: string;
}

export function previewPage(campaigns: CompiledCampaign[], q: PreviewChoice, mail?: RenderedEmail & { locale: string }, error?: string): string {
  const options = campaigns.map(({ campaign: c }) => `<option value="${esc(c.id)}"${c.id === q.campaign ? ' selected' : ''}>${esc(c.id)}</option>`).join('');
  const locales = ['', 'zh-CN', 'en'].map((l) => `<option value="${l}"${l === (q.locale ?? '') ? ' selected' : ''}>${l || "customer's"}</option>`).join('');
  const form = `<form class="inline" method="get" action="/preview"><label>Campaign<br><select name="campaign">${options}</select></label><label>Customer id (empty: the sample customer)<br><input name="customer" value="${esc(q.customer ?? '')}"></label><label>Language<br><select name="locale">${locales}</select></label><button type="submit">Preview</button></form>`;
  const params = new URLSearchParams(Object.entries(q).filter(([, v]) => v) as [string, string][]);
  const shown = mail
    ? `<section id="mail"><p><b>Subject:</b> <span id="subject" lang="${esc(mail.locale)}">${esc(mail.subject)}</span><br><b>Preheader:</b> <span lang="${esc(mail.locale)}">${esc(mail.preheader)}</span></p><iframe title="email" sandbox src="/preview/mail?${esc(params.toString())}"></iframe><details><summary>Text part</summary><pre lang="${esc(mail.locale)}" style="white-space:pre-wrap">${esc(mail.text)}</pre></details></section>`
    : '';
  return layout('/preview', 'Email preview', `<h1>Email preview</h1><section>${form}${error ? `<p id="error" style="color:#c0504d">${esc(error)}</p>` : ''}</section>${shown}`);
}
