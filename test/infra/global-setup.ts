/** Synthesizes the app once for the whole infra layer (bundling skipped: no assertion reads the
 * code, and the bundle test bundles on its own). Files read the template from the outdir. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildApp } from '../../infra/app.js';

declare module 'vitest' {
  export interface ProvidedContext {
    infra: { outdir: string; templateFile: string; synthError: string };
  }
}

export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

export default function setup(project: TestProject) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'engage-cdk-'));
  const built = buildApp({ outdir, context: SKIP_BUNDLING });
  let synthError = '';
  try {
    built.app.synth();
  } catch (error) {
    // The assembly is written before validation runs: a nag finding fails only the nag test.
    synthError = String(error);
  }
  project.provide('infra', { outdir, templateFile: path.join(outdir, built.stack.templateFile), synthError });
  return () => rmSync(outdir, { recursive: true, force: true });
}
