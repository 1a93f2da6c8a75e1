/**
 * JSON text laid out exactly as cdktf writes cdk.tf.json (json-stable-stringify with
 * `space: 2`): keys sorted at every level, two-space indent, empty maps and lists opened
 * and closed on separate lines, undefined members left out (null in lists). A direct
 * printer, several times faster, for the resources the stack writer adds.
 */
import { quotedString } from '../kube/digest';
import { boundedMemo } from '../kube/memo';
import { sortedKeys } from '../kube/sort';

const indents: string[] = [];
function indentOf(level: number): string {
  return (indents[level] ??= `\n${'  '.repeat(level)}`);
}

/** `"key": `, remembered: the same few keys recur in every resource. */
const keyText = boundedMemo(100_000, (k: string) => `${JSON.stringify(k)}: `);

function print(node: unknown, level: number): string | undefined {
  if (typeof node === 'string') return quotedString(node);
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
