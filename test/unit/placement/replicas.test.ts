import { divideReplicas, PlacementErrorCode as E, ReplicaMember } from '../../../lib/placement';
import { expectFedError } from '../../support/placement';

const W = 'shop/web';
const m = (weights: Record<string, number>): ReplicaMember[] => Object.entries(weights).map(([name, weight]) => ({ name, weight }));

describe('divideReplicas: proportional division (largest remainder)', () => {
  test('exact proportions need no rounding', () => {
    expect(divideReplicas(10, m({ a: 5, b: 3, c: 2 }), undefined, undefined, W)).toEqual({ a: 5, b: 3, c: 2 });
    expect(divideReplicas(20, m({ a: 1, b: 3 }), undefined, undefined, W)).toEqual({ a: 5, b: 15 });
  });

  test('leftover replicas go to the largest fractional remainders', () => {
    // quotas 1.6, 1.6, 0.8 → floors 1, 1, 0; leftover 2 → c (.8), then a (.6, name before b)
    expect(divideReplicas(4, m({ a: 2, b: 2, c: 1 }), undefined, undefined, W)).toEqual({ a: 2, b: 1, c: 1 });
  });

  test('a larger remainder wins over a larger weight', () => {
    // quotas 6/7 = .857 and 15/7 = 2.14 → floors 0, 2; the leftover goes to a (remainder .857 > .14)
    expect(divideReplicas(3, m({ a: 2, b: 5 }), undefined, undefined, W)).toEqual({ a: 1, b: 2 });
  });

  test('equal remainders: the larger weight wins, even against an earlier name', () => {
    // quotas 0.5 and 1.5: both remainders .5 → b (weight 3) gets the leftover, not a
    expect(divideReplicas(2, m({ a: 1, b: 3 }), undefined, undefined, W)).toEqual({ a: 0, b: 2 });
  });

  test('equal remainders and weights: the name first in code-point order wins', () => {
    expect(divideReplicas(10, m({ c: 1, a: 1, b: 1 }), undefined, undefined, W)).toEqual({ a: 4, b: 3, c: 3 });
    expect(divideReplicas(7, m({ 'eu-2': 1, 'eu-10': 1, EU: 1 }), undefined, undefined, W)).toEqual({ EU: 3, 'eu-10': 2, 'eu-2': 2 });
  });

  test('the result keys are in name order and every member is present, even with 0', () => {
    const r = divideReplicas(1, m({ zeta: 1, alpha: 1, mid: 1 }), undefined, undefined, W);
    expect(Object.keys(r)).toEqual(['alpha', 'mid', 'zeta']);
    expect(r).toEqual({ alpha: 1, mid: 0, zeta: 0 });
  });

  test('total 0 gives every member 0; no members and total 0 gives an empty result', () => {
    expect(divideReplicas(0, m({ a: 1, b: 2 }), undefined, undefined, W)).toEqual({ a: 0, b: 0 });
    expect(divideReplicas(0, [], undefined, undefined, W)).toEqual({});
  });

  test('decimal weights are exact: 0.1/0.2/0.3 divide 6 as 1/2/3 despite floating point', () => {
    expect(divideReplicas(6, m({ a: 0.1, b: 0.2, c: 0.3 }), undefined, undefined, W)).toEqual({ a: 1, b: 2, c: 3 });
  });

  test('extreme weight ratios are handled exactly', () => {
    expect(divideReplicas(100, m({ a: 1e-300, b: 1e300, c: Number.MIN_VALUE }), undefined, undefined, W)).toEqual({ a: 0, b: 100, c: 0 });
    expect(divideReplicas(3, m({ a: Number.MAX_VALUE, b: Number.MAX_VALUE, c: Number.MAX_VALUE }), undefined, undefined, W)).toEqual({ a: 1, b: 1, c: 1 });
  });
});

