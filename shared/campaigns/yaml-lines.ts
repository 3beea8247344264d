/** Maps a path in a parsed YAML file (as zod reports it) back to a line and column. */
import { isMap, isSeq, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';

export interface Located {
  doc: Document;
  lineCounter: LineCounter;
}

export const parseLocated = (source: string): Located => {
  const lineCounter = new LineCounter();
  return { doc: parseDocument(source, { lineCounter, prettyErrors: false }), lineCounter };
};

export interface Position {
  line: number;
  col: number;
  /** For block scalars: the line where the value's text starts (Liquid/MJML line 1). */
  valueLine?: number;
}

/**
 * Walks the path as far as it exists; a missing key is reported at its parent, which is where
 * it has to be added. A found key is reported at the key, the line people look for.
 */
export function locate({ doc, lineCounter }: Located, path: readonly PropertyKey[]): Position | undefined {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0];
  let valueOffset: number | undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
      if (!pair) break;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
      valueOffset = (node as Node | null)?.range?.[0];
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
      node = node.items[seg];
      offset = (node as Node).range?.[0] ?? offset;
      valueOffset = offset;
    } else break;
  }
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  if (!isScalar(node) || valueOffset === undefined) return { line, col };
  // A block scalar's range starts at its indicator ("|"); its text starts on the next line.
  const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
  return { line, col, valueLine: lineCounter.linePos(valueOffset).line + (block ? 1 : 0) };
}
