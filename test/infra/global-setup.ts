/** Synthesizes the app once for the whole infra layer (bundling skipped: no assertion reads the
 * code, and the bundle test bundles on its own), with the default context and with a complete
 * production stage in us-east-1; and the edge app. Files read the templates from the outdirs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildApp } from '../../infra/app.js';
import { buildEdgeApp } from '../../infra/edge-app.js';

export interface Synthesized {
  outdir: string;
  templateFile: string;
  synthError: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    infra: Synthesized;
    infraProd: Synthesized;
    infraEdge: Synthesized;
  }
}

export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

/** A production stage with every value the production checks ask for, in us-east-1. */
export const PROD_CONTEXT = {
  'engage:stage': 'prod',
  'engage:account': '123456789012',
  'engage:region': 'us-east-1',
  'engage:senderDomain': 'maple-tea.cn',
  'engage:senderEmail': 'hello@maple-tea.cn',
  'engage:shopName': 'Maple & Tea',
  'engage:shopAddress': '12 Tea Lane, Hangzhou 310000, China',
  'engage:shopUrl': 'https://maple-tea.cn',
  'engage:alarmEmail': 'ops@maple-tea.cn',
  'engage:linksDomain': 'links.maple-tea.cn',
  'engage:linksCertificateArn': 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666',
};

function synth(build: (outdir: string) => { app: { synth(): unknown }; stack: { templateFile: string } }): Synthesized {
  const outdir = mkdtempSync(path.join(tmpdir(), 'engage-cdk-'));
  const built = build(outdir);
  let synthError = '';
  try {
    built.app.synth();
  } catch (error) {
    // The assembly is written before validation runs: a nag finding fails only the nag test.
    synthError = String(error);
  }
  return { outdir, templateFile: path.join(outdir, built.stack.templateFile), synthError };
}

export default function setup(project: TestProject) {
  const all = {
    infra: synth((outdir) => buildApp({ outdir, context: SKIP_BUNDLING })),
    infraProd: synth((outdir) => buildApp({ outdir, context: { ...SKIP_BUNDLING, ...PROD_CONTEXT } })),
    infraEdge: synth((outdir) => buildEdgeApp({ outdir, context: { 'engage:stage': 'prod', 'engage:account': '123456789012' } })),
  };
  for (const [key, value] of Object.entries(all)) project.provide(key as keyof typeof all, value);
  return () => {
    for (const s of Object.values(all)) rmSync(s.outdir, { recursive: true, force: true });
  };
}
