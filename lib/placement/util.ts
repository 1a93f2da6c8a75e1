/** Small helpers shared by the placement modules. Internal. */
import { compareStrings } from '../kube/sort';

/** Renders a user-supplied value for an error message: strings quoted, numbers as written. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v === undefined || v === null) return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** A comma-separated list, or '(none)'. */
export function list(items: readonly string[]): string {
  return items.length === 0 ? '(none)' : items.join(', ');
}

export function byName<T extends { readonly name: string }>(a: T, b: T): number {
  return compareStrings(a.name, b.name);
}

export function isNonNegativeInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

export function isPositiveInteger(v: unknown): v is number {
  return isNonNegativeInteger(v) && v > 0;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function hasOwn(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}
