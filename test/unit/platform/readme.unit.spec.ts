import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateCampaignSource } from '../../../shared/campaigns/load.js';
import { EngageSettings } from '../../../infra/settings.js';

describe('README', () => {
  it('shows a complete campaign example that validates', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf('# yaml-language-server: $schema=../schemas/campaign.schema.json\nid: wholesale-news');
    expect(start).toBeGreaterThan(0);
    const src = readme.slice(start, readme.indexOf('```', start));
    const result = await validateCampaignSource('wholesale-news.yaml', src);
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it('shows a complete flow example that validates (graph, every template rendered)', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf('# yaml-language-server: $schema=../schemas/campaign.schema.json\nid: abandoned-checkout');
    expect(start).toBeGreaterThan(0);
    const result = await validateCampaignSource('abandoned-checkout.yaml', readme.slice(start, readme.indexOf('```', start)));
    expect(result.ok ? [] : result.issues).toEqual([]);
    expect(result.ok && result.flow.flow.steps.map((s) => s.type)).toEqual(['wait', 'send', 'wait-for', 'split', 'ab-split', 'send']);
  });
});

describe('README map and settings', () => {
  const readme = readFileSync('README.md', 'utf8');

  it('names only files and folders that exist (the capability map cannot go stale)', () => {
    const paths = [...readme.matchAll(/`((?:shared|functions|infra|local|cli|test|campaigns|schemas)\/[A-Za-z0-9_./<>*-]*)`/g)].map((m) => m[1]!);
    expect(paths.length).toBeGreaterThan(15);
    const missing = paths.filter((p) => !p.includes('<') && !p.includes('*') && !existsSync(p));
    expect(missing).toEqual([]);
  });

  it('names only CDK context keys the deployment settings read', () => {
    const keys = [...readme.matchAll(/engage:([A-Za-z]+)/g)].map((m) => m[1]!);
    expect(keys.length).toBeGreaterThan(2);
    expect(keys.filter((k) => !(k in EngageSettings.shape))).toEqual([]);
  });
});
