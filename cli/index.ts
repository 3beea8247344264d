/** The `engage` command line: analysts' model tools, campaign checks, integration schemas, bulk import. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { eventJsonSchemas } from '../shared/platform/contracts/json-schema.js';
import { registerModelCommands } from './model.js';
import { registerCampaignCommands } from './campaigns.js';
import { registerCustomerCommands } from './customer.js';
import { registerReportCommands } from './report.js';
import { registerImportCommands } from './import.js';

export function buildProgram(): Command {
  const program = new Command('engage').description('Engage: customer-engagement automation for online shops').showHelpAfterError();

  const events = program.command('events').description('event contracts');
  events
    .command('schema')
    .description('write the JSON Schema of every event detail (what a shop sends to Engage)')
    .option('--out <dir>', 'directory to write <detail-type>.json files into', 'schemas/events')
    .action((o: { out: string }) => {
      mkdirSync(o.out, { recursive: true });
      for (const [type, schema] of Object.entries(eventJsonSchemas())) {
        writeFileSync(join(o.out, `${type}.json`), `${JSON.stringify(schema, null, 2)}\n`);
      }
      process.stdout.write(`wrote ${Object.keys(eventJsonSchemas()).length} schemas to ${o.out}\n`);
    });

  registerCampaignCommands(program);
  registerCustomerCommands(program);
  registerReportCommands(program);
  registerModelCommands(program);
  registerImportCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    process.stderr.write(`engage: ${(e as Error).message}\n`);
    return 1;
  }
}
