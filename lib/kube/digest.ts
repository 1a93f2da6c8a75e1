import * as crypto from 'crypto';
import { boundedMemo } from './memo';
import { compareStrings, sortedKeys } from './sort';

/**
 * JSON with object keys sorted at every level: the input of content digests. Written as one
 * string without intermediate arrays (it runs for every object synthesized); keys are
 * sorted only when they are not in order already, which synthesized objects mostly are.
 */
export function canonicalJson(v: unknown): string {
  if (typeof v === 'string') return quotedString(v);
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  let out: string;
  if (Array.isArray(v)) {
    out = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out += ',';
      const x = v[i] === undefined ? undefined : canonicalJson(v[i]);
      if (x !== undefined) out += x; // as Array.join: nothing for undefined, functions, holes
    }
    return `${out}]`;
  }
  const keys = sortedKeys(v);
  out = '{';
  let sep = '';
  for (const k of keys) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined) continue;
    out += sep + quotedKey(k) + canonicalJson(x);
    sep = ',';
  }
  return `${out}}`;
}

// Keys (field names, label keys) and short values (names, label values, images) repeat
// across objects and clusters: each is quoted once.
const MAX_QUOTED = 100_000;
const quotedShort = boundedMemo(MAX_QUOTED, (s: string) => JSON.stringify(s));

/** JSON.stringify of a string, remembered for short ones. */
export function quotedString(s: string): string {
  return s.length > 256 ? JSON.stringify(s) : quotedShort(s); // long texts (scripts, certificates) rarely repeat
}

/** `"key":` */
const quotedKey = boundedMemo(MAX_QUOTED, (k: string) => `${JSON.stringify(k)}:`);

// crypto.hash (Node 20.12+): one call, no Hash object per digest (thousands of small inputs per run).
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Buffer, encoding: 'hex') => string }).hash;

export function sha256Hex(data: string | Buffer): string {
  return oneShot ? oneShot('sha256', data, 'hex') : crypto.createHash('sha256').update(data).digest('hex');
}

/** sha256 of the canonical JSON of an object: equal objects, equal digests, whatever the key order. */
export function contentDigest(o: unknown): string {
  return `sha256:${sha256Hex(canonicalJson(o))}`;
}

/** Digest of a cluster's object set from its objects' digests, in order: what the inventory and revision records carry. */
export function objectSetDigest(objectDigests: readonly string[]): string {
  return contentDigest(objectDigests);
}

/** Pretty JSON with object keys sorted at every level: byte-stable for review diffs and reports. */
export function stableJson(v: unknown): string {
  return `${JSON.stringify(sortDeep(v), null, 2)}\n`;
}

/** A copy with object keys sorted at every level and undefined members left out (one pass, no entry arrays: reports hold thousands of objects). */
export function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort(compareStrings)) {
      const x = o[k];
      if (x === undefined) continue;
      // A key named __proto__ (JSON.parse makes it an own member) stays a member, as Object.fromEntries keeps it.
      if (k === '__proto__') Object.defineProperty(out, k, { value: sortDeep(x), enumerable: true, writable: true, configurable: true });
      else out[k] = sortDeep(x);
    }
    return out;
  }
  return v;
}

/** sha256 of a file's bytes (a string: its UTF-8 bytes), as federation.json's `fileDigest` and `sha256sum` give it. */
export function fileDigest(bytes: string | Buffer): string {
  return `sha256:${sha256Hex(bytes)}`;
}
