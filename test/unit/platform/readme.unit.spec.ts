import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateCampaignSource } from '../../../shared/campaigns/load.js';

describe('README', () => {
  it('shows a complete campaign example that validates', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf('# yaml-language-server: $schema=../schemas/campaign.schema.json\nid: wholesale-news');
    expect(start).toBeGreaterThan(0);
    const src = readme.slice(start, readme.indexOf('```', start));
    const result = await validateCampaignSource('wholesale-news.yaml', src);
    expect(result.ok ? [] : result.issues).toEqual([]);
  });
});
