/**
 * `npm start`: the whole system on this machine. Starts DynamoDB Local and the SES v2 emulator,
 * generates a demo shop, publishes its events through the real EventBridge adapter to the local
 * bus, runs the churn sweep as the scheduler would, and shows the mail that went out.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { startEmulators, fetchSentMail, fetchEml } from './emulators.js';
import { generateDemoShop } from './demo-shop.js';
import { startLocalSystem } from './system.js';
import { reportTable } from './report.js';
import { startLocalConsole } from './console/index.js';
import { headlineKpis, writeLocalReport } from './report-html.js';
import { parseLang } from '../shared/reports/index.js';
import { describeModel } from '../shared/churn/model.js';

const program = new Command('engage-local')
  .description('Run Engage locally on embedded emulators with a demo shop')
  .option('--once', 'run the demo to the end, then stop everything and exit')
  .option('--out <dir>', 'write summary.json and every sent email as mail/<message-id>.eml')
  .option('--customers <n>', 'demo shop size', (v) => Number.parseInt(v, 10), 2000)
  .option('--seed <n>', 'demo shop random seed', (v) => Number.parseInt(v, 10), 42)
  .option('--lang <lang>', 'language of the report and the console dashboard (zh-CN or en)', 'en')
  .parse();
const opts = program.opts<{ once?: boolean; out?: string; customers: number; seed: number; lang: string }>();

const say = (msg: string) => process.stdout.write(`${msg}\n`);
const timings: Record<string, number> = {};
async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  timings[name] = Math.round(performance.now() - t0);
  return out;
}

const started = performance.now();
const emulators = await step('emulators', () => startEmulators({ log: (m) => say(`  ${m}`) })).catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
let exitCode = 0;
try {
  const sys = await startLocalSystem(emulators);
  say(`DynamoDB Local ${emulators.dynamodbEndpoint} · SES v2 ${emulators.sesEndpoint}`);
  const ui = await startLocalConsole(sys, { lang: parseLang(opts.lang) });
  say(`Console ${ui.url} (dashboard, campaigns, customers, email previews)`);

  const now = new Date();
  const shop = generateDemoShop({ customers: opts.customers, seed: opts.seed, now });
  const { events } = shop;
  say(`Demo shop: ${shop.customers.length} customers, ${events.length} events over 18 months`);

  const bar = new SingleBar({ format: '  events  [{bar}] {value}/{total} {eta_formatted}', hideCursor: true }, Presets.shades_classic);
  await step('ingest', async () => {
    bar.start(events.length, 0);
    const chunks = Array.from({ length: Math.ceil(events.length / 10) }, (_, i) => events.slice(i * 10, i * 10 + 10));
    let next = 0;
    // A few publishers in parallel, like a shop's webhook workers.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < chunks.length) {
          const chunk = chunks[next++]!;
          await sys.publisher.publish(chunk);
          bar.increment(chunk.length);
        }
      }),
    );
    await sys.bus.idle();
    bar.stop();
  });

  // The weekly refit, as its schedule would invoke it, then the daily sweep.
  await step('refit', () => sys.runScheduled('model-refit', now));
  const modelInUse = describeModel(await sys.stores.scores.getStoreModel());
  await step('sweep', () => sys.sweep(now));
  const table = await reportTable(sys.dynamodb, sys.tableName);
  const { emails } = await fetchSentMail(emulators.sesEndpoint);

  const summary = {
    customers: table.customers,
    buyers: table.buyers,
    orders: table.orders,
    eventsPublished: events.length,
    eventsPerSecond: Math.round(events.length / ((timings.ingest ?? 1) / 1000)),
    deadLetters: sys.bus.deadLetters.length,
    byRiskLevel: table.byRiskLevel,
    byRiskMethod: table.byRiskMethod,
    bySegment: table.bySegment,
    model: modelInUse,
    byCampaign: table.byCampaign,
    byTier: table.byTier,
    pointsIssued: table.pointsIssued,
    pointsBalance: table.pointsBalance,
    emailsSent: emails.length,
    stepsMs: timings,
  };
  say('');
  say(`Customers ${summary.customers} · buyers ${summary.buyers} · orders ${summary.orders}`);
  say(`Model ${JSON.stringify(modelInUse)}`);
  say(`Risk levels ${JSON.stringify(summary.byRiskLevel)} by ${JSON.stringify(summary.byRiskMethod)}`);
  say(`Segments ${JSON.stringify(summary.bySegment)}`);
  say(`Campaigns ${JSON.stringify(summary.byCampaign)}`);
  say(`Loyalty tiers ${JSON.stringify(summary.byTier)} · points issued ${summary.pointsIssued} · on balances ${summary.pointsBalance}`);
  say(`Emails sent ${summary.emailsSent} · ${summary.eventsPerSecond} events/s through the local loop · dead letters ${summary.deadLetters}`);

  if (opts.out) {
    const dir = resolve(opts.out);
    mkdirSync(join(dir, 'mail'), { recursive: true });
    for (const m of emails) writeFileSync(join(dir, 'mail', `${m.messageId}.eml`), await fetchEml(emulators.sesEndpoint, m.messageId));
    const report = await writeLocalReport(sys, dir, parseLang(opts.lang), now);
    writeFileSync(join(dir, 'summary.json'), `${JSON.stringify({ ...summary, kpis: headlineKpis(report.kpis), wallMs: Math.round(performance.now() - started) }, null, 2)}\n`);
    say(`Wrote ${join(dir, 'summary.json')}, ${report.file} and ${emails.length} emails to ${join(dir, 'mail')}`);
  }

  if (!opts.once) {
    say(`\nRead the emails in your browser: ${emulators.sesViewerUrl}\nPress Ctrl-C to stop.`);
    say('Deferred mails (quiet hours, frequency caps) go out as they fall due; the due job runs every minute.');
    const due = setInterval(() => void sys.runScheduled('dispatch-due', new Date()).catch((e: Error) => say(`dispatch-due: ${e.message}`)), 60_000);
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
