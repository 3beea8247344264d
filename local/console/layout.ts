/** The console's page frame: navigation, styles (the report's), and escaping helpers. */
import { escapeHtml } from '../../shared/links/pages.js';
import { REPORT_CSS } from '../../shared/reports/html.js';

export const esc = escapeHtml;

export const NAV = (active: string) =>
  `<nav aria-label="console">${[
    ['/', 'Dashboard'],
    ['/campaigns', 'Campaigns'],
    ['/customers', 'Customers'],
    ['/preview', 'Email preview'],
  ]
    .map(([href, label]) => `<a href="${href}"${href === active ? ' aria-current="page" style="text-decoration:underline"' : ''}>${label}</a>`)
    .join('')}<span style="color:#aaa;float:right">Engage console · read-only</span></nav>`;

export function layout(active: string, title: string, body: string, lang = 'en'): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)} · Engage</title><style>${REPORT_CSS}
form.inline{display:flex;gap:8px;flex-wrap:wrap;align-items:end}label{font-size:13px;color:#555}input,select{font:inherit;padding:6px 8px}
iframe{width:100%;height:900px;border:1px solid #ddd;border-radius:6px;background:#fff}.pill{display:inline-block;padding:1px 8px;border-radius:10px;background:#eee;font-size:12px}
.sent{background:#dfeed5}.skipped{background:#f4e3c2}.control{background:#dde8f0}.deferred{background:#ece2f3}.failed{background:#f3d2d0}</style></head><body>${NAV(active)}<main>${body}</main></body></html>`;
}

export const table = (head: string[], rows: string[][], attrs: (i: number) => string = () => ''): string =>
  `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r, i) => `<tr${attrs(i)}>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;

export const pill = (status: string) => `<span class="pill ${esc(status)}">${esc(status)}</span>`;
