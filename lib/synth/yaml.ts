/**
 * YAML of a manifest, byte-identical to `YAML.stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })`
 * (the `yaml` package) and several times faster on Kubernetes objects.
 *
 * The package builds a document tree of every object before printing it, which was the
 * largest single cost of writing a fleet's manifests. Here plain JSON data (maps, lists,
 * strings, numbers, booleans, null) is printed directly in the package's block layout;
 * each distinct scalar and key is printed once by the package itself and remembered,
 * which is what keeps quoting exactly the same. Whatever this printer is not sure to
 * print the same way (multi-line strings, strings that look like document markers,
 * undefined values, anything that is not plain JSON) makes it hand the whole object to
 * the package.
 */
import * as YAML from 'yaml';
import { boundedMemo } from '../kube/memo';

const OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;
const MAX_CACHE = 200_000;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;

/** Fallback signal: the value is printed by the package instead. */
class Unsupported extends Error {}
const UNSUPPORTED = new Unsupported();

/** A string value as the package prints it, when that does not depend on where it stands (null: it does). */
const scalarText = boundedMemo(MAX_CACHE, (s: string): string | null => {
  if (DOCUMENT_MARKER.test(s)) return null;
  const y = YAML.stringify(s, OPTIONS);
  return y.indexOf('\n') === y.length - 1 ? y.slice(0, -1) : null;
});

/** A map key as the package prints it (null: not on one line of its own). */
const mapKeyText = boundedMemo(MAX_CACHE, (k: string): string | null => {
  if (DOCUMENT_MARKER.test(k)) return null;
  const y = YAML.stringify({ [k]: 1 }, OPTIONS);
  return y.endsWith(': 1\n') && y.indexOf('\n') === y.length - 1 && !y.startsWith('? ') ? y.slice(0, -4) : null;
});

const numberTexts = boundedMemo(MAX_CACHE, (n: number) => YAML.stringify(n, OPTIONS).slice(0, -1));

function stringText(s: string): string {
  const t = scalarText(s);
  if (t === null) throw UNSUPPORTED;
  return t;
}

function keyText(k: string): string {
  const t = mapKeyText(k);
  if (t === null) throw UNSUPPORTED;
  return t;
}

function numberText(n: number): string {
  if (Object.is(n, -0)) return YAML.stringify(n, OPTIONS).slice(0, -1); // a Map key would take it for 0
  return numberTexts(n);
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A value that fits on the line after `key: ` or `- `; undefined for a non-empty collection. */
function inline(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string': return stringText(v);
    case 'number': return numberText(v);
    case 'boolean': return v ? 'true' : 'false';
    case 'object':
      if (v === null) return 'null';
      if (Array.isArray(v)) return v.length === 0 ? '[]' : undefined;
      if (!isPlainObject(v)) throw UNSUPPORTED;
      for (const _ in v) return undefined; // the first key says it is not empty
      return '{}';
    default: throw UNSUPPORTED; // undefined, bigint, symbol, function
  }
}

/** A non-empty map: its first line starts at `first`, the others at `indent`. */
function map(o: Record<string, unknown>, indent: string, first: string, out: string[]): void {
  let lead = first;
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v === undefined) throw UNSUPPORTED;
    const key = keyText(k);
    const text = inline(v);
    if (text !== undefined) {
      out.push(`${lead}${key}: ${text}\n`);
    } else {
      out.push(`${lead}${key}:\n`);
      const inner = `${indent}  `;
      if (Array.isArray(v)) seq(v, inner, inner, out);
      else map(v as Record<string, unknown>, inner, inner, out);
    }
    lead = indent;
  }
}

/** A non-empty list: its first item starts at `first`, the others at `indent`. */
function seq(a: readonly unknown[], indent: string, first: string, out: string[]): void {
  let lead = first;
  for (const v of a) {
    const text = inline(v);
    if (text !== undefined) {
      out.push(`${lead}- ${text}\n`);
    } else {
      const inner = `${indent}  `;
      if (Array.isArray(v)) seq(v, inner, `${lead}- `, out);
      else map(v as Record<string, unknown>, inner, `${lead}- `, out);
    }
    lead = indent;
  }
}

/** The YAML document of a manifest (plain JSON data). */
export function manifestYaml(o: unknown): string {
  try {
    const text = inline(o);
    if (text !== undefined) return `${text}\n`;
    const out: string[] = [];
    if (Array.isArray(o)) seq(o, '', '', out);
    else map(o as Record<string, unknown>, '', '', out);
    return out.join('');
  } catch (e) {
    if (e !== UNSUPPORTED) throw e;
    return YAML.stringify(o, OPTIONS);
  }
}