describe('divideReplicas: bounds by water-filling', () => {
  test('a share above max is fixed at max and the rest re-divided', () => {
    expect(divideReplicas(10, m({ a: 8, b: 1, c: 1 }), undefined, 4, W)).toEqual({ a: 4, b: 3, c: 3 });
  });

  test('fixing at max can push others over max (cascade)', () => {
    // a 7.2 → 5; then 7 over b:c = 3:1 → 5.25, 1.75 → b 5; c gets 2
    expect(divideReplicas(12, m({ a: 6, b: 3, c: 1 }), undefined, 5, W)).toEqual({ a: 5, b: 5, c: 2 });
  });

  test('a share below min is raised to min and the others pay for it', () => {
    expect(divideReplicas(10, m({ a: 10, b: 1, c: 1 }), 2, undefined, W)).toEqual({ a: 6, b: 2, c: 2 });
  });

  test('with violations on both sides the larger total violation is fixed first', () => {
    // quotas 8.33 (over max 5 by 3.33) and .83, .83 (under min 3 by 4.33 in all): fixing a at 5
    // first would leave 5 for b and c, below their mins; fixing b, c at 3 first gives a 4.
    expect(divideReplicas(10, m({ a: 10, b: 1, c: 1 }), 3, 5, W)).toEqual({ a: 4, b: 3, c: 3 });
  });

  test('per-cluster maps: missing entries default to 0 / unbounded, non-members are ignored', () => {
    expect(divideReplicas(10, m({ a: 1, b: 1, c: 1 }), { b: 4, ghost: 100 }, { a: 3, ghost: 0 }, W)).toEqual({ a: 3, b: 4, c: 3 });
  });

  test('min = max pins a cluster', () => {
    expect(divideReplicas(9, m({ a: 100, b: 1 }), { a: 2 }, { a: 2 }, W)).toEqual({ a: 2, b: 7 });
  });

  test('bounds that exactly fit are feasible', () => {
    expect(divideReplicas(6, m({ a: 1, b: 1, c: 5 }), 2, 2, W)).toEqual({ a: 2, b: 2, c: 2 });
    expect(divideReplicas(4, m({ a: 1, b: 9 }), undefined, { a: 2, b: 2 }, W)).toEqual({ a: 2, b: 2 });
  });

  test('loose bounds change nothing', () => {
    const free = divideReplicas(17, m({ a: 3, b: 5, c: 7 }), undefined, undefined, W);
    expect(divideReplicas(17, m({ a: 3, b: 5, c: 7 }), 0, 17, W)).toEqual(free);
    expect(free).toEqual({ a: 3, b: 6, c: 8 }); // quotas 3.4, 5.67, 7.93 → floors 3, 5, 7; leftover 2 → c (.93), b (.67)
  });
});

describe('divideReplicas: errors', () => {
  test.each([-1, 1.5, NaN, Infinity, '3' as unknown as number, 2 ** 60])('total %p → REPLICAS_INVALID_COUNT', (total) => {
    expectFedError(() => divideReplicas(total, m({ a: 1 }), undefined, undefined, W), E.REPLICAS_INVALID_COUNT, W, String(total));
  });

  test.each([0, -2, NaN, Infinity, -Infinity, '2' as unknown as number])('weight %p → REPLICAS_INVALID_WEIGHT naming the cluster', (weight) => {
    expectFedError(() => divideReplicas(3, [{ name: 'a', weight: 1 }, { name: 'eu-1', weight }], undefined, undefined, W),
      E.REPLICAS_INVALID_WEIGHT, W, '"eu-1"', typeof weight === 'string' ? '"2"' : String(weight));
  });

  test('duplicate member → REPLICAS_DUPLICATE_MEMBER', () => {
    expectFedError(() => divideReplicas(3, [{ name: 'a', weight: 1 }, { name: 'a', weight: 2 }], undefined, undefined, W), E.REPLICAS_DUPLICATE_MEMBER, W, '"a"');
  });

  test.each([-1, 0.5, NaN, Infinity])('bound %p → REPLICAS_INVALID_BOUND (as min and as max)', (b) => {
    expectFedError(() => divideReplicas(3, m({ a: 1 }), b, undefined, W), E.REPLICAS_INVALID_BOUND, W, 'min', String(b));
    expectFedError(() => divideReplicas(3, m({ a: 1 }), undefined, b, W), E.REPLICAS_INVALID_BOUND, W, 'max', String(b));
  });

  test('bad map entries and shapes → REPLICAS_INVALID_BOUND naming the cluster', () => {
    expectFedError(() => divideReplicas(3, m({ a: 1 }), { a: -1 }, undefined, W), E.REPLICAS_INVALID_BOUND, W, '"a"', '-1');
    expectFedError(() => divideReplicas(3, m({ a: 1 }), undefined, { a: 2.5 }, W), E.REPLICAS_INVALID_BOUND, W, '"a"', '2.5');
    expectFedError(() => divideReplicas(3, m({ a: 1 }), ['x'] as never, undefined, W), E.REPLICAS_INVALID_BOUND, W, '["x"]');
  });

  test('min > max for one cluster → REPLICAS_INVALID_BOUND naming the cluster and both bounds', () => {
    expectFedError(() => divideReplicas(10, m({ a: 1, b: 1 }), { b: 5 }, 4, W), E.REPLICAS_INVALID_BOUND, W, '"b"', 'min 5', 'max 4');
  });

  test('sum of mins above total → REPLICAS_INFEASIBLE with both numbers', () => {
    expectFedError(() => divideReplicas(5, m({ a: 1, b: 1, c: 1 }), 2, undefined, W), E.REPLICAS_INFEASIBLE, W, '5 replicas', 'add up to 6');
  });

  test('sum of maxes below total → REPLICAS_INFEASIBLE with both numbers', () => {
    expectFedError(() => divideReplicas(10, m({ a: 1, b: 1 }), undefined, { a: 4, b: 5 }, W), E.REPLICAS_INFEASIBLE, W, '10 replicas', 'only 9');
  });

  test('an unbounded member makes any total reachable', () => {
    expect(divideReplicas(100, m({ a: 1, b: 1 }), undefined, { a: 1 }, W)).toEqual({ a: 1, b: 99 });
  });

  test('no members and a positive total → REPLICAS_INFEASIBLE', () => {
    expectFedError(() => divideReplicas(3, [], undefined, undefined, W), E.REPLICAS_INFEASIBLE, W, '3 replicas');
  });
});
