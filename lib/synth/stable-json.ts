/**
 * JSON text laid out exactly as cdktf writes cdk.tf.json (json-stable-stringify with
 * `space: 2`): keys sorted at every level, two-space indent, empty maps and lists opened
 * and closed on separate lines, undefined members left out (null in lists). A direct
 * printer, several times faster, for the resources the stack writer adds.
 */
import { quotedString } from '../kube/digest';
import { boundedMemo } from '../kube/memo';
import { compareStrings, sortedKeys } from '../kube/sort';

const indents: string[] = [];
function indentOf(level: number): string {
  return (indents[level] ??= `\n${'  '.repeat(level)}`);
}

/** `"key": `, remembered: the same few keys recur in every resource. */
const keyText = boundedMemo(100_000, (k: string) => `${JSON.stringify(k)}: `);

/**
 * A value that prints itself: cdktfJson calls `printAt` with the level it lands on instead
 * of walking it (a manifest printed from the object, without a cleaned copy: cleanedJson).
 */
export class PrintedJson {
  constructor(readonly printAt: (level: number) => string) {}
}

function print(node: unknown, level: number): string | undefined {
  if (typeof node === 'string') return quotedString(node);
  if (node instanceof PrintedJson) return node.printAt(level);
  if (node && typeof (node as { toJSON?: unknown }).toJSON === 'function') node = (node as { toJSON(): unknown }).toJSON();
  if (node === undefined) return undefined;
  if (typeof node !== 'object' || node === null) return JSON.stringify(node);
  const close = indentOf(level);
  const open = indentOf(level + 1);
  let out = '';
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      out += `${i > 0 ? ',' : ''}${open}${print(node[i], level + 1) ?? 'null'}`;
    }
    return `[${out}${close}]`;
  }
  let sep = open;
  for (const k of sortedKeys(node)) {
    const v = print((node as Record<string, unknown>)[k], level + 1);
    if (!v) continue;
    out += sep + keyText(k) + v;
    sep = `,${open}`;
  }
  return `{${out}${close}}`;
}

export function cdktfJson(v: unknown): string {
  return print(v, 0) ?? '';
}

/**
 * What cdktfJson prints at `level` for a copy of `v` with null and undefined members and
 * list items left out and every string, keys too, passed through `text`: the same text,
 * without the copy (at fleet scale, copying every object before printing it cost more than
 * the printing). Objects are walked as plain data (no toJSON), as such a copy would be.
 */
export function cleanedJson(v: unknown, level: number, text: (s: string) => string): string | undefined {
  if (typeof v === 'string') return quotedString(text(v));
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  const close = indentOf(level);
  const open = indentOf(level + 1);
  let out = '';
  if (Array.isArray(v)) {
    let sep = open;
    for (const x of v) {
      if (x === null || x === undefined) continue;
      out += sep + (cleanedJson(x, level + 1, text) ?? 'null');
      sep = `,${open}`;
    }
    return `[${out}${close}]`;
  }
  const o = v as Record<string, unknown>;
  let sep = open;
  for (const [k, shown] of cleanedKeys(o, text)) {
    const x = o[k];
    if (x === null || x === undefined) continue;
    const printed = cleanedJson(x, level + 1, text);
    if (!printed) continue;
    out += sep + keyText(shown) + printed;
    sep = `,${open}`;
  }
  return `{${out}${close}}`;
}

/** Each key with the text it is shown as, in the order of the shown texts (which differs only when `text` changes a key). */
function cleanedKeys(o: object, text: (s: string) => string): Array<readonly [string, string]> {
  let changed = false;
  const pairs = sortedKeys(o).map((k) => {
    const shown = text(k);
    if (shown !== k) changed = true;
    return [k, shown] as const;
  });
  return changed ? pairs.sort((a, b) => compareStrings(a[1], b[1])) : pairs;
}
