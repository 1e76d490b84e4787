/**
 * Paths on events: `properties.revenue`, `context.page.path`, `user_properties.$set.email`,
 * `properties.products[].price` (every element's price). Compiled once into closures.
 */

export type Getter = (root: unknown) => unknown;
export type Setter = (root: Record<string, unknown>, value: unknown) => void;

const SEGMENT = /^[A-Za-z0-9_$@-]+(\[\])?$/;

/** Splits a path and checks its syntax; returns a reason when it is malformed. */
export function parsePath(path: string): { segments: Array<{ key: string; each: boolean }> } | { error: string } {
  if (typeof path !== 'string' || path.trim() === '') return { error: 'must be a non-empty path such as properties.revenue' };
  const segments = [];
  for (const raw of path.split('.')) {
    if (!SEGMENT.test(raw)) return { error: `"${raw}" in "${path}" is not a valid path segment (letters, digits, _ $ @ -, optionally ending in [])` };
    const each = raw.endsWith('[]');
    segments.push({ key: each ? raw.slice(0, -2) : raw, each });
  }
  return { segments };
}

function read(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * Compiles a getter. A `[]` segment maps the rest of the path over an array (missing values
 * are left out); a path through a non-object yields undefined.
 *
 * @example
 * compileGetter('properties.products[].price')(event); // [59.99, 15]
 */
export function compileGetter(path: string): Getter {
  const parsed = parsePath(path);
  if ('error' in parsed) throw new Error(parsed.error);
  const build = (index: number): Getter => {
    if (index >= parsed.segments.length) return (value) => value;
    const { key, each } = parsed.segments[index]!;
    const rest = build(index + 1);
    if (each) {
      return (value) => {
        const list = read(value, key);
        if (!Array.isArray(list)) return undefined;
        const out: unknown[] = [];
        for (const item of list) {
          const inner = rest(item);
          if (inner !== undefined) out.push(inner);
        }
        return out;
      };
    }
    if (index === parsed.segments.length - 1) return (value) => read(value, key);
    return (value) => rest(read(value, key));
  };
  // Unrolled for the common short paths: they run for every field of every event.
  const simple = parsed.segments.every((s) => !s.each);
  const keys = parsed.segments.map((s) => s.key);
  if (simple && keys.length === 1) {
    const [a] = keys as [string];
    return (root) => read(root, a);
  }
  if (simple && keys.length === 2) {
    const [a, b] = keys as [string, string];
    return (root) => read(read(root, a), b);
  }
  if (simple && keys.length === 3) {
    const [a, b, c] = keys as [string, string, string];
    return (root) => read(read(read(root, a), b), c);
  }
  return build(0);
}

/**
 * Compiles a setter creating the objects on the way. Target paths have no `[]`.
 *
 * @example
 * compileSetter('user_properties.$set.email')(out, 'a@b.co');
 */
export function compileSetter(path: string): Setter {
  const parsed = parsePath(path);
  if ('error' in parsed) throw new Error(parsed.error);
  if (parsed.segments.some((s) => s.each)) throw new Error(`target "${path}" cannot contain []`);
  const keys = parsed.segments.map((s) => s.key);
  const last = keys.at(-1)!;
  const parents = keys.slice(0, -1);
  return (root, value) => {
    let node: Record<string, unknown> = root;
    for (const key of parents) {
      const next = node[key];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) {
        const created: Record<string, unknown> = {};
        node[key] = created;
        node = created;
      } else node = next as Record<string, unknown>;
    }
    node[last] = value;
  };
}

/** Removes the value at a path (no-op when absent). */
export function compileRemover(path: string): (root: Record<string, unknown>) => void {
  const parsed = parsePath(path);
  if ('error' in parsed) throw new Error(parsed.error);
  const keys = parsed.segments.map((s) => s.key);
  const parent = keys.length > 1 ? compileGetter(keys.slice(0, -1).join('.')) : (root: unknown) => root;
  const last = keys.at(-1)!;
  return (root) => {
    const node = parent(root);
    if (node !== null && typeof node === 'object' && !Array.isArray(node)) delete (node as Record<string, unknown>)[last];
  };
}
