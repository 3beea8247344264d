// Lambda bundles as `cdk synth` builds them: size and cold-start module init per function, each
// measured in a fresh node process that imports the bundle with only Node built-ins and the AWS
// SDK resolvable (what the Lambda runtime provides). For the functions that load campaigns, the
// handler build (config, adapters, templates, keys) is timed too: in Lambda it runs during init.
// Run: npx tsx bench/bundles.ts (or npm run bench -- bundles)
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CfnElement } from 'aws-cdk-lib';
import { buildApp } from '../infra/app.js';
import { REPO_ROOT } from '../infra/constructs/function.js';
import { functionEnv, localGroupValues } from '../local/env.js';
import { ensureLocalKeyring } from '../shared/platform/runtime/keyring.js';
import { functionNames, manifest, type FunctionName } from '../shared/platform/contracts/functions.js';
import type { Bench, BenchFigure } from './bench.js';
import { probeBundle } from './lambda-probe.js';

export interface BundleFigures {
  synthSeconds: number;
  functions: Record<FunctionName, { bundleBytes: number; initMs: number; buildMs?: number }>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const loadsCampaigns = (fn: FunctionName) => (manifest[fn].config as readonly string[]).includes('campaigns');

export function measureBundles(runs = 5): BundleFigures {
  const outdir = mkdtempSync(path.join(tmpdir(), 'engage-bundles-'));
  try {
    const t0 = performance.now();
    const { app, stack } = buildApp({ outdir });
    const assembly = app.synth();
    const synthSeconds = (performance.now() - t0) / 1000;
    const resources = assembly.getStackArtifact(stack.artifactId).template.Resources as Record<string, { Properties: { Code: { S3Key: string } } }>;
    const keyringFile = path.join(outdir, 'keyring.json');
    ensureLocalKeyring(keyringFile);

    const functions = {} as BundleFigures['functions'];
    for (const name of functionNames) {
      const id = stack.getLogicalId(stack.functions[name].node.defaultChild as CfnElement);
      const dir = path.join(outdir, `asset.${resources[id]!.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
      const env = loadsCampaigns(name)
        ? functionEnv(
            name,
            localGroupValues({
              tableName: 'engage-bench',
              eventBusName: 'engage-bench',
              campaignsDir: path.join(dir, 'campaigns'),
              loyaltyConfig: path.join(dir, 'loyalty.yaml'),
              linksUrl: 'https://links.example.com',
              keyringFile,
              reportDir: path.join(outdir, 'reports'),
              refitDir: path.join(outdir, 'refit'),
              // Campaign functions read no webhook secrets.
              webhookSecretsFile: 'unused',
            }),
          )
        : undefined;
      const samples = Array.from({ length: runs }, () => probeBundle(dir, env));
      functions[name] = {
        bundleBytes: statSync(path.join(dir, 'index.mjs')).size,
        initMs: median(samples.map((s) => s.initMs)),
        ...(env ? { buildMs: median(samples.map((s) => s.buildMs!)) } : {}),
      };
    }
    return { synthSeconds, functions };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export const bundlesBench: Bench = {
  name: 'bundles',
  async run() {
    const r = measureBundles();
    const others = functionNames.filter((n) => n !== 'campaign-dispatch').map((n) => r.functions[n].initMs);
    const dispatch = r.functions['campaign-dispatch'];
    const figures: BenchFigure[] = [{ figure: 'cdk synth of the whole app (bundling + cdk-nag)', value: r.synthSeconds, unit: 's' }];
    for (const name of functionNames) {
      const f = r.functions[name];
      figures.push({ figure: `${name}: bundle (index.mjs)`, value: f.bundleBytes / 1e6, unit: 'MB' });
      figures.push({ figure: `${name}: module init`, value: f.initMs, unit: 'ms' });
      if (f.buildMs !== undefined) figures.push({ figure: `${name}: handler build (campaigns, keys)`, value: f.buildMs, unit: 'ms' });
    }
    figures.push({ figure: 'campaign-dispatch init / median init of the others', value: dispatch.initMs / median(others), unit: '×', target: 2 });
    return figures;
  },
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = measureBundles();
  for (const [name, f] of Object.entries(r.functions)) {
    console.log(`${name.padEnd(18)} ${(f.bundleBytes / 1e6).toFixed(2).padStart(6)} MB  init ${f.initMs.toFixed(0).padStart(5)} ms${f.buildMs === undefined ? '' : `  build ${f.buildMs.toFixed(0)} ms`}`);
  }
  console.log(`synth ${r.synthSeconds.toFixed(1)} s`);
}
