/**
 * MJML → HTML, the slow step of loading a campaign. Locally and in the CLI it runs MJML; in a
 * Lambda bundle the output was computed when the bundle was built and sits next to the campaign
 * files (`PRECOMPILED_MJML_FILE`, keyed by a hash of each MJML source), so the bundle carries
 * neither MJML nor what it drags in (the TypeScript compiler among them), and a cold start does
 * not compile. MJML is imported lazily for that reason: nothing loads it unless it compiles.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export interface MjmlOutput {
  html: string;
  errors: { line: number; message: string }[];
}
export type MjmlCompiler = (source: string) => Promise<MjmlOutput>;

/** Written by `scripts/precompile-mjml.ts` into a bundle's campaigns directory. */
export const PRECOMPILED_MJML_FILE = '.mjml-compiled.json';

const MjmlOutputJson = z.object({ html: z.string(), errors: z.array(z.object({ line: z.number(), message: z.string() })) });
const PrecompiledJson = z.record(z.string(), MjmlOutputJson);

export const mjmlSourceKey = (source: string): string => createHash('sha256').update(source).digest('base64url');

export const compileMjml: MjmlCompiler = async (source) => {
  const { default: mjml2html } = await import('mjml');
  // No web fonts: nothing fetched from third parties when a mail is opened.
  const out = await mjml2html(source, { validationLevel: 'soft', keepComments: false, fonts: {} });
  return { html: out.html, errors: out.errors.map((e) => ({ line: e.line, message: e.message })) };
};

export class MissingPrecompiledMjmlError extends Error {
  override name = 'MissingPrecompiledMjmlError';
}

/** A compiler that only looks up build-time output: a source changed after the build is an error, not a slow path. */
export function precompiledMjml(file: string): MjmlCompiler {
  const table = PrecompiledJson.parse(JSON.parse(readFileSync(file, 'utf8')));
  return async (source) => {
    const hit = table[mjmlSourceKey(source)];
    if (!hit) throw new MissingPrecompiledMjmlError(`${file} has no compiled output for an MJML template: rebuild the bundle (cdk synth) after editing campaigns`);
    return hit;
  };
}

/** Build-time output when the directory carries it (a Lambda bundle), else MJML itself. */
export const mjmlCompilerFor = (campaignsDir: string): MjmlCompiler => {
  const file = join(campaignsDir, PRECOMPILED_MJML_FILE);
  return existsSync(file) ? precompiledMjml(file) : compileMjml;
};
