/**
 * Stack skeletons by substitution. Stacks that the same code builds from props differing
 * only in a few strings (a cluster's name, context, endpoint) differ only where those
 * strings, or fixed functions of them, appear. A template is the skeleton rendered for
 * placeholder strings; a stack's skeleton is the template with each placeholder form
 * replaced by the same form of the stack's strings. Plain data, no cdktf: the caller
 * renders the template and checks it (terraform-stack.ts).
 */

/** One form of one string: what the template holds, and what the stack gets instead. */
export type Substitution = readonly [placeholder: string, value: string];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces every placeholder in a string in one left-to-right pass: text put in is never
 * scanned again, so a value that happens to contain a placeholder stays as it is. Where
 * placeholders start at the same place, the longest wins (a quoted form before the bare one).
 * @throws Error for an empty placeholder or two different values for one placeholder
 */
export function substituter(subs: readonly Substitution[]): (s: string) => string {
  const values = new Map<string, string>();
  for (const [p, v] of subs) {
    if (p === '') throw new Error('a placeholder is empty');
    if (values.has(p) && values.get(p) !== v) throw new Error(`placeholder "${p}" stands for two values`);
    values.set(p, v);
  }
  if (values.size === 0) return (s) => s;
  const pattern = patternOf([...values.keys()]);
  return (s) => s.replace(pattern, (m) => values.get(m)!);
}

/** The placeholders' pattern, compiled once per set of placeholders (every stack of a shape has the same). */
const patterns = new Map<string, RegExp>();
function patternOf(placeholders: string[]): RegExp {
  const source = placeholders.sort((a, b) => b.length - a.length || (a < b ? -1 : 1)).map(escapeRegExp).join('|');
  let re = patterns.get(source);
  if (!re) {
    if (patterns.size >= 100) patterns.clear();
    re = new RegExp(source, 'g');
    patterns.set(source, re);
  }
  return re;
}

/** A copy of `template` (plain JSON) with every string and every key passed through `replace`. */
export function instantiate<T>(template: T, replace: (s: string) => string): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return replace(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[replace(k)] = walk(x);
      return out;
    }
    return v;
  };
  return walk(template) as T;
}
