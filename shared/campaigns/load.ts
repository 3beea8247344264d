/** Reads and validates every campaign file; one broken file fails the whole load (no half-loads). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Campaign } from './schema.js';
import { compileCampaign, type CompiledCampaign } from './render.js';

export class CampaignConfigError extends Error {
  override name = 'CampaignConfigError';
}

export function loadCampaigns(dir: string): CompiledCampaign[] {
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const errors: string[] = [];
  const campaigns: CompiledCampaign[] = [];
  for (const file of files) {
    const path = join(dir, file);
    try {
      const parsed = Campaign.safeParse(parse(readFileSync(path, 'utf8')));
      if (!parsed.success) {
        errors.push(...parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(root)'}: ${i.message}`));
        continue;
      }
      campaigns.push(compileCampaign(parsed.data));
    } catch (e) {
      errors.push(`${file}: ${(e as Error).message}`);
    }
  }
  const ids = campaigns.map((c) => c.campaign.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) errors.push(`duplicate campaign id "${dup}"`);
  if (errors.length) throw new CampaignConfigError(`Invalid campaigns in ${dir}:\n  ${errors.join('\n  ')}`);
  return campaigns;
}
