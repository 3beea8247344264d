/**
 * Lambda bundles carry MJML's output instead of MJML (scripts/precompile-mjml.ts at bundling):
 * loading from such a directory must use that output, must not fall back to compiling, and a
 * template edited after the build must fail the load by name rather than send stale mail.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCampaigns, validateCampaignDir } from '../../../shared/campaigns/load.js';
import { compileMjml, mjmlSourceKey, PRECOMPILED_MJML_FILE, type MjmlOutput } from '../../../shared/campaigns/mjml-compile.js';
import { renderEmail } from '../../../shared/campaigns/render.js';
import { sampleInput, templateVars } from '../../../shared/campaigns/templates.js';

const MARKER = '<!-- compiled at build time -->';
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'engage-precompiled-'));
  copyFileSync('campaigns/win-back.yaml', join(dir, 'win-back.yaml'));
  const table: Record<string, MjmlOutput> = {};
  await validateCampaignDir(dir, { mjml: async (src) => (table[mjmlSourceKey(src)] = await compileMjml(src)) });
  // Mark the stored output, so a render shows which path produced the HTML.
  for (const out of Object.values(table)) out.html = out.html.replace(/<body[^>]*>/i, (m) => `${m}${MARKER}`);
  writeFileSync(join(dir, PRECOMPILED_MJML_FILE), JSON.stringify(table));
}, 30_000);

describe('campaigns with build-time MJML output', () => {
  it('renders from the stored output, never compiling', async () => {
    const [winBack] = await loadCampaigns(dir);
    const mail = renderEmail(winBack!, 'en', templateVars(sampleInput(winBack!.campaign, 'en')));
    expect(mail.html).toContain(MARKER);
    expect(mail.html).toContain('Your last order with');
  });

  it('refuses a template edited after the build, naming the rebuild', async () => {
    const edited = mkdtempSync(join(tmpdir(), 'engage-precompiled-stale-'));
    writeFileSync(join(edited, 'win-back.yaml'), readFileSync(join(dir, 'win-back.yaml'), 'utf8').replace('<mj-text>', '<mj-text>New: '));
    copyFileSync(join(dir, PRECOMPILED_MJML_FILE), join(edited, PRECOMPILED_MJML_FILE));
    await expect(loadCampaigns(edited)).rejects.toThrow(/no compiled output.*rebuild the bundle/);
  });
});

describe('campaigns without templates (jobs that never render)', () => {
  it('load their definitions without compiling or parsing any template', async () => {
    const neverCompile = async (): Promise<MjmlOutput> => {
      throw new Error('compiled');
    };
    const all = await loadCampaigns('campaigns', { templates: false, mjml: neverCompile });
    expect(all.find((c) => c.campaign.id === 'monthly-favourites')?.campaign.trigger).toMatchObject({ type: 'schedule' });
    expect(all.every((c) => Object.keys(c.templates).length === 0)).toBe(true);
  });
});
