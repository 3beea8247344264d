/**
 * The local web console: dashboard (the report with its Flows section), campaigns, customer lookup and email preview,
 * served read-only on 127.0.0.1 from the same stores and campaign files the functions use. No
 * login: it listens on loopback only (in AWS it would sit behind an authenticating front, see
 * README). Every request only reads; anything but GET/HEAD is refused.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { loadCampaignDir } from '../../shared/campaigns/load.js';
import { customerFacts } from '../../shared/campaigns/live-audience.js';
import { previewCampaign } from '../../shared/campaigns/plan.js';
import type { CompiledCampaign } from '../../shared/campaigns/render.js';
import { sampleFacts, type ShopInfo } from '../../shared/campaigns/templates.js';
import type { SendRecord } from '../../shared/campaigns/port.js';
import { lookupCustomer, type LookupDeps } from '../../shared/customers/lookup.js';
import type { CustomerStore } from '../../shared/customers/port.js';
import { Locale } from '../../shared/platform/contracts/events.js';
import type { KpiData, KpiSource } from '../../shared/reports/index.js';
import { parseLang, reportHtml } from '../../shared/reports/index.js';
import { readFlowReports, type FlowReport } from '../../shared/reports/flows.js';
import type { FlowStore } from '../../shared/flows/port.js';
import { campaignDetail, campaignsList } from './campaigns-page.js';
import { customerDetail, customerSearch } from './customer-page.js';
import { NAV, esc, layout } from './layout.js';
import { previewPage } from './preview-page.js';

export interface ConsoleStores extends LookupDeps {
  customers: Pick<CustomerStore, 'readCustomer'>;
  sends: LookupDeps['sends'] & { sendRecords(): AsyncIterable<SendRecord & { customerId: string }> };
  /** The dashboard's Flows section, as `engage report` reads it. */
  flows: Pick<FlowStore, 'counters' | 'clicks'>;
}

export interface ConsoleOptions {
  stores: ConsoleStores;
  kpis: KpiSource;
  campaignsDir: string;
  shop: ShopInfo;
  /** The dashboard's default language (?lang= overrides). */
  lang?: 'zh-CN' | 'en';
  port?: number;
  /** KPIs are recomputed at most this often (the scan is an operator-path read). */
  cacheMs?: number;
}

export interface ConsoleHandle {
  url: string;
  close(): Promise<void>;
}

type Page = { status: number; body: string; type?: string };

