/**
 * Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity), by value. The API
 * server stores a quantity in canonical form (`cpu: "0.5"` reads back as `500m`, `1024Mi` as
 * `1Gi`, `1e3` as `1k`), so plan and drift compare quantities by value, never by spelling.
 * Pure; exact (BigInt rationals, no floating point).
 */

/** An exact value `num / den` (den > 0, reduced). */
export interface QuantityValue {
  readonly num: bigint;
  readonly den: bigint;
}

// Maps, not object literals: a suffix such as `constructor` must not find a prototype member.
const DECIMAL_SI: ReadonlyMap<string, number> = new Map([['n', -9], ['u', -6], ['m', -3], ['', 0], ['k', 3], ['M', 6], ['G', 9], ['T', 12], ['P', 15], ['E', 18]]);
const BINARY_SI: ReadonlyMap<string, number> = new Map([['Ki', 10], ['Mi', 20], ['Gi', 30], ['Ti', 40], ['Pi', 50], ['Ei', 60]]);

/** Grammar of apimachinery's parseQuantityString: sign, digits, optional fraction (either side may be empty), suffix. */
const QUANTITY = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/;
const EXPONENT = /^[eE]([+-]?[0-9]+)$/;

/** The largest magnitude of a binary-SI quantity; ParseQuantity caps larger ones (and only those) to it. */
const MAX = (1n << 63n) - 1n;
/** The finest precision the server keeps (nano); finer values are rounded up, away from zero. */
const NANO = 10n ** 9n;
/** Decimal exponents we evaluate; beyond, a value is no quantity to us (compared as a string). */
const EXP_LIMIT = 10_000;

function gcd(a: bigint, b: bigint): bigint {
  let [x, y] = [a < 0n ? -a : a, b];
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function reduce(num: bigint, den: bigint): QuantityValue {
  if (num === 0n) return { num: 0n, den: 1n };
  const g = gcd(num, den);
  return { num: num / g, den: den / g };
}

/**
 * The value the API server stores for a quantity (a string, or a number as YAML/JSON may
 * carry it): parsed like apimachinery's ParseQuantity, rounded up (away from zero) to nano, a
 * binary-SI value capped at 2^63-1 in magnitude. Like ParseQuantity it reads an empty number
 * as 0 (`Gi`, `-`, `.`). `undefined` when it is not a quantity.
 */
export function parseQuantity(q: unknown): QuantityValue | undefined {
  let s: string;
  if (typeof q === 'number') {
    if (!Number.isFinite(q)) return undefined;
    s = String(q);
  } else if (typeof q === 'string') {
    s = q;
  } else {
    return undefined;
  }
  if (s.length === 0) return undefined;
  const m = QUANTITY.exec(s);
  if (!m) return undefined;
  const [, sign, int, frac = '', suffix] = m;
  let exp10: number;
  let exp2 = 0;
  if (DECIMAL_SI.has(suffix)) {
    exp10 = DECIMAL_SI.get(suffix)!;
  } else if (BINARY_SI.has(suffix)) {
    exp10 = 0;
    exp2 = BINARY_SI.get(suffix)!;
  } else {
    const e = EXPONENT.exec(suffix);
    if (!e) return undefined;
    exp10 = Number(e[1]);
    if (!Number.isSafeInteger(exp10) || Math.abs(exp10) > EXP_LIMIT) return undefined;
  }
  const digits = `${int}${frac}`.replace(/^0+/, '');
  if (digits === '') return { num: 0n, den: 1n };
  // value = digits × 10^(exp10 − |frac|) × 2^exp2
  const e = exp10 - frac.length;
  // Below 10^-9 any value rounds up to 1n: no need to build 10^10000.
  const shift = e + digits.length < -20 ? -20 - digits.length : e;
  let num = BigInt(digits) * (1n << BigInt(exp2));
  let den = 1n;
  if (shift >= 0) num *= 10n ** BigInt(shift);
  else den = 10n ** BigInt(-shift);
  // Round up (away from zero) to nano, then cap binary SI: what ParseQuantity keeps.
  if (den > NANO) {
    num = (num * NANO + den - 1n) / den;
    den = NANO;
  }
  if (exp2 > 0 && num > MAX * den) {
    num = MAX;
    den = 1n;
  }
  return reduce(sign === '-' ? -num : num, den);
}

/** Whether two quantities (strings or numbers) have the same value; false if either is not a quantity. */
export function sameQuantity(a: unknown, b: unknown): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return !!x && !!y && x.num * y.den === y.num * x.den;
}

type Segment = string | number;

/** Keys of LimitRange items (spec.limits[i]) whose values are resource lists. */
const LIMIT_RANGE_LISTS = new Set(['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']);

/**
 * Whether a field path of an object of `kind` holds a quantity in the built-in API types:
 * `resources.limits|requests.*` (containers, pod-level resources, PVCs and claim templates),
 * `emptyDir.sizeLimit`, a pod's `overhead.*`, ResourceQuota `spec.hard.*`, LimitRange
 * `spec.limits[i].{max,min,default,defaultRequest,maxLimitRequestRatio}.*`, PersistentVolume
 * `spec.capacity.*` and HPA metric targets (`target.value`, `target.averageValue`). Value
 * comparison is confined to these paths: elsewhere `"1.0"` and `"1"` are different strings.
 */
export function isQuantityPath(kind: string | undefined, path: readonly Segment[]): boolean {
  const n = path.length;
  const [k1, k2, k3] = [path[n - 1], path[n - 2], path[n - 3]];
  if (typeof k1 !== 'string') return false;
  if (k1 === 'sizeLimit' && k2 === 'emptyDir') return true;
  if ((k2 === 'limits' || k2 === 'requests') && k3 === 'resources') return true;
  if (k2 === 'overhead') return true;
  if (kind === 'ResourceQuota' && n === 3 && path[0] === 'spec' && k2 === 'hard') return true;
  if (kind === 'LimitRange' && n === 5 && path[0] === 'spec' && path[1] === 'limits' && typeof path[2] === 'number' && LIMIT_RANGE_LISTS.has(String(k2))) return true;
  if (kind === 'PersistentVolume' && n === 3 && path[0] === 'spec' && k2 === 'capacity') return true;
  if (kind === 'HorizontalPodAutoscaler' && k2 === 'target' && (k1 === 'value' || k1 === 'averageValue')) return true;
  return false;
}
