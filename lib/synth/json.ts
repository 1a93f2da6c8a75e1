/** Pretty JSON with object keys sorted at every level: byte-stable for review diffs. */
export function stableJson(v: unknown): string {
  return `${JSON.stringify(sortDeep(v), null, 2)}\n`;
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, x]) => [k, sortDeep(x)]));
  }
  return v;
}
