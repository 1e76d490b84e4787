/**
 * Paths on events: `properties.revenue`, `context.page.path`, `user_properties.$set.email`,
 * `properties.products[].price` (every element's price), `properties.products.0.price` (the
 * first element's). Parsed once and compiled into closures.
 */
import { isJsonObject } from '../sdk/json-object.ts';

export type Getter = (root: unknown) => unknown;
/** Writes a value; false when it could not (an index past the end of a list, or no list there). */
export type Setter = (root: Record<string, unknown>, value: unknown) => boolean;

export interface PathSegment {
  key: string;
  /** `[]`: the rest of the path applies to every element of the list at `key`. */
  each: boolean;
}

const SEGMENT = /^[A-Za-z0-9_$@-]+(\[\])?$/;
/** Segments that would reach an object's prototype instead of its data. */
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * Splits a path and checks its syntax; returns a reason when it is malformed.
 *
 * @example
 * parsePath('properties.products[].price'); // { segments: [{key: 'properties', each: false}, {key: 'products', each: true}, {key: 'price', each: false}] }
 */
export function parsePath(path: string): { segments: PathSegment[] } | { error: string } {
  if (typeof path !== 'string' || path.trim() === '') return { error: 'must be a non-empty path such as properties.revenue' };
  const segments: PathSegment[] = [];
  for (const raw of path.split('.')) {
    if (!SEGMENT.test(raw)) return { error: `"${raw}" in "${path}" is not a valid path segment (letters, digits, _ $ @ -, optionally ending in [])` };
    const each = raw.endsWith('[]');
    const key = each ? raw.slice(0, -2) : raw;
    if (FORBIDDEN.has(key)) return { error: `"${key}" in "${path}" is not allowed in a path` };
    segments.push({ key, each });
  }
  return { segments };
}

function segmentsOf(path: string): PathSegment[] {
  const parsed = parsePath(path);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.segments;
}

/** One step down; inherited members (`toString`, …) are not event data and read as missing. */
function read(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  const next = (value as Record<string, unknown>)[key];
  return typeof next === 'function' ? undefined : next;
}

/**
 * Compiles a getter. A `[]` segment maps the rest of the path over a list (elements where it
 * is missing are left out, so the result may be shorter); a path through a non-object is
 * undefined. Never throws.
 *
 * @example
 * compileGetter('properties.products[].price')(event); // [59.99, 15]
 */
export function compileGetter(path: string): Getter {
  const segments = segmentsOf(path);
  const keys = segments.map((s) => s.key);
  // Unrolled for the common short paths: they run for every field of every event.
  if (segments.every((s) => !s.each)) {
    if (keys.length === 1) {
      const a = keys[0]!;
      return (root) => read(root, a);
    }
    if (keys.length === 2) {
      const a = keys[0]!;
      const b = keys[1]!;
      return (root) => read(read(root, a), b);
    }
    if (keys.length === 3) {
      const a = keys[0]!;
      const b = keys[1]!;
      const c = keys[2]!;
      return (root) => read(read(read(root, a), b), c);
    }
    return (root) => {
      let node = root;
      for (let i = 0; i < keys.length && node !== undefined; i++) node = read(node, keys[i]!);
      return node;
    };
  }
  const build = (index: number): Getter => {
    if (index >= segments.length) return (value) => value;
    const { key, each } = segments[index]!;
    const rest = build(index + 1);
    if (!each) return (value) => rest(read(value, key));
    const identity = index === segments.length - 1;
    return (value) => {
      const list = read(value, key);
      if (!Array.isArray(list)) return undefined;
      const out: unknown[] = [];
      for (const item of list) {
        const inner = identity ? item : rest(item);
        if (inner !== undefined) out.push(inner);
      }
      return out;
    };
  };
  return build(0);
}

/** A path segment that indexes a list when a list is there: `0`, `12` (not `01`). */
const INDEX = /^(0|[1-9]\d*)$/;

/**
 * Whether a segment is a list index (`products.0`).
 *
 * @example
 * isIndexSegment('0');  // true
 * isIndexSegment('01'); // false
 */
export function isIndexSegment(key: string): boolean {
  return INDEX.test(key);
}

/**
 * Compiles a setter that creates the objects on the way (replacing any non-object found
 * there). Target paths have no `[]`. A numeric segment over a list writes into that element
 * (the list stays a list); it returns false, writing nothing, when there is no list there or
 * no element at that index: writing `{"0": …}` instead would destroy the list.
 *
 * @example
 * compileSetter('user_properties.$set.email')(out, 'a@b.co'); // out.user_properties.$set.email === 'a@b.co'
 * compileSetter('items.0.price')({ items: [{}, {}] }, 10);    // true: items[0].price === 10
 */
