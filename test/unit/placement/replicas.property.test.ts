/**
 * Property tests for divideReplicas without a property-testing library: a seeded PRNG
 * (mulberry32) generates thousands of cases, so every run checks the same cases and a
 * failure names its seed and case for reproduction.
 */
import { isFederationError } from '../../../lib/errors';
import { divideReplicas, PlacementErrorCode as E, ReplicaBound, ReplicaMember } from '../../../lib/placement';
import { mulberry32 } from '../../support/placement';

const W = 'prop/app';
const NAMES = ['a', 'b', 'c', 'eu-1', 'eu-10', 'eu-2', 'us-east', 'ap-south', 'Z', 'zz'];

interface Case {
  readonly total: number;
  readonly members: ReplicaMember[];
  readonly min?: ReplicaBound;
  readonly max?: ReplicaBound;
}

function shuffle<T>(rnd: () => number, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const int = (rnd: () => number, lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

function genWeight(rnd: () => number, pool: number[]): number {
  const r = rnd();
  if (r < 0.3 && pool.length > 0) return pool[int(rnd, 0, pool.length - 1)]; // repeat a weight: ties
  if (r < 0.6) return int(rnd, 1, 10);
  if (r < 0.8) return Math.round(rnd() * 1000) / 100 + 0.01; // decimal weights like 3.27
  return rnd() * 1e6 + 1e-9;
}

function genCase(rnd: () => number): Case {
  const n = int(rnd, 1, 8);
  const names = shuffle(rnd, NAMES).slice(0, n);
  const pool: number[] = [];
  const members = names.map((name) => {
    const weight = genWeight(rnd, pool);
    pool.push(weight);
    return { name, weight };
  });
  const total = int(rnd, 0, 60);
  const genBound = (kind: 'min' | 'max'): ReplicaBound | undefined => {
    const r = rnd();
    if (r < 0.35) return undefined;
    if (r < 0.6) return kind === 'min' ? int(rnd, 0, 6) : int(rnd, 0, 20);
    const map: Record<string, number> = {};
    for (const m of members) if (rnd() < 0.7) map[m.name] = kind === 'min' ? int(rnd, 0, 6) : int(rnd, 0, 20);
    if (rnd() < 0.2) map.ghost = 3; // entries for non-members are ignored
    return map;
  };
  let min = genBound('min');
  let max = genBound('max');
  // Keep min <= max per member (that error class is tested separately): raise max where needed.
  if (max !== undefined) {
    const fixed: Record<string, number> = {};
    for (const m of members) {
      const lo = boundOf(min, m.name) ?? 0;
      const hi = boundOf(max, m.name);
      if (hi !== undefined) fixed[m.name] = Math.max(hi, lo);
    }
    max = fixed;
  }
  if (min !== undefined && rnd() < 0.5 && typeof min === 'number') min = { ...Object.fromEntries(members.map((m) => [m.name, min as number])) };
  return { total, members, min, max };
}

function boundOf(b: ReplicaBound | undefined, name: string): number | undefined {
  if (b === undefined) return undefined;
  if (typeof b === 'number') return b;
  return Object.prototype.hasOwnProperty.call(b, name) ? b[name] : undefined;
}

function feasible(c: Case): boolean {
  const sumLo = c.members.reduce((s, m) => s + (boundOf(c.min, m.name) ?? 0), 0);
  const his = c.members.map((m) => boundOf(c.max, m.name));
  const sumHi = his.some((h) => h === undefined) ? Infinity : (his as number[]).reduce((s, h) => s + h, 0);
  return c.members.length === 0 ? c.total === 0 : sumLo <= c.total && c.total <= sumHi;
}

const run = (c: Case, members = c.members) => divideReplicas(c.total, members, c.min, c.max, W);

/** The continuous bounded solution x_i = clamp(λ·w_i, lo_i, hi_i) with Σx = total, by bisection on λ. */
function continuousSolution(c: Case): number[] {
  const lo = c.members.map((m) => boundOf(c.min, m.name) ?? 0);
  const hi = c.members.map((m) => boundOf(c.max, m.name) ?? Infinity);
  const at = (lambda: number) => c.members.map((m, i) => Math.min(hi[i], Math.max(lo[i], lambda * m.weight)));
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  let a = 0;
  let b = Math.max(...c.members.map((m, i) => (Math.min(hi[i], c.total) + 1) / m.weight));
  for (let k = 0; k < 200; k++) {
    const mid = (a + b) / 2;
    if (sum(at(mid)) < c.total) a = mid;
    else b = mid;
  }
  return at(b);
}

const CASES = 4000;
const SEED = 20261121;

describe(`divideReplicas properties (${CASES} seeded random cases, seed ${SEED})`, () => {
  const rnd = mulberry32(SEED);
  const cases = Array.from({ length: CASES }, () => genCase(rnd));
  const feasibleCases = cases.filter(feasible);
  const infeasibleCases = cases.filter((c) => !feasible(c));

  test('the generator covers both feasible and infeasible inputs, bounded and unbounded', () => {
    expect(feasibleCases.length).toBeGreaterThan(CASES / 3);
    expect(infeasibleCases.length).toBeGreaterThan(CASES / 10);
    expect(feasibleCases.filter((c) => c.min !== undefined && c.max !== undefined).length).toBeGreaterThan(200);
    expect(feasibleCases.filter((c) => c.min === undefined && c.max === undefined).length).toBeGreaterThan(200);
  });

  test('feasible: sums exactly to total, every member present, bounds kept, integers only', () => {
    let checked = 0;
    feasibleCases.forEach((c, k) => {
      const r = run(c);
      const fail = (why: string) => {
        throw new Error(`case ${k}: ${why}: ${JSON.stringify(c)} → ${JSON.stringify(r)}`);
      };
      if (JSON.stringify(Object.keys(r).sort()) !== JSON.stringify(c.members.map((m) => m.name).sort())) fail('members differ');
      if (Object.values(r).reduce((s, x) => s + x, 0) !== c.total) fail('sum differs from total');
      for (const m of c.members) {
        const x = r[m.name];
        if (!Number.isInteger(x)) fail(`${m.name} is not an integer`);
        if (x < (boundOf(c.min, m.name) ?? 0)) fail(`${m.name} below min`);
        if (x > (boundOf(c.max, m.name) ?? Infinity)) fail(`${m.name} above max`);
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(feasibleCases.length);
  });

  test('deterministic: the same input twice and any permutation of members give the same output, keys in name order', () => {
    const prnd = mulberry32(SEED + 1);
    feasibleCases.forEach((c) => {
      const first = JSON.stringify(run(c));
      const variants = [run(c), run(c, shuffle(prnd, c.members)), run(c, shuffle(prnd, c.members)), run(c, [...c.members].reverse())];
      for (const v of variants) {
        // JSON.stringify compares key order as well as values
        if (JSON.stringify(v) !== first) throw new Error(`not deterministic: ${JSON.stringify(c)}: ${first} vs ${JSON.stringify(v)}`);
      }
      const keys = Object.keys(JSON.parse(first));
      const sorted = c.members.map((m) => m.name).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      if (JSON.stringify(keys) !== JSON.stringify(sorted)) throw new Error(`keys not in name order: ${first}`);
    });
    expect(feasibleCases.length).toBeGreaterThan(0);
  });

  test('monotone: a strictly larger weight with the same bounds never gets fewer replicas', () => {
    let pairs = 0;
    feasibleCases.forEach((c) => {
      const r = run(c);
      for (const p of c.members) {
        for (const q of c.members) {
          if (p.weight > q.weight && boundOf(c.min, p.name) === boundOf(c.min, q.name) && boundOf(c.max, p.name) === boundOf(c.max, q.name)) {
            pairs++;
            if (r[p.name] < r[q.name]) throw new Error(`monotonicity broken: ${JSON.stringify(c)} → ${JSON.stringify(r)} (${p.name} vs ${q.name})`);
          }
        }
      }
    });
    expect(pairs).toBeGreaterThan(1000);
  });

  test('within one of the exact bounded share: |x_i − clamp(λ·w_i, min_i, max_i)| < 1 for every member', () => {
    feasibleCases.forEach((c) => {
      if (c.members.length === 0) return;
      const r = run(c);
      const exact = continuousSolution(c);
      c.members.forEach((m, i) => {
        if (!(Math.abs(r[m.name] - exact[i]) < 1 + 1e-6)) {
          throw new Error(`quota rule broken for ${m.name}: got ${r[m.name]}, exact share ${exact[i]}: ${JSON.stringify(c)} → ${JSON.stringify(r)}`);
        }
      });
    });
  });

  test('unbounded integer weights match a straightforward Hamilton reference (remainder, then weight, then name)', () => {
    const rrnd = mulberry32(SEED + 2);
    for (let k = 0; k < 2000; k++) {
      const n = int(rrnd, 1, 7);
      const members = shuffle(rrnd, NAMES).slice(0, n).map((name) => ({ name, weight: int(rrnd, 1, 6) }));
      const total = int(rrnd, 0, 40);
      const S = members.reduce((s, m) => s + m.weight, 0);
      const ref: Record<string, number> = {};
      const rems = members.map((m) => ({ m, rem: (total * m.weight) % S }));
      for (const m of members) ref[m.name] = Math.floor((total * m.weight) / S);
      let left = total - Object.values(ref).reduce((s, x) => s + x, 0);
      rems.sort((x, y) => y.rem - x.rem || y.m.weight - x.m.weight || (x.m.name < y.m.name ? -1 : 1));
      for (const { m } of rems) if (left-- > 0) ref[m.name]++;
      expect(divideReplicas(total, members, undefined, undefined, W)).toEqual(ref);
    }
  });

  test('scale-free: multiplying every weight by a power of two or an integer changes nothing', () => {
    feasibleCases.slice(0, 1500).forEach((c) => {
      const base = run(c);
      const factors = [2, 0.5, 1024, 2 ** -40, ...(c.members.every((m) => Number.isInteger(m.weight)) ? [7] : [])];
      for (const f of factors) {
        const scaled = run(c, c.members.map((m) => ({ name: m.name, weight: m.weight * f })));
        if (JSON.stringify(scaled) !== JSON.stringify(base)) throw new Error(`not scale-free (×${f}): ${JSON.stringify(c)}: ${JSON.stringify(base)} vs ${JSON.stringify(scaled)}`);
      }
    });
  });

  test('infeasible (sum of mins > total or sum of maxes < total) always throws REPLICAS_INFEASIBLE', () => {
    infeasibleCases.forEach((c) => {
      let err: unknown;
      try {
        run(c);
      } catch (e) {
        err = e;
      }
      if (!isFederationError(err) || err.code !== E.REPLICAS_INFEASIBLE) {
        throw new Error(`expected REPLICAS_INFEASIBLE for ${JSON.stringify(c)}, got ${String(err)}`);
      }
      expect(err.message).toContain(`${c.total} replicas`);
    });
  });
});