export async function startConsole(opts: ConsoleOptions): Promise<ConsoleHandle> {
  const { campaigns, flows } = await loadCampaignDir(opts.campaignsDir);
  let cached: { at: number; data: Promise<KpiData>; flows: Promise<FlowReport[]> } | undefined;
  const fresh = () => {
    if (!cached || Date.now() - cached.at > (opts.cacheMs ?? 30_000)) cached = { at: Date.now(), data: opts.kpis.readKpis({ now: new Date() }), flows: readFlowReports(flows, opts.stores.flows) };
    return cached;
  };
  const kpis = () => fresh().data;
  const sendsOf = async (campaignId: string) => {
    const out: Array<SendRecord & { customerId: string }> = [];
    for await (const s of opts.stores.sends.sendRecords()) if (s.campaignId === campaignId) out.push(s);
    return out;
  };

  async function route(url: URL): Promise<Page> {
    const path = decodeURIComponent(url.pathname);
    const q = (k: string) => url.searchParams.get(k) || undefined;
    // Browsers ask for it unprompted; there is none.
    if (path === '/favicon.ico') return { status: 204, body: '' };
    if (path === '/') {
      const lang = parseLang(q('lang') ?? opts.lang ?? 'en');
      return { status: 200, body: reportHtml(await kpis(), lang, { shopName: opts.shop.name, nav: NAV('/'), flows: await fresh().flows }) };
    }
    if (path === '/campaigns') return { status: 200, body: campaignsList(campaigns, (await kpis()).campaigns) };
    const cm = /^\/campaigns\/([a-z0-9-]+)$/.exec(path);
    if (cm) {
      const c = campaigns.find((x) => x.campaign.id === cm[1]);
      if (!c) return notFound(`No campaign "${cm[1]}".`);
      return { status: 200, body: campaignDetail(c, await sendsOf(c.campaign.id), (await kpis()).campaigns.find((k) => k.campaignId === c.campaign.id)) };
    }
    if (path === '/customers') {
      const id = q('id');
      if (id) return { status: 302, body: `/customers/${encodeURIComponent(id)}` };
      const recent = (await kpis()).campaigns.length ? await recentCustomers() : [];
      return { status: 200, body: customerSearch(undefined, recent) };
    }
    const cu = /^\/customers\/(.+)$/.exec(path);
    if (cu) {
      const view = await lookupCustomer(opts.stores, cu[1]!);
      if (!view.customer && !view.loyalty) return { status: 404, body: customerSearch(`No customer "${cu[1]}".`) };
      return { status: 200, body: customerDetail(cu[1]!, view, opts.shop) };
    }
    if (path === '/preview' || path === '/preview/mail') {
      const choice = { campaign: q('campaign') ?? campaigns[0]?.campaign.id, customer: q('customer'), locale: q('locale') };
      const r = await render(campaigns, choice);
      if (path === '/preview/mail') return r.mail ? { status: 200, body: r.mail.html } : { status: 404, body: esc(r.error ?? 'not found') };
      return { status: r.error ? 404 : 200, body: previewPage(campaigns, choice, r.mail, r.error) };
    }
    return notFound(`Nothing at ${path}.`);
  }

  async function recentCustomers(): Promise<string[]> {
    const ids: string[] = [];
    for await (const s of opts.stores.sends.sendRecords()) if (s.status === 'sent' && !ids.includes(s.customerId) && ids.push(s.customerId) >= 8) break;
    return ids;
  }

  async function render(all: CompiledCampaign[], choice: { campaign?: string; customer?: string; locale?: string }) {
    const c = all.find((x) => x.campaign.id === choice.campaign);
    if (!c) return { error: `No campaign "${choice.campaign ?? ''}".` };
    const now = new Date();
    const stored = choice.customer ? await customerFacts(opts.stores.customers, choice.customer, now) : null;
    if (choice.customer && !stored) return { error: `No customer "${choice.customer}" with a profile.` };
    const locale = choice.locale ? Locale.safeParse(choice.locale) : undefined;
    if (locale && !locale.success) return { error: `Unknown language "${choice.locale}".` };
    return { mail: previewCampaign(c, { ...sampleFacts(now), ...(stored ?? {}) }, { shop: opts.shop }, locale?.data, now) };
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, { status: 405, body: 'read-only console' });
      const page = await route(new URL(req.url ?? '/', 'http://127.0.0.1')).catch((e: Error): Page => ({ status: 500, body: layout('', 'Error', `<h1>Error</h1><pre>${esc(e.message)}</pre>`) }));
      send(res, page);
    })();
  });
  await new Promise<void>((ok) => server.listen(opts.port ?? 0, '127.0.0.1', ok));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('console did not bind');
  return {
    url: `http://127.0.0.1:${addr.port}/`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections(); // a browser's keep-alive connections would hold close() open
      }),
  };
}

const notFound = (message: string): Page => ({ status: 404, body: layout('', 'Not found', `<h1>Not found</h1><p>${esc(message)}</p>`) });

function send(res: ServerResponse, p: Page): void {
  if (p.status === 302) {
    res.writeHead(302, { location: p.body }).end();
    return;
  }
  res.writeHead(p.status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // Nothing leaves the machine: no script, no external resource; the preview frame is same-origin and sandboxed.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data: 'self'; frame-src 'self'; form-action 'self'",
  });
  res.end(p.body);
}