export function compileSetter(path: string): Setter {
  const segments = segmentsOf(path);
  if (segments.some((s) => s.each)) throw new Error(`target "${path}" cannot contain []`);
  const keys = segments.map((s) => s.key);
  const last = keys.at(-1)!;
  const indexes = keys.map(isIndexSegment);
  if (keys.length === 1) {
    return (root, value) => {
      root[last] = value;
      return true;
    };
  }
  const parents = keys.slice(0, -1);
  if (!indexes.includes(true)) {
    return (root, value) => {
      let node: Record<string, unknown> = root;
      for (let i = 0; i < parents.length; i++) {
        const key = parents[i]!;
        const next = node[key];
        if (next === null || typeof next !== 'object' || Array.isArray(next)) {
          const created: Record<string, unknown> = {};
          node[key] = created;
          node = created;
        } else node = next as Record<string, unknown>;
      }
      node[last] = value;
      return true;
    };
  }
  // With list indexes: step into lists by index; an object keeps the segment as a key.
  return (root, value) => {
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i <= parents.length; i++) {
      const key = keys[i]!;
      const isLast = i === parents.length;
      if (Array.isArray(node)) {
        // Only an index reaches a list (see below); past the end there is nothing to write into.
        const at = Number(key);
        if (at >= node.length) return false;
        if (isLast) {
          node[at] = value;
          return true;
        }
        node = stepInto(node, at, indexes[i + 1]!);
        continue;
      }
      if (isLast) {
        node[key] = value;
        return true;
      }
      // With no list below, an index is an object key (`custom_data.0` → {"0": …}), as it
      // always was: stored blueprints written that way keep their output.
      node = stepInto(node, key, indexes[i + 1]!);
    }
    return true;
  };
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return value !== null && typeof value === 'object';
}

/** The child to write into: kept when it is an object, or a list the next (index) segment reads; otherwise replaced by `{}`. */
function stepInto(node: Record<string, unknown> | unknown[], key: string | number, nextIsIndex: boolean): Record<string, unknown> | unknown[] {
  const next = (node as Record<string | number, unknown>)[key];
  if (isContainer(next) && (!Array.isArray(next) || nextIsIndex)) return next;
  const created: Record<string, unknown> = {};
  (node as Record<string | number, unknown>)[key] = created;
  return created;
}

/**
 * Compiles a setter for objects: an object value merges into an object already at the path
 * (its keys win), so a whole-object copy (`properties` → `event_properties`) and single fields
 * written under the same object (`event_properties.page_url`) add up whatever their order.
 * Other values, or nothing there yet, are set as `compileSetter` does.
 *
 * @example
 * const merge = compileMergingSetter('event_properties');
 * merge(out, { a: 1 }); merge(out, { b: 2 }); // out.event_properties = { a: 1, b: 2 }
 */
export function compileMergingSetter(path: string): Setter {
  const set = compileSetter(path);
  const get = compileGetter(path);
  return (root, value) => {
    if (isJsonObject(value)) {
      const existing = get(root);
      if (isJsonObject(existing)) {
        for (const key in value) if (Object.hasOwn(value, key)) existing[key] = value[key];
        return true;
      }
    }
    return set(root, value);
  };
}

/**
 * Compiles a remover: deletes the value at a path (no-op when absent). A numeric segment over a
 * list takes that element out (the list gets shorter, as `remove` of an element means).
 *
 * @example
 * compileRemover('properties.password')(event);
 * compileRemover('properties.products.0')(event); // the first product is gone
 */
export function compileRemover(path: string): (root: Record<string, unknown>) => void {
  const keys = segmentsOf(path).map((s) => s.key);
  const parent = keys.length > 1 ? compileGetter(keys.slice(0, -1).join('.')) : (root: unknown) => root;
  const last = keys.at(-1)!;
  const index = isIndexSegment(last) ? Number(last) : -1;
  return (root) => {
    const node = parent(root);
    if (Array.isArray(node)) {
      if (index >= 0 && index < node.length) node.splice(index, 1);
    } else if (node !== null && typeof node === 'object') delete (node as Record<string, unknown>)[last];
  };
}

/**
 * A deep copy of JSON data (objects, lists, scalars): vendor events and transformed events must
 * share nothing with their input, which other integrations read concurrently. Much faster than
 * `structuredClone` on the small objects events hold.
 *
 * @example
 * const copy = copyJson(event.properties);
 */
export function copyJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyJson(value[i]);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const key in value) {
    // An own "__proto__" (JSON.parse makes those) would set the copy's prototype: left out.
    if (Object.hasOwn(value, key) && key !== '__proto__') out[key] = copyJson((value as Record<string, unknown>)[key]);
  }
  return out as T;
}
