import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CampaignConfigError, loadCampaigns, validateCampaignSource, type CampaignIssue } from '../../../shared/campaigns/load.js';
import { campaignJsonSchemaText } from '../../../cli/campaigns.js';

const winBack = readFileSync('campaigns/win-back.yaml', 'utf8');
const issuesOf = async (file: string, src: string): Promise<CampaignIssue[]> => {
  const r = await validateCampaignSource(file, src);
  return r.ok ? [] : r.issues;
};
const lineOf = (src: string, needle: string) => src.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('committed campaigns', () => {
  it('all load, in en and zh-CN', async () => {
    const all = await loadCampaigns('campaigns');
    // single-shot campaigns, and each flow's send steps as campaigns of the one engine
    expect(all.filter((c) => !c.flowStep).map((c) => c.campaign.id).sort()).toEqual(['birthday', 'birthday-reminder', 'coupon-reminder', 'monthly-favourites', 'points-expiring', 'points-redeemed', 'post-delivery-survey', 'service-recovery', 'vip-thank-you', 'win-back']);
    expect(all.filter((c) => c.flowStep).map((c) => c.campaign.id).sort()).toEqual([
      'abandoned-checkout--coupon', 'abandoned-checkout--reminder', 'post-purchase--cross-sell', 'post-purchase--survey', 'post-purchase--thanks',
      'welcome-series--offer', 'welcome-series--story', 'welcome-series--thanks', 'win-back-churned--offer-20', 'win-back-churned--offer-30',
    ]);
    for (const c of all) expect(Object.keys(c.templates).sort()).toEqual(['en', 'zh-CN']);
  }, 30_000); // the first MJML compile of the file also loads MJML (imported lazily)
  it('each file points editors at the JSON Schema on its first line', () => {
    for (const f of readdirSync('campaigns')) {
      expect(readFileSync(join('campaigns', f), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/campaign.schema.json');
    }
  });
  it('the committed JSON Schema is the one generated from zod (run `engage campaigns schema`)', () => {
    expect(readFileSync('schemas/campaign.schema.json', 'utf8')).toBe(campaignJsonSchemaText());
  });
});

describe('validate reports every error with file, line and path', () => {
  it('given several schema errors, when validated, then each is reported at its own line', async () => {
    const src = winBack.replace('level: at-risk', 'level: gone').replace('holdoutPercent: 10', 'holdoutPercent: 80');
    const issues = await issuesOf('win-back.yaml', src);
    expect(issues.map((i) => [i.path, i.line])).toEqual([
      ['trigger.level', lineOf(src, 'level: gone')],
      ['holdoutPercent', lineOf(src, 'holdoutPercent: 80')],
    ]);
    expect(issues[0]!.file).toBe('win-back.yaml');
  });
  it('a missing key is reported at its parent', async () => {
    const src = winBack.replace('  level: at-risk\n', '');
    const [issue] = await issuesOf('win-back.yaml', src);
    expect(issue).toMatchObject({ path: 'trigger.level', line: lineOf(src, 'trigger:') });
  });
  it('a Liquid syntax error points at its line inside the MJML body', async () => {
    const src = winBack.replace('<mj-text>Your last order', '<mj-text>{% if x %}Your last order');
    const [issue] = await issuesOf('win-back.yaml', src);
    expect(issue).toMatchObject({ path: 'templates.en.mjml', line: lineOf(src, '{% if x %}') });
    expect(issue!.message).toMatch(/Liquid/);
  });
  it('an MJML error points at its line', async () => {
    const src = winBack.replace('<mj-button href="{{ shop.url }}/new?utm_campaign=win-back" align="left">See', '<mj-bogus />\n              <mj-button href="{{ shop.url }}/new?utm_campaign=win-back" align="left">See');
    const [issue] = await issuesOf('win-back.yaml', src);
    expect(issue).toMatchObject({ path: 'templates.en.mjml', line: lineOf(src, '<mj-bogus') });
    expect(issue!.message).toMatch(/MJML: .*mj-bogus/);
  });
  it('an unknown variable is caught by rendering against the sample context', async () => {
    const src = winBack.replace('Hello {{ customer.name }},\n\n', 'Hello {{ customer.nickname }},\n\n');
    const issues = await issuesOf('win-back.yaml', src);
    expect(issues).toEqual([expect.objectContaining({ path: 'templates.en.text', message: expect.stringMatching(/undefined variable: customer.nickname/) })]);
  });
  it('a coupon variable in a campaign without a coupon is an unknown variable', async () => {
    // Given win-back with its coupon action removed but its templates still using coupon.*
    const withoutCoupon = winBack.replace(/^coupon:\n(  .*\n)+/m, '');
    expect(withoutCoupon).not.toMatch(/^coupon:/m);
    const issues = await issuesOf('win-back.yaml', withoutCoupon);
    expect(issues.map((i) => i.message).join()).toMatch(/coupon/);
  });
  it('marketing mail without the unsubscribe link or the postal address is refused, per part', async () => {
    const src = winBack.replaceAll('Unsubscribe: {{ links.unsubscribe }}', '').replaceAll('· {{ shop.address }}', '');
    const issues = await issuesOf('win-back.yaml', src);
    expect(issues.map((i) => `${i.path} ${i.message.slice(0, 25)}`)).toEqual([
      'templates.en.text must include {{ links.uns',
      'templates.en.mjml must include {{ shop.addr',
      'templates.en.text must include {{ shop.addr',
      'templates.zh-CN.mjml must include {{ shop.addr',
      'templates.zh-CN.text must include {{ shop.addr',
    ]);
  });
  it('given a subject with an unclosed output tag, when validated, then it is an error at that line (LiquidJS alone renders just the name)', async () => {
    const src = winBack.replace('subject: "{{ customer.name }}, we miss you at {{ shop.name }}"', 'subject: "{{ customer.name , we miss you at {{ shop.name }}"');
    const issues = await issuesOf('win-back.yaml', src);
    expect(issues).toEqual([expect.objectContaining({ path: 'templates.en.subject', line: lineOf(src, '{{ customer.name , we miss'), message: expect.stringMatching(/"}}" is missing/) })]);
  });
  it('given an empty filter, when validated, then it is an error', async () => {
    const src = winBack.replace('{{ shop.name }} · {{ shop.address }}\n      You receive', '{{ shop.name }} · {{ shop.address | }}\n      You receive');
    expect(src).not.toBe(winBack);
    const issues = await issuesOf('win-back.yaml', src);
    expect(issues).toEqual([expect.objectContaining({ path: 'templates.en.text', line: lineOf(src, '{{ shop.address | }}'), message: expect.stringMatching(/empty filter/) })]);
  });
  it('given text after a variable or a stray "}}", when validated, then both are errors', async () => {
    const src = winBack.replace('preheader: "It has been {{ trigger.daysSinceLastOrder }} days.', 'preheader: "It has been {{ trigger.daysSinceLastOrder days }} days }}.');
    const issues = await issuesOf('win-back.yaml', src);
    expect(issues.map((i) => i.message)).toEqual([expect.stringMatching(/not one value/), expect.stringMatching(/without a matching/), 'Liquid: undefined variable: days']);
    expect(new Set(issues.map((i) => i.line))).toEqual(new Set([lineOf(src, 'preheader: "It has been')]));
  });
  it('given an unknown filter, when validated, then it is an error', async () => {
    const src = winBack.replace('{{ coupon.expiresAt | date_local }}, once.</mj-text>', '{{ coupon.expiresAt | date_locale }}, once.</mj-text>');
    const issues = await issuesOf('win-back.yaml', src);
    expect(issues).toEqual([expect.objectContaining({ path: 'templates.en.mjml', message: expect.stringMatching(/undefined filter: date_locale/) })]);
  });
  it('given two template errors in one file, when validated, then both are reported, each at its own line', async () => {
    const src = winBack
      .replace('Hello {{ customer.name }},\n\n', 'Hello {{ customer.nickname }},\n\n')
      .replace('subject: "{{ customer.name }}，{{ shop.name }} 想念您"', 'subject: "{{ customer.name }}，{{ shop.nam | }} 想念您"');
    const issues = await issuesOf('win-back.yaml', src);
    expect(issues.map((i) => [i.path, i.line, i.message.replace(/^Liquid: /, '').slice(0, 26)])).toEqual([
      ['templates.zh-CN.subject', lineOf(src, '{{ shop.nam | }}'), '{{ shop.nam | }} has an em'],
      ['templates.en.text', lineOf(src, 'Hello {{ customer.nickname }}'), 'undefined variable: custom'],
      ['templates.zh-CN.subject', lineOf(src, '{{ shop.nam | }}'), 'undefined variable: shop.n'],
    ]);
  });
  it('given an undefined variable in the MJML body, then its line in the campaign file is named', async () => {
    const src = winBack.replace('<mj-text font-size="14px">Valid until', '<mj-text font-size="14px">{{ coupon.nope }} Valid until');
    const [issue] = await issuesOf('win-back.yaml', src);
    expect(issue).toMatchObject({ path: 'templates.en.mjml', line: lineOf(src, '{{ coupon.nope }}') });
  });
  it('given an unknown key deep in the file, then the key\'s own line is named, not the root', async () => {
    const src = winBack.replace('onCapped: defer', 'onCapped: defer\nonCaped: skip');
    const issues = await issuesOf('win-back.yaml', src);
    expect(issues).toEqual([expect.objectContaining({ path: 'onCaped', line: lineOf(src, 'onCaped: skip'), message: 'unknown key "onCaped"' })]);
    expect(lineOf(src, 'onCaped: skip')).toBeGreaterThan(4);
  });
  it('the id must match the file name', async () => {
    expect((await issuesOf('other.yaml', winBack)).map((i) => i.path)).toEqual(['id']);
  });
  it('YAML syntax errors carry their line', async () => {
    const [issue] = await issuesOf('x.yaml', 'id: x\nname: [unclosed\n');
    expect(issue!.line).toBeGreaterThan(0);
    expect(issue!.message).toMatch(/^YAML/);
  });
  it('one broken file fails the whole directory load, listing all files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'campaigns-'));
    writeFileSync(join(dir, 'win-back.yaml'), winBack);
    writeFileSync(join(dir, 'b.yaml'), 'id: Bad Id\nname: B\n');
    const err = await loadCampaigns(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CampaignConfigError);
    expect((err as CampaignConfigError).issues.map((i) => `${i.file}:${i.line} ${i.path}`)).toEqual(['b.yaml:1 id', 'b.yaml:1 trigger', 'b.yaml:1 templates']);
  });
});
