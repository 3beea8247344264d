/** The flow graph checks `engage campaigns validate` runs: targets, reachability, loops without a wait. */
import { describe, expect, it } from 'vitest';
import { checkGraph } from '../../../shared/flows/graph.js';
import { Flow, type Step } from '../../../shared/flows/schema.js';

const t = { subject: 's', mjml: '<mjml><mj-body></mj-body></mjml>', text: 't' };
const send = (id: string, next?: string) => ({ id, type: 'send', templates: { en: t }, ...(next ? { next } : {}) });
const graph = (steps: unknown[]) => checkGraph({ steps: steps.map((s) => Flow.shape.steps.element.parse(s) as Step) });

describe('flow graph', () => {
  it('accepts a straight line and branches that end', () => {
    expect(graph([send('a'), { id: 'w', type: 'wait', for: { days: 1 } }, { id: 's', type: 'split', when: { tiers: ['gold'] }, then: 'b', else: 'end' }, send('b')])).toEqual([]);
  });
  it('names a target that is no step', () => {
    expect(graph([send('a', 'nope')])).toEqual([{ path: ['steps', 0], message: 'goes to "nope", which is no step of this flow (use "end" to finish)' }]);
  });
  it('names a step nothing reaches', () => {
    expect(graph([send('a', 'end'), send('b')])).toEqual([{ path: ['steps', 1, 'id'], message: 'step "b" can never be reached from the first step' }]);
  });
  it('refuses a loop without a wait, accepts one with a wait', () => {
    expect(graph([send('a'), { id: 's', type: 'split', when: { tiers: ['gold'] }, then: 'a', else: 'end' }])[0]?.message).toMatch(/form a loop without a wait/);
    expect(graph([send('a'), { id: 'w', type: 'wait', for: { days: 7 } }, { id: 's', type: 'split', when: { tiers: ['gold'] }, then: 'a', else: 'end' }])).toEqual([]);
  });
  it('refuses duplicate step ids', () => {
    expect(graph([send('a'), send('a')])[0]?.message).toBe('duplicate step id "a"');
  });
  it('judges a click split only by mails: each variant must go straight to a send step', () => {
    const split = (next: string) => ({ id: 'ab', type: 'ab-split', metric: 'click', variants: [{ id: 'x', next: 'a' }, { id: 'y', next }] });
    expect(graph([split('b'), send('a', 'end'), send('b', 'end')])).toEqual([]);
    expect(graph([split('w'), send('a', 'end'), { id: 'w', type: 'wait', for: { days: 1 }, next: 'end' }])).toEqual([
      { path: ['steps', 0, 'variants', 1, 'next'], message: 'with metric click, each variant must go straight to a send step (its clicks are the metric)' },
    ]);
  });
});
