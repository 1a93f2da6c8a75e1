/**
 * Field paths of JSON objects, pure: which leaves differ between two objects, the leaves a
 * desired object sets, and which field manager owns a path in managedFields (FieldsV1).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- paths walk untyped JSON (objects of any kind, FieldsV1 sets) */
import { sameValue, serverDrops } from './normalize';

export type Segment = string | number;

/** `.spec.template.spec.containers[name=web].image` — named list items by name, like SSA conflicts. */
export function formatPath(path: readonly Segment[], at: (prefix: readonly Segment[]) => unknown): string {
  let out = '';
  path.forEach((seg, i) => {
    if (typeof seg === 'number') {
      const item = at(path.slice(0, i + 1)) as Record<string, unknown> | undefined;
      out += item && typeof item === 'object' && typeof item.name === 'string' ? `[name=${item.name}]` : `[${seg}]`;
    } else {
      out += /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`;
    }
  });
  return out;
}

export function valueAt(v: unknown, path: readonly Segment[]): unknown {
  let cur: any = v;
  for (const s of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[s as any];
  }
  return cur;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Every leaf (scalar, empty object or empty list) the object sets, as paths. */
export function leafPaths(v: unknown, prefix: Segment[] = []): Segment[][] {
  if (Array.isArray(v)) return v.length === 0 ? [prefix] : v.flatMap((x, i) => leafPaths(x, [...prefix, i]));
  if (isObj(v)) {
    const keys = Object.keys(v).sort();
    return keys.length === 0 ? [prefix] : keys.flatMap((k) => leafPaths(v[k], [...prefix, k]));
  }
  return [prefix];
}

/**
 * Paths whose values differ between a and b (added, removed or changed leaves), sorted.
 * Values, not spellings: quantities compare by value, and an empty value the API server
 * drops equals its absence (see sameValue and serverDrops).
 */
export function changedPaths(a: unknown, b: unknown, prefix: Segment[] = []): Segment[][] {
  const root = (isObj(b) ? b : isObj(a) ? a : {}) as Record<string, any>;
  return diffPaths(root, a, b, prefix);
}

function diffPaths(root: Record<string, any>, a: unknown, b: unknown, prefix: Segment[]): Segment[][] {
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    return Array.from({ length: n }, (_, i) => (i < a.length && i < b.length ? diffPaths(root, a[i], b[i], [...prefix, i]) : [[...prefix, i]])).flat();
  }
  if (isObj(a) && isObj(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()
      .flatMap((k) => diffPaths(root, a[k], b[k], [...prefix, k]));
  }
  if (sameValue(root, prefix, a, b)) return [];
  if ((a === undefined || a === null) && serverDrops(root, prefix, b)) return [];
  if ((b === undefined || b === null) && serverDrops(root, prefix, a)) return [];
  return [prefix];
}

/**
 * The manager whose FieldsV1 set holds `path` in a live object: `f:<field>` for map keys,
 * `k:{...}` for list items identified by their key fields, `i:<n>` otherwise.
 */
export function ownerOf(live: Record<string, any>, path: readonly Segment[]): string | undefined {
  for (const mf of live?.metadata?.managedFields ?? []) {
    if (holds(mf.fieldsV1, live, path)) return mf.manager;
  }
  return undefined;
}

function holds(fields: any, live: unknown, path: readonly Segment[]): boolean {
  let node = fields;
  for (let i = 0; i < path.length; i++) {
    if (!node || typeof node !== 'object') return false;
    const seg = path[i];
    if (typeof seg === 'string') {
      node = node[`f:${seg}`];
      continue;
    }
    const item = valueAt(live, path.slice(0, i + 1));
    const key = Object.keys(node).find((k) => {
      if (k === `i:${seg}`) return true;
      if (!k.startsWith('k:') || !isObj(item)) return false;
      try {
        const id = JSON.parse(k.slice(2)) as Record<string, unknown>;
        return Object.entries(id).every(([f, x]) => item[f] === x);
      } catch {
        return false;
      }
    });
    node = key ? node[key] : undefined;
  }
  return node !== undefined;
}

/** `/spec/replicas` (JSON pointer) or `.spec.replicas` (field path) as segments. */
export function pointerSegments(p: string): string[] {
  if (p.startsWith('/')) return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  return p.slice(1).split('.');
}
