/**
 * Blueprints and transformations are JSON data written as YAML. YAML can say more — tagged
 * timestamps, sets, ordered maps, binary, `.inf`, keys that are lists — and those would reach
 * events as `{}`, `{"0":104,…}` or `null`; keys `1` and `"1"` would silently become one. This
 * finds the first such node, so the source is refused with its position instead.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { Path } from './row-compiler.ts';

/** The tags of JSON's types in YAML 1.2 (`!!str 12` is fine: it is text). */
const JSON_TAGS: ReadonlySet<string> = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

export interface NonJsonNode {
  /** Where the node is, as the compiler's paths are written. */
  path: Path;
  /** Offset of the node in the source. */
  offset: number;
  reason: string;
}

function tagName(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}

function offsetOf(node: unknown): number {
  return (node as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
}

/**
 * The first node of a parsed document that is not plain JSON data, or undefined. Walks with an
 * explicit stack: documents nested thousands of levels deep must not overflow the call stack.
 * Aliases are not followed (their anchor is checked where it is defined).
 *
 * @example
 * findNonJson(parseDocument('since: !!timestamp 2024-01-01')); // { path: ['since'], offset: 7, reason: 'YAML tag !!timestamp …' }
 * findNonJson(parseDocument('a: 1'));                          // undefined
 */
export function findNonJson(doc: Document): NonJsonNode | undefined {
  const stack: Array<{ node: unknown; path: Path }> = [{ node: doc.contents, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (node === null || node === undefined || isAlias(node)) continue;
    const tag = (node as Node).tag;
    if (tag !== undefined && !JSON_TAGS.has(tag)) {
      return { path, offset: offsetOf(node), reason: `YAML tag ${tagName(tag)} is not allowed: a blueprint holds JSON data (text, numbers, booleans, null, lists and mappings); quote the value to keep it as text` };
    }
    if (isScalar(node)) {
      const value: unknown = node.value;
      if (typeof value === 'number' && !Number.isFinite(value)) return { path, offset: offsetOf(node), reason: `${String(value)} is not a JSON number; quote it to keep it as text` };
      if (value !== null && typeof value === 'object') return { path, offset: offsetOf(node), reason: 'this YAML value is not JSON data (text, a number, a boolean or null)' };
    } else if (isMap(node)) {
      const seen = new Map<string, unknown>();
      for (const pair of node.items) {
        const key: unknown = pair.key;
        if (!isScalar(key)) return { path, offset: offsetOf(key ?? node), reason: 'a key must be text or a number, not a list, a mapping or an alias' };
        const name = String(key.value);
        if (seen.has(name)) {
          return { path: [...path, name], offset: offsetOf(key), reason: `the key "${name}" is given twice (${JSON.stringify(seen.get(name))} and ${JSON.stringify(key.value)} are the same key in JSON)` };
        }
        seen.set(name, key.value);
        stack.push({ node: key, path: [...path, name] }, { node: pair.value, path: [...path, name] });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => stack.push({ node: item, path: [...path, i] }));
    }
  }
  return undefined;
}
