/**
 * The one string order of the product: UTF-16 code-unit order, what `<` and a plain
 * `Array.prototype.sort()` use. Locale-independent, so output is the same on every machine
 * (`localeCompare` is not: it depends on the ICU data and the locale).
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Own enumerable keys in code-unit order; sorted only when they are not in order already. */
export function sortedKeys(o: object): string[] {
  const keys = Object.keys(o);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1] > keys[i]) return keys.sort();
  }
  return keys;
}

/** A shallow copy with keys in code-unit order (labels, annotations and config maps are written sorted). */
export function sortedRecord<T>(r: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of sortedKeys(r)) out[k] = r[k];
  return out;
}
