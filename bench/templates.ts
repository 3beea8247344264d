// Template rendering speed: personalised win-back emails per second on one core (MJML compiled
// beforehand, as at load). Target ≥ 5,000/s. Run: npx tsx bench/templates.ts
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { validateCampaignSource } from '../shared/campaigns/load.js';
import { renderEmail } from '../shared/campaigns/render.js';
import { SAMPLE_FACTS, SAMPLE_SHOP, templateVars } from '../shared/campaigns/templates.js';
import type { Locale } from '../shared/platform/contracts/events.js';

export interface TemplateBench {
  renders: number;
  seconds: number;
  rendersPerSecond: number;
  /** Mean HTML size, to show the work is real. */
  htmlBytes: number;
  compileMs: number;
}

export async function runTemplateBench(renders = 20_000, file = resolve(import.meta.dirname, '../campaigns/win-back.yaml')): Promise<TemplateBench> {
  const t0 = performance.now();
  const r = await validateCampaignSource('win-back.yaml', readFileSync(file, 'utf8'));
  if (!r.ok) throw new Error(`win-back.yaml is invalid: ${r.issues.map((i) => i.message).join('; ')}`);
  const compileMs = performance.now() - t0;
  const locales: Locale[] = ['en', 'zh-CN'];
  // Distinct customers per render, so nothing is accidentally cached between iterations.
  const vars = Array.from({ length: 256 }, (_, i) =>
    templateVars({
      facts: { ...SAMPLE_FACTS, customerId: `c${i}`, name: `Customer <${i}>`, locale: locales[i % 2]! },
      locale: locales[i % 2]!,
      shop: SAMPLE_SHOP,
      links: { unsubscribe: `https://engage.example.com/u/token-${i}`, survey: [], surveyByScore: {} },
      trigger: { daysSinceLastOrder: 60 + (i % 40), lastOrderDay: `2026-0${1 + (i % 9)}-1${i % 10}` },
    }),
  );
  const run = (n: number) => {
    let bytes = 0;
    for (let i = 0; i < n; i++) bytes += renderEmail(r.compiled[0]!, locales[i % 2]!, vars[i % vars.length]!).html.length;
    return bytes;
  };
  run(2_000); // JIT warm-up
  const t1 = performance.now();
  const bytes = run(renders);
  const seconds = (performance.now() - t1) / 1000;
  return { renders, seconds, rendersPerSecond: Math.round(renders / seconds), htmlBytes: Math.round(bytes / renders), compileMs: Math.round(compileMs) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const b = await runTemplateBench();
  process.stdout.write(
    `win-back: ${b.rendersPerSecond.toLocaleString('en')} personalised emails/s on one core ` +
      `(${b.renders} renders in ${b.seconds.toFixed(2)} s, ${b.htmlBytes} B HTML each; MJML compile + checks ${b.compileMs} ms once)\n`,
  );
}
