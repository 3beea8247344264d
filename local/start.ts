/**
 * `npm start`: the whole system on this machine. Starts DynamoDB Local and the SES v2 emulator,
 * generates a demo shop, brings its history in through `engage import` and its last days as live
 * events through the real EventBridge adapter and the handlers, runs the weekly refit and the
 * daily sweep as the scheduler would, and shows the mail that went out.
 */
// The SDK's own, documented switch for its "Node >= 22 after January 2027" notice: nothing else is silenced.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { runClockFrom, systemClock } from '../shared/platform/ports.js';
import { loadCampaignDir } from '../shared/campaigns/load.js';
import { fastForwardFlows, flowSummaries } from './flows-demo.js';
import { demoInstant } from './demo-clock.js';
import { startEmulators, fetchSentMail, fetchAllEml } from './emulators.js';

/** Send-lane invocations at once on the one local event loop (see LocalBus's laneConcurrency). */
const LOCAL_LANE_CONCURRENCY = 4;

const program = new Command('engage-local')
  .description('Run Engage locally on embedded emulators with a demo shop')
  .option('--once', 'run the demo to the end, then stop everything and exit')
  .option('--out <dir>', 'write summary.json and every sent email as mail/<message-id>.eml')
  .option('--customers <n>', 'demo shop size', (v) => Number.parseInt(v, 10), 2000)
  .option('--seed <n>', 'demo shop random seed', (v) => Number.parseInt(v, 10), 42)
  .option('--now <instant>', 'run the demo at this instant (default: the latest 10:00 Shanghai time that has passed); same seed and instant, same outcome')
  .option('--lang <lang>', 'language of the report and the console dashboard (zh-CN or en)', 'en')
  .parse();
const opts = program.opts<{ once?: boolean; out?: string; customers: number; seed: number; now?: string; lang: string }>();
const now = opts.now ? new Date(opts.now) : demoInstant(new Date());
if (Number.isNaN(now.getTime())) program.error(`--now must be an ISO instant, got ${JSON.stringify(opts.now)}`);

const say = (msg: string) => process.stdout.write(`${msg}\n`);
// Without a terminal (a CI log, a pipe) the bars print a line every 10 s instead of nothing: a
// 100,000-customer run is otherwise silent for minutes.
const NOT_TTY = { noTTYOutput: true, notTTYSchedule: 10_000 };
// cli-progress prints an ETA it cannot estimate ('INF', 'NULL': work still arriving) as "NFs".
const etaOf = (t: unknown): string => (typeof t !== 'number' ? '…' : t >= 3600 ? `${Math.floor(t / 3600)}h${String(Math.round((t % 3600) / 60)).padStart(2, '0')}m` : t >= 60 ? `${Math.floor(t / 60)}m${String(Math.round(t % 60)).padStart(2, '0')}s` : `${Math.round(t)}s`);
const bar = (label: string) => new SingleBar({ format: `  ${label.padEnd(9)} [{bar}] {value}/{total} {eta_formatted}`, formatTime: etaOf, hideCursor: true, stream: process.stdout, ...NOT_TTY }, Presets.shades_classic);
const seconds: Record<string, number> = {};
async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    seconds[name] = (performance.now() - t0) / 1000;
  }
}

