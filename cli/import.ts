/**
 * `engage import <file...>`: customers and orders into the Engage table in bulk (see
 * shared/import/run.ts for what it guarantees and README "Connect your shop" for the columns).
 * Reads TABLE_NAME with the default AWS credential chain (or, with --local, the running demo's
 * table), like the other table commands.
 */
import { createReadStream, existsSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { defaultLoyaltyConfig, loadLoyaltyConfig } from '../shared/loyalty/config.js';
import { Locale } from '../shared/platform/contracts/events.js';
import { systemClock } from '../shared/platform/ports.js';
import { importHistory, type ImportReport } from '../shared/import/run.js';
import { csvField } from '../shared/scoring/csv.js';
import { openTable, withLocalOption } from './table.js';

export interface ImportCommandIo {
  stdout?: { write(s: string): unknown };
  stderr?: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean };
  dynamodb?: DynamoDBClient;
}

interface ImportFlags {
  local?: boolean;
  loyalty?: string;
  refundWindowDays?: string;
  currency?: string;
  timeZone?: string;
  locale?: string;
  now?: string;
  rejected?: string;
  progress: boolean;
}

/** Lines of a file, opened when iteration starts (a readline made earlier drops what it read meanwhile). */
export async function* fileLines(path: string): AsyncGenerator<string> {
  yield* createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
}

export function formatImportReport(r: ImportReport, seconds: number): string {
  const n = (v: number) => v.toLocaleString('en-US');
  if (r.alreadyDone) return `This input was imported completely before (${r.inputHash.slice(0, 12)}): nothing to do.\n`;
  return [
    `Imported ${n(r.customers.imported)} customers and ${n(r.orders)} orders from ${n(r.rows)} rows in ${seconds.toFixed(1)} s (${n(Math.round(r.orders / Math.max(seconds, 1e-3)))} orders/s)`,
    `  unchanged (imported before) ${n(r.customers.unchanged)} · erased in Engage (skipped) ${n(r.customers.erased)} · rejected ${n(r.customers.rejected)} customers, ${n(r.rejections.length)} rows · items written ${n(r.itemsWritten)}`,
    `  history judged at ${r.now}${r.resumedFrom ? ` · resumed after ${n(r.resumedFrom)} customers` : ''}`,
    '',
  ].join('\n');
}

export function registerImportCommands(program: Command, io: ImportCommandIo = {}): Command {
  withLocalOption(program.command('import'))
    .description('Import customers and orders (CSV or JSON Lines, see README "Connect your shop") into the table in bulk; sends no mail')
    .argument('<files...>', 'customers.csv, orders.csv, transactions.csv or events.jsonl, in this order')
    .option('--loyalty <file>', 'the loyalty programme (default: ./loyalty.yaml, else the built-in one)')
    .option('--refund-window-days <n>', "orders older than this keep no per-order state (default: the loyalty programme's refundWindowDays, 90)")
    .option('--currency <code>', 'currency of transaction logs (default: the loyalty currency)')
    .option('--time-zone <tz>', 'time zone of customers without one (default: the loyalty time zone)')
    .option('--locale <locale>', 'locale of customers without one: zh-CN or en (default: the loyalty default)')
    .option('--now <instant>', 'judge the history as of this instant (default: now)')
    .option('--rejected <file>', 'write rejected rows as CSV (file,row,customer_id,reason)')
    .option('--no-progress', 'no progress bar')
    .action(async (files: string[], o: ImportFlags) => {
      const loyalty = o.loyalty ? loadLoyaltyConfig(o.loyalty) : existsSync('loyalty.yaml') ? loadLoyaltyConfig('loyalty.yaml') : defaultLoyaltyConfig;
      // The live loyalty handler folds orders by the programme's window: the import's default is the same.
      const window = Number(o.refundWindowDays ?? loyalty.refundWindowDays);
      if (!Number.isInteger(window) || window < 0) throw new Error(`--refund-window-days must be a whole number of days, got ${JSON.stringify(o.refundWindowDays)}`);
      const locale = Locale.safeParse(o.locale ?? loyalty.defaultLocale);
      if (!locale.success) throw new Error(`--locale must be zh-CN or en, got ${JSON.stringify(o.locale)}`);
      const now = o.now ? new Date(o.now) : undefined;
      if (now && Number.isNaN(now.getTime())) throw new Error(`--now must be an ISO instant, got ${JSON.stringify(o.now)}`);
      for (const f of files) if (!existsSync(f)) throw new Error(`cannot read ${f}`);

      const err = io.stderr ?? process.stderr;
      const bar = o.progress ? new SingleBar({ format: '  {phase} [{bar}] {value}/{total} {eta_formatted}', hideCursor: true, stream: err as NodeJS.WriteStream, noTTYOutput: true, notTTYSchedule: 10_000 }, Presets.shades_classic) : undefined;
      const table = openTable(io.dynamodb, { local: o.local === true });
      const t0 = performance.now();
      try {
        const report = await importHistory(
          { store: table.stores.imports, clock: now ? () => now : systemClock },
          files.map((name) => ({ name, lines: fileLines(name) })),
          { loyalty, refundWindowDays: window, defaults: { currency: o.currency ?? loyalty.currency, timeZone: o.timeZone ?? loyalty.timeZone, locale: locale.data } },
          {
            read: (rows) => void (o.progress && err.write(`\r  reading ${rows.toLocaleString('en-US')} rows`)),
            start: (total, done) => {
              if (o.progress) err.write('\n');
              bar?.start(total, done, { phase: 'customers' });
            },
            written: (done) => bar?.update(done),
          },
        );
        bar?.stop();
        if (o.rejected) writeFileSync(o.rejected, ['file,row,customer_id,reason', ...report.rejections.map((r) => [r.file, r.row, r.customerId ?? '', r.reason].map((v) => csvField(String(v))).join(','))].join('\n') + '\n');
        (io.stdout ?? process.stdout).write(formatImportReport(report, (performance.now() - t0) / 1000));
        for (const r of report.rejections.slice(0, 10)) (io.stdout ?? process.stdout).write(`  rejected ${r.file}:${r.row}${r.customerId ? ` (${r.customerId})` : ''}: ${r.reason}\n`);
        if (report.rejections.length > 10) (io.stdout ?? process.stdout).write(`  … ${report.rejections.length - 10} more${o.rejected ? ` in ${o.rejected}` : ' (--rejected FILE lists them all)'}\n`);
      } finally {
        bar?.stop();
        table.close();
      }
    });
  return program;
}
