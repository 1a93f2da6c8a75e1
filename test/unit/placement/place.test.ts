import { place, PlacementErrorCode as E, PlacementDecision, PlacementIntent } from '../../../lib/placement';
import { cluster, expectFedError } from '../../support/placement';

const P = 'shop/web';
const registry = [
  cluster('us-east-1a', { region: 'us-east-1', jurisdiction: 'us', capacity: 3 }),
  cluster('eu-west-1a', { region: 'eu-west-1', capacity: 2 }),
  cluster('eu-west-1b', { region: 'eu-west-1', capacity: 1, role: 'canary' }),
  cluster('eu-central-1a', { region: 'eu-central-1', capacity: 5, role: 'standby' }),
  cluster('ap-south-1a', { region: 'ap-south-1', jurisdiction: 'in', capacity: 2 }),
];
const summary = (ds: PlacementDecision[]) => Object.fromEntries(ds.map((d) => [d.cluster.name, d.replicas]));
const intent = (over: Partial<PlacementIntent>): PlacementIntent => ({ path: P, replicas: { mode: 'duplicated', replicas: 2 }, ...over });

describe('place: duplicated', () => {
  test('every non-standby cluster runs `replicas`, standbys get 0 by default; sorted by name', () => {
    const ds = place(registry, intent({}));
    expect(ds.map((d) => d.cluster.name)).toEqual(['ap-south-1a', 'eu-central-1a', 'eu-west-1a', 'eu-west-1b', 'us-east-1a']);
    expect(summary(ds)).toEqual({ 'ap-south-1a': 2, 'eu-central-1a': 0, 'eu-west-1a': 2, 'eu-west-1b': 2, 'us-east-1a': 2 });
  });

  test('decisions carry the registry cluster objects', () => {
    const ds = place(registry, intent({ selection: { clusters: ['us-east-1a'] } }));
    expect(ds).toEqual([{ cluster: registry[0], replicas: 2 }]);
    expect(ds[0].cluster).toBe(registry[0]);
  });

  test('standbyReplicas applies to standbys only', () => {
    expect(summary(place(registry, intent({ standbyReplicas: 1, selection: { selector: { matchLabels: { jurisdiction: 'eu' } } } }))))
      .toEqual({ 'eu-central-1a': 1, 'eu-west-1a': 2, 'eu-west-1b': 2 });
  });

  test('replicas 0 is allowed', () => {
    expect(summary(place(registry, intent({ replicas: { mode: 'duplicated', replicas: 0 }, selection: { clusters: ['eu-west-1a'] } })))).toEqual({ 'eu-west-1a': 0 });
  });

  test.each([-1, 1.5, NaN, '2'])('replicas %p → REPLICAS_INVALID_COUNT', (r) => {
    expectFedError(() => place(registry, intent({ replicas: { mode: 'duplicated', replicas: r as number } })), E.REPLICAS_INVALID_COUNT, P, 'replicas.replicas', String(r));
  });

  test.each([-2, 0.5, Infinity])('standbyReplicas %p → REPLICAS_INVALID_COUNT', (r) => {
    expectFedError(() => place(registry, intent({ standbyReplicas: r })), E.REPLICAS_INVALID_COUNT, P, 'standbyReplicas', String(r));
  });

  test('unknown mode → REPLICAS_INVALID_MODE', () => {
    expectFedError(() => place(registry, intent({ replicas: { mode: 'spread', replicas: 2 } as never })), E.REPLICAS_INVALID_MODE, P, '"spread"');
    expectFedError(() => place(registry, intent({ replicas: undefined as never })), E.REPLICAS_INVALID_MODE, P, 'undefined');
  });
});

