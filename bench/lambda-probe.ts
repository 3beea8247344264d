// Imports a Lambda bundle in a fresh node process as the Lambda runtime would resolve it (only Node
// built-ins and the AWS SDK outside the bundle) and times the import and, given an environment,
// the handler build. Shared by the bundles bench and the bundle tests.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../infra/constructs/function.js';

// Runs in the fresh process: register the Lambda-like resolver, then time the import (and build).
const PROBE = `
import { register } from 'node:module';
register(process.env.PROBE_LOADER, { data: { bundleUrl: process.env.PROBE_BUNDLE_DIR, sdkParentUrl: process.env.PROBE_SDK_PARENT } });
const t0 = performance.now();
const mod = await import(process.env.PROBE_BUNDLE);
const initMs = performance.now() - t0;
let buildMs;
if (process.env.PROBE_BUILD_ENV) {
  const t1 = performance.now();
  await mod.build(JSON.parse(process.env.PROBE_BUILD_ENV));
  buildMs = performance.now() - t1;
}
console.log(JSON.stringify({ initMs, buildMs }));
`;

export function probeBundle(bundleDir: string, buildEnv?: Record<string, string>): { initMs: number; buildMs?: number } {
  const out = execFileSync(process.execPath, ['--input-type=module', '--no-warnings', '-e', PROBE], {
    cwd: bundleDir,
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      PROBE_LOADER: pathToFileURL(path.join(REPO_ROOT, 'bench', 'lambda-resolve.mjs')).href,
      PROBE_BUNDLE_DIR: pathToFileURL(bundleDir).href + '/',
      PROBE_SDK_PARENT: pathToFileURL(path.join(REPO_ROOT, 'package.json')).href,
      PROBE_BUNDLE: pathToFileURL(path.join(bundleDir, 'index.mjs')).href,
      ...(buildEnv ? { PROBE_BUILD_ENV: JSON.stringify(buildEnv) } : {}),
    },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { initMs: number; buildMs?: number };
}

