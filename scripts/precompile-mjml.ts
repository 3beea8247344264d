// Build step of a Lambda bundle that renders campaigns (infra/constructs/function.ts runs it after
// esbuild): validates every campaign exactly as the runtime would and writes the MJML output next
// to the copied campaign files, so the bundle needs no MJML. An invalid campaign fails the build.
// Usage: tsx scripts/precompile-mjml.ts <campaigns-dir> <out-file>
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatIssue, validateCampaignDir } from '../shared/campaigns/load.js';
import { loadLoyaltyConfig } from '../shared/loyalty/config.js';
import { compileMjml, mjmlSourceKey, type MjmlOutput } from '../shared/campaigns/mjml-compile.js';

const [dir, outFile] = process.argv.slice(2);
if (!dir || !outFile) {
  console.error('usage: precompile-mjml <campaigns-dir> <out-file>');
  process.exit(2);
}
const compiled: Record<string, MjmlOutput> = {};
const recording = async (source: string) => (compiled[mjmlSourceKey(source)] ??= await compileMjml(source));
// The programme the loyalty functions are bundled with: a birthday notice it never sends fails the build too.
const loyaltyFile = fileURLToPath(new URL('../loyalty.yaml', import.meta.url));
const loyalty = existsSync(loyaltyFile) ? { loyalty: loadLoyaltyConfig(loyaltyFile) } : {};
const { campaigns, issues } = await validateCampaignDir(dir, { mjml: recording, ...loyalty });
if (issues.length) {
  console.error(`Invalid campaigns in ${dir}:\n  ${issues.map(formatIssue).join('\n  ')}`);
  process.exit(1);
}
writeFileSync(outFile, JSON.stringify(compiled));
console.error(`precompiled the MJML of ${campaigns.length} campaigns (${Object.keys(compiled).length} templates)`);
