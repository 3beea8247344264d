/**
 * A flow's steps as a graph, checked before it goes live: every target exists, every step is
 * reachable from the first, and no cycle can run without a wait in it (a loop of sends and splits
 * would spin inside one invocation). Pure.
 */
import type { Flow, Step } from './schema.js';

export interface GraphIssue {
  path: (string | number)[];
  message: string;
}

/** The steps a step can go to (`end` excluded); a step without `next` goes to the following one. */
export function successors(flow: Pick<Flow, 'steps'>, index: number): string[] {
  const s = flow.steps[index]!;
  const following = flow.steps[index + 1]?.id ?? 'end';
  const targets = (() => {
    switch (s.type) {
      case 'send':
      case 'wait':
        return [s.next ?? following];
      case 'wait-for':
        return [s.onEvent, s.onTimeout];
      case 'split':
        return [s.then, s.else];
      case 'ab-split':
        return s.variants.map((v) => v.next);
    }
  })();
  return [...new Set(targets)].filter((t) => t !== 'end');
}

const suspends = (s: Step) => s.type === 'wait' || s.type === 'wait-for';

export function checkGraph(flow: Pick<Flow, 'steps'>): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const index = new Map<string, number>();
  flow.steps.forEach((s, i) => {
    if (index.has(s.id)) issues.push({ path: ['steps', i, 'id'], message: `duplicate step id "${s.id}"` });
    else index.set(s.id, i);
  });
  flow.steps.forEach((s, i) => {
    if (s.type === 'ab-split' && new Set(s.variants.map((v) => v.id)).size !== s.variants.length) issues.push({ path: ['steps', i, 'variants'], message: 'variant ids must differ' });
    // A click is counted per mail: each variant must start with the mail whose clicks it is judged by.
    if (s.type === 'ab-split' && s.metric === 'click') {
      s.variants.forEach((v, j) => {
        if (flow.steps.find((x) => x.id === v.next)?.type !== 'send') issues.push({ path: ['steps', i, 'variants', j, 'next'], message: 'with metric click, each variant must go straight to a send step (its clicks are the metric)' });
      });
    }
    for (const t of successors(flow, i)) if (!index.has(t)) issues.push({ path: ['steps', i], message: `goes to "${t}", which is no step of this flow (use "end" to finish)` });
  });
  if (issues.length) return issues;
  const reached = new Set<number>();
  const stack = [0];
  while (stack.length) {
    const i = stack.pop()!;
    if (reached.has(i)) continue;
    reached.add(i);
    for (const t of successors(flow, i)) stack.push(index.get(t)!);
  }
  flow.steps.forEach((s, i) => {
    if (!reached.has(i)) issues.push({ path: ['steps', i, 'id'], message: `step "${s.id}" can never be reached from the first step` });
  });
  // A cycle among steps that do not suspend: depth-first search over the non-waiting subgraph.
  const state = new Map<number, 'open' | 'done'>();
  const visit = (i: number): string[] | null => {
    if (state.get(i) === 'done') return null;
    if (state.get(i) === 'open') return [flow.steps[i]!.id];
    state.set(i, 'open');
    if (!suspends(flow.steps[i]!)) {
      for (const t of successors(flow, i)) {
        const loop = visit(index.get(t)!);
        if (loop) {
          state.set(i, 'done');
          return [flow.steps[i]!.id, ...loop];
        }
      }
    }
    state.set(i, 'done');
    return null;
  };
  for (let i = 0; i < flow.steps.length; i++) {
    const loop = visit(i);
    if (loop) {
      issues.push({ path: ['steps', index.get(loop.at(-1)!)!], message: `steps ${loop.join(' → ')} form a loop without a wait` });
      break;
    }
  }
  return issues;
}