const started = performance.now();
const startedAt = new Date().toISOString();
const starting = step('emulators', () => startEmulators()).catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
// The rest of the system loads (seconds of module loading: the handlers, the CDK definitions of
// the bulk runs, the console) while DynamoDB Local's JVM boots.
const [
  { simulateEngagement }, { generateDemoShop }, { importWithLive, splitAt, whileBusy, LIVE_DAYS }, { repoRoot, startLocalSystem }, { reportTable },
  { formatSummary, summaryOf }, { startLocalConsole }, { writeLocalEndpoints }, { headlineKpis, writeLocalReport }, { parseLang }, { describeModel },
] = await Promise.all([
  import('./engagement-sim.js'), import('./demo-shop.js'), import('./demo.js'), import('./system.js'), import('./report.js'),
  import('./summary.js'), import('./console/index.js'), import('./endpoints.js'), import('./report-html.js'), import('../shared/reports/index.js'), import('../shared/churn/model.js'),
]);
const emulators = await starting;
say(`DynamoDB Local  ${emulators.dynamodbEndpoint}`);
say(`SES v2          ${emulators.sesEndpoint}`);
say(`Mail viewer     ${emulators.sesViewerUrl}   ← every email appears here as it is sent`);
let exitCode = 0;
try {
  const sys = await startLocalSystem(emulators, { laneConcurrency: LOCAL_LANE_CONCURRENCY });
  say(`Table           ${sys.tableName}`);
  say(`Shopper links   ${sys.linksUrl}`);
  say(`Shop webhooks   ${sys.webhooksUrl}/webhooks/shopify · /webhooks/woocommerce (secrets in ${sys.settings.webhookSecretsFile})`);
  const ui = await startLocalConsole(sys, { lang: parseLang(opts.lang) });
  say(`Console         ${ui.url}   (dashboard, campaigns, customers, email previews)`);
  // `engage … --local` finds this run through it.
  const endpointsFile = writeLocalEndpoints({
    region: 'us-east-1', dynamodbEndpoint: emulators.dynamodbEndpoint, sesEndpoint: emulators.sesEndpoint, tableName: sys.tableName,
    viewerUrl: emulators.sesViewerUrl, consoleUrl: ui.url, linksUrl: sys.linksUrl,
  });
  say(`Endpoints file  ${endpointsFile}   (engage <command> --local)`);
  runClockFrom(now);

  const shop = generateDemoShop({ customers: opts.customers, seed: opts.seed, now });
  const { history, live } = splitAt(shop.events, now);
  say(`\nDemo shop (seed ${opts.seed}) at ${now.toISOString()}: ${shop.customers.length.toLocaleString('en-US')} customers, ${shop.events.length.toLocaleString('en-US')} events over 18 months`);

  // Its module and MJML templates load in 1–2 s of node CPU: overlapped with the import (DynamoDB
  // Local's), not in front of the first mail. A failure surfaces where the bus awaits it.
  void sys.handlerOf('campaign-dispatch').catch(() => undefined);
  // The live customers' history, then their live days through the bus, then the rest of the history.
  const liveIds = new Set(live.map((e) => e.detail.customerId));
  // The bar below counts the customers with a history among them; new ones arrive with the live days.
  const withHistory = new Set(history.flatMap((e) => (liveIds.has(e.detail.customerId) ? [e.detail.customerId] : []))).size;
  say(`  first the history of the ${withHistory.toLocaleString('en-US')} customers active in the last ${LIVE_DAYS} days who have one, then those days through the bus (${liveIds.size.toLocaleString('en-US')} customers), then everyone else's history`);
  const firstBar = bar('import');
  const liveBar = bar('live');
  const importBar = bar('import');
  let liveStarted = false;
  const { imported, seconds: took } = await importWithLive(sys, history, live, now, {
    first: { start: (total, done) => firstBar.start(total, done), written: (done) => firstBar.update(done) },
    live: (n) => {
      if (!liveStarted) {
        liveStarted = true;
        firstBar.stop();
        liveBar.start(live.length, 0);
      }
      liveBar.update(n);
    },
    import: {
      start: (total, done) => {
        liveBar.stop();
        importBar.start(total, done);
      },
      written: (done) => importBar.update(done),
    },
  });
  importBar.stop();
  Object.assign(seconds, took);
  say(`  last ${LIVE_DAYS} days: ${live.length.toLocaleString('en-US')} events through the bus and the handlers in ${took.live.toFixed(1)} s (their customers' history imported first)`);
  say(`  history: ${imported.customers.imported.toLocaleString('en-US')} customers, ${imported.orders.toLocaleString('en-US')} orders imported in ${took.import.toFixed(1)} s (no mail)`);

  // The weekly refit, as its schedule would invoke it, then the daily sweep.
  say('  refit: fitting the purchase models to the history…');
  await step('refit', () => sys.runScheduled('model-refit', now));
  const modelInUse = describeModel(await sys.stores.scores.getStoreModel());
  say(`  refit: done in ${seconds.refit!.toFixed(1)} s; now the daily sweep (scores, risk levels, loyalty, the mails they start)`);
  // A bar over the bus's deliveries while a step runs (what it sets off arrives as it goes): at
  // 100,000 customers the flows and the recipients' events take minutes each.
  const busBar = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const b = bar(label);
    b.start(1, 0);
    const base = [...sys.bus.queues.values()].reduce((n, q) => n + q.delivered, 0);
    try {
      return await whileBusy(sys, work(), (done, waiting) => {
        b.setTotal(Math.max(1, done - base + waiting));
        b.update(done - base);
      });
    } finally {
      b.stop();
    }
  };
  await step('sweep', () => busBar('sweep', () => sys.sweep(now)));
  say(`  sweep: done in ${seconds.sweep!.toFixed(1)} s; now three days of flow waits, fast-forwarded through the due job`);

  // Flows wait (an hour after a checkout, two days into a welcome series): the next three days, fast.
  await step('flows', () => busBar('flows', () => fastForwardFlows(sys, now)));
  say(`  flows: done in ${seconds.flows!.toFixed(1)} s; now the recipients' opens and clicks`);
  runClockFrom(now);
  const flows = await flowSummaries(sys, (await loadCampaignDir(sys.settings.campaignsDir, { templates: false })).flows);

  // The SES emulator reports nothing back: stand in for the recipients over the next 8 hours.
  // The recipients are who the SES emulator holds mail for (their send items are read by customer).
  const mailed = await fetchSentMail(emulators.sesEndpoint);
  const addressed = new Set(mailed.emails.flatMap((m) => m.destination.to.map((a) => a.toLowerCase())));
  const recipients = shop.customers.filter((c) => addressed.has(c.email.toLowerCase())).map((c) => c.customerId);
  const engaged = await step('engagement', () => busBar('opens', () => simulateEngagement(sys, { seed: opts.seed, now: new Date(now.getTime() + 8 * 3_600_000), customers: recipients })));
  say(`  recipients (simulated SES events): ${engaged.delivered} delivered, ${engaged.opened} opened, ${engaged.clicked} clicked, ${engaged.scanned} link scans of ${engaged.mails} mails`);

  const table = await reportTable(sys.dynamodb, sys.tableName, shop.customers.map((c) => c.customerId));
  const store = mailed;
  const version = (JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const summary = summaryOf({
    seed: opts.seed, version, now: now.toISOString(), startedAt, runSeconds: (performance.now() - started) / 1000,
    table,
    imported: { customers: imported.customers.imported, orders: imported.orders, items: imported.itemsWritten, rows: imported.rows, ordersPerSecond: Math.round(imported.orders / Math.max(seconds.import!, 1e-3)) },
    liveEvents: live.length, deadLetters: sys.bus.deadLetters.length, model: modelInUse, emailsSent: store.emails.length, stepsSeconds: seconds, flows,
    ...(store.emails.length ? { firstEmailSeconds: store.emails.reduce((t, m) => Math.min(t, m.at), Infinity) - performance.timeOrigin / 1000 } : {}),
  });
  say(`\n${formatSummary(summary)}`);

  if (opts.out) {
    const dir = resolve(opts.out);
    mkdirSync(join(dir, 'mail'), { recursive: true });
    for (const m of await fetchAllEml(emulators.sesEndpoint, store)) writeFileSync(join(dir, 'mail', `${m.messageId}.eml`), m.eml);
    const report = await writeLocalReport(sys, dir, parseLang(opts.lang), now);
    writeFileSync(join(dir, 'summary.json'), `${JSON.stringify({ ...summary, kpis: headlineKpis(report.kpis), runSeconds: Math.round((performance.now() - started) / 100) / 10 }, null, 2)}\n`);
    say(`Wrote ${join(dir, 'summary.json')}, ${report.file} and ${store.emails.length} emails to ${join(dir, 'mail')}`);
  }

  if (!opts.once) {
    say(`\nRead the emails in your browser: ${emulators.sesViewerUrl}\nPress Ctrl-C to stop.`);
    say('Deferred mails (quiet hours, frequency caps) go out as they fall due; the due job runs every minute.');
    const due = setInterval(() => void sys.runScheduled('dispatch-due', systemClock()).catch((e: Error) => say(`dispatch-due: ${e.message}`)), 60_000);
    await new Promise<void>((ok) => {
      process.once('SIGINT', ok);
      process.once('SIGTERM', ok);
    });
    clearInterval(due);
  }
  await ui.close();
  await sys.close();
} catch (e) {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  exitCode = 1;
} finally {
  await emulators.stop();
}
process.exit(exitCode);
