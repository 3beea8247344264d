/** Flows in the report: counters → figures, A/B variants with intervals, P(best) and the winner. */
import { describe, expect, it } from 'vitest';
import { Flow } from '../../../shared/flows/schema.js';
import { flowReportOf, readFlowReports } from '../../../shared/reports/flows.js';
import { reportHtml } from '../../../shared/reports/html.js';
import { computeKpis } from '../../../shared/reports/snapshot.js';
import type { CompiledFlow } from '../../../shared/flows/compile.js';

const template = { en: { subject: 'Hi', text: 'Hello', mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Hello</mj-text></mj-column></mj-section></mj-body></mjml>' } };
const flow = (ab: { threshold?: number; minRecipients?: number } = {}) =>
  Flow.parse({
    id: 'win-back-churned',
    name: 'Win back, second step',
    trigger: { type: 'risk-entered', level: 'churned' },
    steps: [
      { id: 'first', type: 'send', templates: template, next: 'offer-size' },
      { id: 'offer-size', type: 'ab-split', ...ab, variants: [{ id: 'twenty', next: 'offer-20' }, { id: 'thirty', next: 'offer-30' }] },
      { id: 'offer-20', type: 'send', templates: template, next: 'end' },
      { id: 'offer-30', type: 'send', templates: template, next: 'end' },
    ],
  });

const counts = (twenty: [number, number], thirty: [number, number]) => ({
  entered: 700, control: 20, waiting: 30, done: 600, 'exit:ordered': 40, 'exit:unsubscribed': 10,
  'sent:first': 650, 'skipped:first': 5, 'sent:offer-20': twenty[0], 'sent:offer-30': thirty[0],
  'ab:offer-size:twenty:n': twenty[0], 'ab:offer-size:twenty:won': twenty[1],
  'ab:offer-size:thirty:n': thirty[0], 'ab:offer-size:thirty:won': thirty[1],
});

describe('flowReportOf', () => {
  it('gives the counters\' figures: entered, control, waiting, done, exits by reason, sent per send step in step order', () => {
    const r = flowReportOf(flow(), counts([300, 15], [310, 60]));
    expect(r).toMatchObject({ flowId: 'win-back-churned', name: 'Win back, second step', entered: 700, control: 20, waiting: 30, done: 600, exited: { ordered: 40, unsubscribed: 10 } });
    expect(r.sends).toEqual([
      { stepId: 'first', sent: 650, outcomes: { sent: 650, skipped: 5 } },
      { stepId: 'offer-20', sent: 300, outcomes: { sent: 300 } },
      { stepId: 'offer-30', sent: 310, outcomes: { sent: 310 } },
    ]);
  });

  it('reports each variant with its rate inside its 95 % interval and P(best), and the winner once both thresholds are met', () => {
    const [ab] = flowReportOf(flow(), counts([300, 15], [310, 60])).abSplits;
    expect(ab).toMatchObject({ stepId: 'offer-size', metric: 'conversion', threshold: 0.9, minRecipients: 100, winner: 'thirty' });
    expect(ab!.variants.map((v) => [v.id, v.recipients, v.successes])).toEqual([['twenty', 300, 15], ['thirty', 310, 60]]);
    const [twenty, thirty] = ab!.variants;
    expect(twenty!.rate).toBeCloseTo(15 / 300, 10);
    expect(thirty!.rate).toBeCloseTo(60 / 310, 10);
    for (const v of ab!.variants) {
      expect(v.interval[0]).toBeLessThan(v.rate!);
      expect(v.interval[1]).toBeGreaterThan(v.rate!);
    }
    // The intervals do not overlap: 5 % against 19 %
    expect(twenty!.interval[1]).toBeLessThan(thirty!.interval[0]);
    expect(thirty!.pBest).toBeGreaterThan(0.99);
    expect(twenty!.pBest + thirty!.pBest).toBeCloseTo(1, 10);
  });

  it('names no winner while a variant is under minRecipients, or while P(best) is under the threshold', () => {
    // The same clear difference, but 60 recipients each against the default minimum of 100
    expect(flowReportOf(flow(), counts([60, 3], [60, 12])).abSplits[0]!.winner).toBeNull();
    // …which a lower minimum lets through
    expect(flowReportOf(flow({ minRecipients: 50 }), counts([60, 3], [60, 12])).abSplits[0]!.winner).toBe('thirty');
    // Enough recipients, but 10 % against 11 %: not 90 % sure
    const close = flowReportOf(flow(), counts([300, 30], [300, 33])).abSplits[0]!;
    expect(close.winner).toBeNull();
    expect(Math.max(...close.variants.map((v) => v.pBest))).toBeLessThan(0.9);
  });

  it('lists every defined variant before anyone reached the split: no recipients, no rate, no winner', () => {
    const r = flowReportOf(flow(), { entered: 3, waiting: 3 });
    expect(r.abSplits[0]!.variants.map((v) => [v.id, v.recipients, v.rate])).toEqual([['twenty', 0, null], ['thirty', 0, null]]);
    expect(r.abSplits[0]!.winner).toBeNull();
    expect(r.sends.map((s) => s.sent)).toEqual([0, 0, 0]);
    expect(r.exited).toEqual({});
  });

  it('readFlowReports reads the counters of multi-step flows only', async () => {
    const read: string[] = [];
    const store = { counters: async (id: string) => (read.push(id), counts([300, 15], [310, 60])), clicks: async () => ({}) };
    const single = { ...flow(), id: 'welcome' };
    const reports = await readFlowReports([{ flow: flow(), sends: new Map(), single: false }, { flow: single, sends: new Map(), single: true }] as CompiledFlow[], store);
    expect(read).toEqual(['win-back-churned']);
    expect(reports.map((r) => r.flowId)).toEqual(['win-back-churned']);
  });
});

describe('the report\'s Flows section', () => {
  const kpis = computeKpis({ currency: 'CNY', timeZone: 'UTC', customers: [], purchaseDays: new Map(), orders: [], loyalty: [], baseTier: 'member', sends: [], surveys: [], oneTimeAtRiskDays: 120, atRiskMultiple: 2 }, { now: new Date('2026-11-20T04:00:00Z') });
  const report = flowReportOf(flow(), counts([300, 15], [310, 60]));

  it('shows each flow\'s figures and a row per variant with its interval, P(best) and the winner marked, in the chosen language', () => {
    const en = reportHtml(kpis, 'en', { flows: [report] });
    const section = en.slice(en.indexOf('<section id="flows">'), en.indexOf('</section>', en.indexOf('<section id="flows">')));
    expect(section).toContain('<h2>Flows</h2>');
    expect(section).toContain('data-flow="win-back-churned"');
    expect(section).toMatch(/<tr data-step="first"><td>first<\/td><td class="n">650<\/td><\/tr>/);
    const thirty = /<tr data-variant="thirty" data-winner="true">(.*?)<\/tr>/.exec(section)?.[1];
    expect(thirty).toContain('<td class="n">310</td><td class="n">60</td><td class="n">19.4 %</td>');
    const [low, high] = report.abSplits[0]!.variants[1]!.interval.map((x) => `${(x * 100).toFixed(1)} %`);
    expect(thirty).toContain(`${low} … ${high}`);
    expect(thirty).toContain('★ winner');
    expect(section).toMatch(/<tr data-variant="twenty">(?:(?!★).)*<\/tr>/);
    const zh = reportHtml(kpis, 'zh-CN', { flows: [report] });
    expect(zh).toContain('<h2>自动化旅程</h2>');
    expect(zh).toContain('最优概率');
    expect(zh).toContain('★ 胜出');
  });

  it('says so when there is no winner yet, and leaves the section out when the caller has no flows', () => {
    const open = reportHtml(kpis, 'en', { flows: [flowReportOf(flow(), counts([300, 30], [300, 33]))] });
    expect(open).toContain('No winner yet');
    expect(open).not.toContain('data-winner');
    expect(reportHtml(kpis, 'en')).not.toContain('id="flows"');
  });
});
