/**
 * Exact arithmetic on the decimals users write: a weight of 0.1 is one tenth, not the
 * nearest binary double. Property tests with a seeded PRNG (see replicas.property.test.ts).
 */
import { divideReplicas, place, ReplicaBound } from '../../../lib';
import { exactWeights, toDecimal } from '../../../lib/placement/replicas';
import { cluster, mulberry32 } from '../../support/placement';

const W = 'decimal/app';
const int = (rnd: () => number, lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

describe('toDecimal / exactWeights', () => {
  test.each<[number, bigint, number]>([
    [1, 1n, 0], [3, 3n, 0], [0.1, 1n, -1], [0.3, 3n, -1], [2.5, 25n, -1], [120, 120n, 0],
    [1e-7, 1n, -7], [1.5e21, 15n, 20], [0.000123, 123n, -6], [123456.789, 123456789n, -3],
  ])('%p is %p × 10^%p', (w, m, e) => {
    expect(toDecimal(w)).toEqual({ m, e });
  });

  test('weights are scaled by one power of ten to integers with the written ratios', () => {
    expect(exactWeights([0.1, 0.3])).toEqual([1n, 3n]);
    expect(exactWeights([2.5, 1, 0.25])).toEqual([250n, 100n, 25n]);
    expect(exactWeights([1e-7, 1])).toEqual([1n, 10000000n]);
  });
});

describe('decimal weights divide exactly like the integers they scale to', () => {
  test('{a: 0.1, b: 0.3} ≡ {a: 1, b: 3} for every total from 0 to 5000', () => {
    for (let total = 0; total <= 5000; total++) {
      const dec = divideReplicas(total, [{ name: 'a', weight: 0.1 }, { name: 'b', weight: 0.3 }], undefined, undefined, W);
      const whole = divideReplicas(total, [{ name: 'a', weight: 1 }, { name: 'b', weight: 3 }], undefined, undefined, W);
      if (JSON.stringify(dec) !== JSON.stringify(whole)) throw new Error(`total ${total}: ${JSON.stringify(dec)} vs ${JSON.stringify(whole)}`);
    }
  });

  test('an exact tie stays a tie: total 2 over {0.1, 0.3} gives the tied replica to the larger weight, as {1, 3} does', () => {
    // As binary doubles 0.1 : 0.3 is slightly more than 1 : 3, which would hand the tie to a.
    expect(divideReplicas(2, [{ name: 'a', weight: 0.1 }, { name: 'b', weight: 0.3 }], undefined, undefined, W)).toEqual({ a: 0, b: 2 });
    expect(divideReplicas(2, [{ name: 'a', weight: 1 }, { name: 'b', weight: 3 }], undefined, undefined, W)).toEqual({ a: 0, b: 2 });
    // 0.1 + 0.2 is not 0.3 in binary; here the decimals 0.1 + 0.2 and 0.3 weigh the same.
    expect(divideReplicas(1, [{ name: 'x', weight: 0.3 }, { name: 'y', weight: 0.1 }, { name: 'z', weight: 0.2 }], { y: 0, z: 0 }, undefined, W))
      .toEqual({ x: 1, y: 0, z: 0 });
    expect(divideReplicas(4, [{ name: 'p', weight: 0.3 }, { name: 'q', weight: 0.1 }, { name: 'r', weight: 0.2 }], undefined, undefined, W))
      .toEqual(divideReplicas(4, [{ name: 'p', weight: 3 }, { name: 'q', weight: 1 }, { name: 'r', weight: 2 }], undefined, undefined, W));
  });

  const SEED = 20261123;
  test(`random integer weights k_i and the decimals k_i / 10^p divide alike, with and without bounds (3000 cases, seed ${SEED})`, () => {
    const rnd = mulberry32(SEED);
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    let compared = 0;
    for (let k = 0; k < 3000; k++) {
      const n = int(rnd, 1, 6);
      const ks = names.slice(0, n).map(() => int(rnd, 1, 40));
      const p = int(rnd, 1, 6);
      const scale = 10 ** p;
      const total = int(rnd, 0, 200);
      const min: ReplicaBound | undefined = rnd() < 0.3 ? int(rnd, 0, 3) : undefined;
      const max: ReplicaBound | undefined = rnd() < 0.3 ? Object.fromEntries(names.slice(0, n).map((x) => [x, int(rnd, 3, 80)])) : undefined;
      const run = (weights: number[]) => {
        try {
          return JSON.stringify(divideReplicas(total, names.slice(0, n).map((name, i) => ({ name, weight: weights[i] })), min, max, W));
        } catch (e) {
          return `error ${(e as { code?: string }).code}`;
        }
      };
      const whole = run(ks);
      const variants = [ks.map((x) => x / scale), ks.map((x) => x * scale), ks.map((x) => (x * 10) / scale)];
      for (const v of variants) {
        const got = run(v);
        if (got !== whole) throw new Error(`case ${k}: weights ${JSON.stringify(v)} give ${got}, weights ${JSON.stringify(ks)} give ${whole} (total ${total})`);
        compared++;
      }
    }
    expect(compared).toBe(9000);
  });

  test('capacities in the registry are decimals too: capacity 0.1 and 0.3 place like 1 and 3', () => {
    for (let total = 0; total <= 200; total++) {
      const run = (ca: number, cb: number) => place([cluster('a', { capacity: ca }), cluster('b', { capacity: cb })],
        { path: W, replicas: { mode: 'divided', total } }).map((d) => [d.cluster.name, d.replicas]);
      expect(run(0.1, 0.3)).toEqual(run(1, 3));
    }
  });
});