describe('place: divided', () => {
  const eu = { selector: { matchLabels: { jurisdiction: 'eu' } } };

  test('by capacity (the default) over non-standby clusters; the standby takes no share', () => {
    // eu-west-1a capacity 2, eu-west-1b capacity 1; eu-central-1a (capacity 5) is a standby
    expect(summary(place(registry, intent({ selection: eu, replicas: { mode: 'divided', total: 9 } }))))
      .toEqual({ 'eu-central-1a': 0, 'eu-west-1a': 6, 'eu-west-1b': 3 });
    expect(summary(place(registry, intent({ selection: eu, standbyReplicas: 2, replicas: { mode: 'divided', total: 10, weights: 'capacity' } }))))
      .toEqual({ 'eu-central-1a': 2, 'eu-west-1a': 7, 'eu-west-1b': 3 });
  });

  test('the whole registry by capacity sums to total over the active clusters', () => {
    const ds = place(registry, intent({ replicas: { mode: 'divided', total: 16 } }));
    // active capacities: us 3, eu-west-1a 2, eu-west-1b 1, ap 2 (sum 8) → 6, 4, 2, 4
    expect(summary(ds)).toEqual({ 'ap-south-1a': 4, 'eu-central-1a': 0, 'eu-west-1a': 4, 'eu-west-1b': 2, 'us-east-1a': 6 });
  });

  test('static weights by name; entries for unplaced clusters are not used', () => {
    expect(summary(place(registry, intent({ selection: eu, replicas: { mode: 'divided', total: 8, weights: { 'eu-west-1a': 1, 'eu-west-1b': 3, 'us-east-1a': 100 } } }))))
      .toEqual({ 'eu-central-1a': 0, 'eu-west-1a': 2, 'eu-west-1b': 6 });
  });

  test('min/max bounds reach divideReplicas, as numbers and as maps', () => {
    expect(summary(place(registry, intent({ selection: eu, replicas: { mode: 'divided', total: 9, max: 5 } }))))
      .toEqual({ 'eu-central-1a': 0, 'eu-west-1a': 5, 'eu-west-1b': 4 });
    expect(summary(place(registry, intent({ selection: eu, replicas: { mode: 'divided', total: 9, min: { 'eu-west-1b': 5 } } }))))
      .toEqual({ 'eu-central-1a': 0, 'eu-west-1a': 4, 'eu-west-1b': 5 });
  });

  test('a static weight map missing a placed non-standby cluster → REPLICAS_MISSING_WEIGHT naming it', () => {
    expectFedError(() => place(registry, intent({ selection: eu, replicas: { mode: 'divided', total: 4, weights: { 'eu-west-1a': 1 } } })),
      E.REPLICAS_MISSING_WEIGHT, P, '"eu-west-1b"');
  });

  test('standbys need no static weight', () => {
    expect(() => place(registry, intent({ selection: eu, replicas: { mode: 'divided', total: 4, weights: { 'eu-west-1a': 1, 'eu-west-1b': 1 } } }))).not.toThrow();
  });

  test('unknown clusters in weights/min/max maps → REPLICAS_UNKNOWN_CLUSTER', () => {
    expectFedError(() => place(registry, intent({ selection: eu, replicas: { mode: 'divided', total: 4, weights: { 'eu-west-1a': 1, 'eu-west-1b': 1, 'eu-wets-1a': 2 } } })),
      E.REPLICAS_UNKNOWN_CLUSTER, P, '"eu-wets-1a"', 'replicas.weights');
    expectFedError(() => place(registry, intent({ replicas: { mode: 'divided', total: 4, min: { typo: 1 } } })), E.REPLICAS_UNKNOWN_CLUSTER, P, '"typo"', 'replicas.min');
    expectFedError(() => place(registry, intent({ replicas: { mode: 'divided', total: 4, max: { typo: 1 } } })), E.REPLICAS_UNKNOWN_CLUSTER, P, '"typo"', 'replicas.max');
  });

  test('weights that are neither "capacity" nor a map → REPLICAS_INVALID_WEIGHT', () => {
    expectFedError(() => place(registry, intent({ replicas: { mode: 'divided', total: 4, weights: 'cpu' as never } })), E.REPLICAS_INVALID_WEIGHT, P, '"cpu"');
  });

  test('a bad static weight → REPLICAS_INVALID_WEIGHT naming the cluster', () => {
    expectFedError(() => place(registry, intent({ selection: eu, replicas: { mode: 'divided', total: 4, weights: { 'eu-west-1a': 1, 'eu-west-1b': 0 } } })),
      E.REPLICAS_INVALID_WEIGHT, P, '"eu-west-1b"', '0');
  });

  test('only standbys selected: total 0 is fine, a positive total → REPLICAS_NO_ACTIVE_CLUSTER', () => {
    const standbyOnly = { clusters: ['eu-central-1a'] };
    expect(summary(place(registry, intent({ selection: standbyOnly, standbyReplicas: 1, replicas: { mode: 'divided', total: 0 } })))).toEqual({ 'eu-central-1a': 1 });
    expectFedError(() => place(registry, intent({ selection: standbyOnly, replicas: { mode: 'divided', total: 3 } })), E.REPLICAS_NO_ACTIVE_CLUSTER, P, '3 replicas', 'eu-central-1a');
  });

  test('infeasible bounds over the placed clusters → REPLICAS_INFEASIBLE', () => {
    expectFedError(() => place(registry, intent({ selection: eu, replicas: { mode: 'divided', total: 3, min: 2 } })), E.REPLICAS_INFEASIBLE, P, 'add up to 4');
  });

  test.each([-1, 2.5, NaN])('total %p → REPLICAS_INVALID_COUNT', (t) => {
    expectFedError(() => place(registry, intent({ replicas: { mode: 'divided', total: t } })), E.REPLICAS_INVALID_COUNT, P, 'replicas.total', String(t));
  });
});

