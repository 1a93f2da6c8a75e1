import { FederationError } from '../errors';
import { PlacementErrorCode as E } from './codes';
import { hasOwn, isNonNegativeInteger, isPlainObject, show } from './util';
import { compareStrings } from '../kube/sort';

/** One participant of a replica division. */
export interface ReplicaMember {
  /** Cluster name, unique among the members. */
  readonly name: string;
  /** Positive finite weight; shares are proportional to it. */
  readonly weight: number;
}

/**
 * A per-member bound: one number for every member, or a map by member name (members
 * without an entry get the default: 0 for min, unbounded for max; entries for names that
 * are not members are ignored).
 */
export type ReplicaBound = number | Readonly<Record<string, number>>;

/**
 * A positive finite number as the user wrote it: the exact decimal of its shortest
 * round-trip representation (String(w), e.g. "0.1", "2.5", "1e-7", "1.5e+21") as an integer
 * mantissa and a power of ten, w = m × 10^e. So 0.1 is exactly 1/10, not the binary double
 * 0.1000000000000000055511151231257827…
 */
export function toDecimal(w: number): { m: bigint; e: number } {
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(w));
  if (!match) throw new Error(`not a positive finite number: ${w}`);
  const frac = match[2] ?? '';
  return { m: BigInt(match[1] + frac), e: Number(match[3] ?? 0) - frac.length };
}

/**
 * Weights scaled by one common power of ten to exact integers with the same ratios as the
 * decimals the user wrote: [0.1, 0.3] → [1, 3], [2.5, 1] → [25, 10].
 */
export function exactWeights(weights: readonly number[]): bigint[] {
  const parts = weights.map(toDecimal);
  const minE = Math.min(...parts.map((p) => p.e));
  return parts.map((p) => p.m * 10n ** BigInt(p.e - minE));
}

function boundFor(bound: ReplicaBound | undefined, name: string): number | undefined {
  if (bound === undefined) return undefined;
  if (typeof bound === 'number') return bound;
  return hasOwn(bound, name) ? bound[name] : undefined;
}

function checkBound(bound: ReplicaBound | undefined, which: 'min' | 'max', where: string): void {
  if (bound === undefined) return;
  if (typeof bound === 'number') {
    if (!isNonNegativeInteger(bound)) {
      throw new FederationError(E.REPLICAS_INVALID_BOUND, where, `replica ${which} must be a non-negative integer, got ${show(bound)}`,
        `use e.g. ${which}: ${which === 'min' ? 1 : 5}, or a map by cluster name`);
    }
    return;
  }
  if (!isPlainObject(bound)) {
    throw new FederationError(E.REPLICAS_INVALID_BOUND, where, `replica ${which} must be a number or a map by cluster name, got ${show(bound)}`,
      `use e.g. ${which}: 2 or ${which}: { "eu-west-1a": 2 }`);
  }
  for (const [name, v] of Object.entries(bound)) {
    if (!isNonNegativeInteger(v)) {
      throw new FederationError(E.REPLICAS_INVALID_BOUND, where, `replica ${which} for cluster ${show(name)} must be a non-negative integer, got ${show(v)}`,
        `use a whole number of replicas, e.g. ${which}: { ${JSON.stringify(name)}: 2 }`);
    }
  }
}

/**
 * Divides `total` replicas over `members` in proportion to their weights, keeping every
 * member within [min, max]. Deterministic: the result depends only on the set of members
 * (not their order) and always sums to exactly `total`.
 *
 * Remainder rule: replicas are divided by the largest-remainder (Hamilton) method, with
 * bounds handled by water-filling. Each cluster's exact quota is total × weight ÷ (sum of
 * weights). Clusters whose quota is below their min, or above their max, are fixed at that
 * bound (when both occur at once, the side with the larger total violation is fixed first,
 * because it is certain to stay at its bound), and the rest of the total is divided again
 * over the other clusters by weight, until every quota lies within its bounds. Each of
 * these clusters then gets the whole part of its quota, and the replicas left over go one
 * each to the clusters with the largest fractional remainders; equal remainders go to the
 * larger weight, then to the name that sorts first (code-point order). The arithmetic is
 * exact on the decimal numbers as written: each weight is read from its shortest decimal
 * representation (so 0.1 means exactly 1/10), scaled by a common power of ten to an
 * integer, and every quota is compared as an integer fraction. Weights {a: 0.1, b: 0.3}
 * therefore divide exactly like {a: 1, b: 3}, and no floating-point rounding can change a
 * result.
 *
 * Public: `divideReplicas(18, [{ name: 'us', weight: 4 }, { name: 'eu', weight: 3 }], 2)`.
 *
 * @param total replicas to divide, a non-negative integer
 * @param members the clusters taking part, each with a positive weight
 * @param min per-member lower bound @default 0
 * @param max per-member upper bound @default - unbounded
 * @param where named in error messages @default 'divideReplicas'
 * @returns replicas by member name, keys in name order
 * @throws FederationError REPLICAS_INVALID_COUNT (total not a non-negative integer),
 *   REPLICAS_INVALID_WEIGHT (weight not positive finite), REPLICAS_DUPLICATE_MEMBER,
 *   REPLICAS_INVALID_BOUND (bound not a non-negative integer, or min > max for a member),
 *   REPLICAS_INFEASIBLE (sum of mins > total, sum of maxes < total, or no member for a
 *   positive total)
 */
