/**
 * Checks LiquidJS accepts but a marketer never means. LiquidJS is lenient about output tags:
 * `{{ customer.name , we miss you at {{ shop.name }}` parses as one output whose expression is
 * `customer.name` followed by ignored junk (the mail shows just the name), and `{{ x | }}` has an
 * empty filter that is silently dropped. Both must fail validation, so every output tag is
 * checked here: one value expression, then `| filter[: args]` segments, and no stray `{{`.
 */
import { Tokenizer, TokenKind } from 'liquidjs';

export interface LintIssue {
  message: string;
  /** 1-based line inside the template text. */
  line: number;
}

// A variable path (customer.name, links.surveyByScore["5"]), a literal, or a range.
const VALUE = /^(?:[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[(?:'[^']*'|"[^"]*"|\d+|[A-Za-z_][\w.-]*)\])*|'[^']*'|"[^"]*"|-?\d+(?:\.\d+)?|\(\s*\S+\s*\.\.\s*\S+\s*\))$/;
const FILTER = /^[A-Za-z_][\w-]*(?:\s*:\s*\S[\s\S]*)?$/;

/** Splits on `sep` outside quoted strings. */
function splitOutside(s: string, sep: string): string[] {
  const parts: string[] = [];
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === sep) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

const withoutStrings = (s: string) => s.replace(/'[^']*'|"[^"]*"/g, '""');
const lineAt = (src: string, offset: number) => src.slice(0, offset).split('\n').length;

export function lintLiquid(src: string): LintIssue[] {
  let tokens;
  try {
    tokens = new Tokenizer(src).readTopLevelTokens();
  } catch {
    return []; // a syntax error: the parser reports it with its own message and line
  }
  const issues: LintIssue[] = [];
  for (const t of tokens) {
    const line = lineAt(src, t.begin);
    if (t.kind === TokenKind.HTML) {
      // Text outside tags that still holds a closing brace pair: an opening `{{` is missing.
      if (t.getText().includes('}}')) issues.push({ line: line + (t.getText().slice(0, t.getText().indexOf('}}')).split('\n').length - 1), message: 'Liquid: "}}" without a matching "{{"' });
      continue;
    }
    if (t.kind !== TokenKind.Output) continue;
    const content = (t as unknown as { content: string }).content.trim();
    const shown = `{{ ${content.length > 40 ? `${content.slice(0, 40)}…` : content} }}`;
    if (/\{\{|\{%/.test(withoutStrings(content))) {
      issues.push({ line, message: `Liquid: ${shown} holds another "{{" — a "}}" is missing before it` });
      continue;
    }
    const [value = '', ...filters] = splitOutside(content, '|').map((p) => p.trim());
    if (!VALUE.test(value)) {
      issues.push({ line, message: `Liquid: ${shown} is not one value (text after the variable? a missing "}}"?)` });
      continue;
    }
    for (const f of filters) {
      if (f === '') issues.push({ line, message: `Liquid: ${shown} has an empty filter after "|"` });
      else if (!FILTER.test(f)) issues.push({ line, message: `Liquid: ${shown} has a malformed filter "${f}"` });
    }
  }
  return issues;
}

/** Rendered text must not show template syntax to the customer. */
export const leftoverSyntax = (rendered: string): string | null => {
  const m = /\{\{|\}\}|\{%|%\}/.exec(rendered);
  return m ? m[0] : null;
};