describe('place: pipeline (select → spread → residency → replicas)', () => {
  test('spread runs before replica division: dropped clusters get no share', () => {
    const ds = place(registry, intent({ selection: { selector: { matchLabels: { jurisdiction: 'eu' } } }, spread: [{ maxPerDomain: 1 }], replicas: { mode: 'divided', total: 5 } }));
    // eu-west-1 keeps the primary eu-west-1a over the canary; eu-central-1 keeps its standby
    expect(summary(ds)).toEqual({ 'eu-central-1a': 0, 'eu-west-1a': 5 });
  });

  test('residency ok', () => {
    expect(summary(place(registry, intent({ residency: 'eu', selection: { selector: { matchLabels: { jurisdiction: 'eu' } } } }))))
      .toEqual({ 'eu-central-1a': 0, 'eu-west-1a': 2, 'eu-west-1b': 2 });
  });

  test('residency violation is an error naming the app path and cluster, not a silent filter', () => {
    expectFedError(() => place(registry, intent({ residency: 'eu' })), E.RESIDENCY_VIOLATION, P, '"us-east-1a"', '"ap-south-1a"', 'jurisdiction "in"');
  });

  test('residency is checked on what spread kept', () => {
    const reg = [cluster('eu-1', { region: 'r', capacity: 9 }), cluster('us-1', { region: 'r', jurisdiction: 'us', capacity: 1 })];
    expect(summary(place(reg, intent({ residency: 'eu', spread: [{ maxPerDomain: 1 }] })))).toEqual({ 'eu-1': 2 });
  });

  test('selection errors surface with the app path', () => {
    expectFedError(() => place(registry, intent({ selection: { clusters: ['mars-1'] } })), E.PLACEMENT_UNKNOWN_CLUSTER, P, '"mars-1"');
    expectFedError(() => place(registry, intent({ selection: { selector: { matchLabels: { region: 'mars' } } } })), E.PLACEMENT_EMPTY, P, 'region=mars');
  });

  test('spread errors surface with the app path', () => {
    expectFedError(() => place(registry, intent({ spread: [{ minPerDomain: 2 }] })), E.SPREAD_MIN_NOT_MET, P, 'at least 2');
  });

  test('the same intent gives the same decisions whatever the registry order', () => {
    const i = intent({ replicas: { mode: 'divided', total: 13 }, spread: [{ maxPerDomain: 1 }] });
    expect(place([...registry].reverse(), i)).toEqual(place(registry, i));
  });
});