export function divideReplicas(
  total: number,
  members: readonly ReplicaMember[],
  min?: ReplicaBound,
  max?: ReplicaBound,
  where: string = 'divideReplicas',
): Record<string, number> {
  if (!isNonNegativeInteger(total)) {
    throw new FederationError(E.REPLICAS_INVALID_COUNT, where, `total replicas must be a non-negative integer, got ${show(total)}`,
      'use a whole number such as total: 12');
  }
  checkBound(min, 'min', where);
  checkBound(max, 'max', where);
  const seen = new Set<string>();
  for (const m of members) {
    if (seen.has(m.name)) {
      throw new FederationError(E.REPLICAS_DUPLICATE_MEMBER, where, `cluster ${show(m.name)} appears twice in the replica division`,
        'each cluster takes part in a division once');
    }
    seen.add(m.name);
    if (typeof m.weight !== 'number' || !Number.isFinite(m.weight) || m.weight <= 0) {
      throw new FederationError(E.REPLICAS_INVALID_WEIGHT, where, `weight of cluster ${show(m.name)} must be a positive finite number, got ${show(m.weight)}`,
        'give every cluster a weight > 0 (capacity in the registry, or the static weights map)');
    }
  }
  const sorted = [...members].sort((a, b) => compareStrings(a.name, b.name));
  const lo = sorted.map((m) => boundFor(min, m.name) ?? 0);
  const hi = sorted.map((m) => boundFor(max, m.name)); // undefined = unbounded
  sorted.forEach((m, i) => {
    const h = hi[i];
    if (h !== undefined && lo[i] > h) {
      throw new FederationError(E.REPLICAS_INVALID_BOUND, where, `cluster ${show(m.name)} has min ${lo[i]} greater than max ${h}`,
        'make min <= max for every cluster');
    }
  });
  if (sorted.length === 0) {
    if (total === 0) return {};
    throw new FederationError(E.REPLICAS_INFEASIBLE, where, `cannot place ${total} replicas: no cluster takes part in the division`,
      'select at least one non-standby cluster, or set total: 0');
  }
  const sumLo = lo.reduce((a, b) => a + b, 0);
  if (sumLo > total) {
    throw new FederationError(E.REPLICAS_INFEASIBLE, where, `cannot divide ${total} replicas: the per-cluster minimums add up to ${sumLo} over ${sorted.length} cluster(s)`,
      `raise total to at least ${sumLo}, lower min, or select fewer clusters`);
  }
  if (hi.every((h) => h !== undefined)) {
    const sumHi = (hi as number[]).reduce((a, b) => a + b, 0);
    if (sumHi < total) {
      throw new FederationError(E.REPLICAS_INFEASIBLE, where, `cannot divide ${total} replicas: the per-cluster maximums add up to only ${sumHi} over ${sorted.length} cluster(s)`,
        `lower total to at most ${sumHi}, raise max, or select more clusters`);
    }
  }

  const w = exactWeights(sorted.map((m) => m.weight));
  const result: (bigint | undefined)[] = sorted.map(() => undefined);
  let free = sorted.map((_, i) => i);
  let remaining = BigInt(total);

  // Water-filling: fix the members whose quota is out of bounds, re-divide the rest.
  for (;;) {
    const sumW = free.reduce((a, i) => a + w[i], 0n);
    const over: number[] = [];
    const under: number[] = [];
    let overAmt = 0n; // sum of (quota - max), scaled by sumW
    let underAmt = 0n; // sum of (min - quota), scaled by sumW
    for (const i of free) {
      const q = remaining * w[i]; // quota × sumW
      const h = hi[i];
      if (h !== undefined && q > BigInt(h) * sumW) {
        over.push(i);
        overAmt += q - BigInt(h) * sumW;
      } else if (q < BigInt(lo[i]) * sumW) {
        under.push(i);
        underAmt += BigInt(lo[i]) * sumW - q;
      }
    }
    if (over.length === 0 && under.length === 0) break;
    const fix = over.length > 0 && overAmt >= underAmt ? over : under;
    const fixSet = new Set(fix);
    for (const i of fix) {
      const v = BigInt(fix === over ? hi[i]! : lo[i]);
      result[i] = v;
      remaining -= v;
    }
    free = free.filter((i) => !fixSet.has(i));
  }

  // Hamilton on the members left free: whole parts, then largest remainders.
  if (free.length > 0) {
    const sumW = free.reduce((a, i) => a + w[i], 0n);
    const rem = new Map<number, bigint>();
    let given = 0n;
    for (const i of free) {
      const q = remaining * w[i];
      result[i] = q / sumW;
      rem.set(i, q % sumW);
      given += q / sumW;
    }
    const order = [...free].sort((a, b) => {
      const ra = rem.get(a)!;
      const rb = rem.get(b)!;
      if (ra !== rb) return ra > rb ? -1 : 1;
      if (w[a] !== w[b]) return w[a] > w[b] ? -1 : 1;
      return a - b; // members are sorted by name
    });
    const leftover = Number(remaining - given);
    for (let j = 0; j < leftover; j++) result[order[j]] = result[order[j]]! + 1n;
  }

  const out: Record<string, number> = {};
  sorted.forEach((m, i) => {
    out[m.name] = Number(result[i]!);
  });
  return out;
}
