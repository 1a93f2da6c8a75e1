import { applySpread, compareForSpread, validateSpread, PlacementErrorCode as E, SpreadConstraint } from '../../../lib/placement';
import { cluster, expectFedError } from '../../support/placement';

const W = 'shop/web';
const names = (cs: { name: string }[]) => cs.map((c) => c.name);

const eu = [
  cluster('eu-a', { region: 'eu-west-1', zone: 'eu-west-1a', capacity: 1 }),
  cluster('eu-b', { region: 'eu-west-1', zone: 'eu-west-1b', capacity: 4 }),
  cluster('eu-c', { region: 'eu-west-1', zone: 'eu-west-1a', capacity: 2 }),
];
const us = [
  cluster('us-a', { region: 'us-east-1', zone: 'us-east-1a', jurisdiction: 'us', capacity: 3 }),
  cluster('us-b', { region: 'us-east-1', zone: 'us-east-1b', jurisdiction: 'us', capacity: 3 }),
];
const ap = [cluster('ap-a', { region: 'ap-south-1', zone: 'ap-south-1a', jurisdiction: 'in' })];
const all = [...us, ...eu, ...ap];

describe('applySpread', () => {
  test('no constraints keeps everything, sorted by name', () => {
    expect(names(applySpread(all, [], W))).toEqual(['ap-a', 'eu-a', 'eu-b', 'eu-c', 'us-a', 'us-b']);
  });

  test('maxPerDomain per region (the default key) keeps the highest-capacity clusters, ties by name', () => {
    // eu: capacities b 4, c 2, a 1 → b; us: 3 and 3 → name order → us-a; ap: its only cluster
    expect(names(applySpread(all, [{ maxPerDomain: 1 }], W))).toEqual(['ap-a', 'eu-b', 'us-a']);
    expect(names(applySpread(all, [{ topologyKey: 'region', maxPerDomain: 2 }], W))).toEqual(['ap-a', 'eu-b', 'eu-c', 'us-a', 'us-b']);
  });

  test('maxPerDomain prefers primary over canary over standby before capacity', () => {
    const cs = [
      cluster('s-big', { role: 'standby', capacity: 100 }),
      cluster('c-mid', { role: 'canary', capacity: 10 }),
      cluster('p-small', { role: 'primary', capacity: 1 }),
    ];
    expect(names(applySpread(cs, [{ maxPerDomain: 1 }], W))).toEqual(['p-small']);
    expect(names(applySpread(cs, [{ maxPerDomain: 2 }], W))).toEqual(['c-mid', 'p-small']);
    expect(names(applySpread(cs.filter((c) => c.role !== 'primary'), [{ maxPerDomain: 1 }], W))).toEqual(['c-mid']);
  });

  test('compareForSpread orders role, then capacity descending, then name', () => {
    const cs = [
      cluster('b', { capacity: 2 }), cluster('a', { capacity: 2 }), cluster('z', { capacity: 9 }),
      cluster('y', { role: 'canary', capacity: 50 }), cluster('x', { role: 'standby', capacity: 99 }),
    ];
    expect(names([...cs].sort(compareForSpread))).toEqual(['z', 'a', 'b', 'y', 'x']);
  });

  test('the kept subset does not depend on input order', () => {
    const forward = names(applySpread(all, [{ maxPerDomain: 1 }], W));
    const backward = names(applySpread([...all].reverse(), [{ maxPerDomain: 1 }], W));
    expect(backward).toEqual(forward);
  });

  test('other topology keys: zone, jurisdiction, free labels', () => {
    expect(names(applySpread(eu, [{ topologyKey: 'zone', maxPerDomain: 1 }], W))).toEqual(['eu-b', 'eu-c']);
    expect(names(applySpread(all, [{ topologyKey: 'jurisdiction', maxPerDomain: 1 }], W))).toEqual(['ap-a', 'eu-b', 'us-a']);
    const labelled = [cluster('r1', { labels: { rack: 'r1' } }), cluster('r2', { labels: { rack: 'r1' } }), cluster('r3', { labels: { rack: 'r2' } })];
    expect(names(applySpread(labelled, [{ topologyKey: 'rack', maxPerDomain: 1 }], W))).toEqual(['r1', 'r3']);
  });

  test('minPerDomain: satisfied domains pass', () => {
    expect(names(applySpread([...eu, ...us], [{ minPerDomain: 2 }], W))).toEqual(['eu-a', 'eu-b', 'eu-c', 'us-a', 'us-b']);
    expect(names(applySpread(all, [{ minPerDomain: 0 }], W))).toHaveLength(6);
  });

  test('minPerDomain: a domain with fewer selected clusters → SPREAD_MIN_NOT_MET naming domain, count and min', () => {
    const e = expectFedError(() => applySpread(all, [{ minPerDomain: 2 }], W), E.SPREAD_MIN_NOT_MET, W,
      'region=ap-south-1', 'has 1 selected', 'at least 2', 'ap-a');
    expect(e.hint).toContain('region=ap-south-1');
  });

  test('min and max together: trim to max, never below min', () => {
    expect(names(applySpread([...eu, ...us], [{ minPerDomain: 2, maxPerDomain: 2 }], W))).toEqual(['eu-b', 'eu-c', 'us-a', 'us-b']);
  });

  test('constraints apply in order, each on what the previous kept', () => {
    // zone max 1 keeps eu-b (1b) and eu-c (1a, cap 2 > eu-a); then region min 2 holds for eu-west-1
    expect(names(applySpread(eu, [{ topologyKey: 'zone', maxPerDomain: 1 }, { minPerDomain: 2 }], W))).toEqual(['eu-b', 'eu-c']);
    // region max 1 first leaves one cluster in eu-west-1, so a later region min 2 fails
    expectFedError(() => applySpread(eu, [{ maxPerDomain: 1 }, { minPerDomain: 2 }], W), E.SPREAD_MIN_NOT_MET, W, 'spread[1]', 'has 1 selected');
  });

  test('a cluster without the topology key → SPREAD_KEY_MISSING naming cluster and key (never dropped silently)', () => {
    const noZone = [...eu, cluster('plain')];
    expectFedError(() => applySpread(noZone, [{ topologyKey: 'zone', maxPerDomain: 1 }], W), E.SPREAD_KEY_MISSING, W, '"plain"', '"zone"');
  });

  test('empty input gives empty output', () => {
    expect(applySpread([], [{ maxPerDomain: 1, minPerDomain: 1 }], W)).toEqual([]);
  });
});

describe('validateSpread', () => {
  test.each<[SpreadConstraint, string, string]>([
    [{ minPerDomain: -1 }, 'minPerDomain', '-1'],
    [{ minPerDomain: 1.5 }, 'minPerDomain', '1.5'],
    [{ maxPerDomain: NaN }, 'maxPerDomain', 'NaN'],
    [{ maxPerDomain: -3 }, 'maxPerDomain', '-3'],
    [{ maxPerDomain: '2' as unknown as number }, 'maxPerDomain', '"2"'],
    [{ maxPerDomain: 0 }, 'maxPerDomain is 0', 'remove every'],
    [{ minPerDomain: 3, maxPerDomain: 2 }, 'minPerDomain (3)', 'maxPerDomain (2)'],
    [{ topologyKey: 'not a key' }, 'topologyKey', '"not a key"'],
    [{ topologyKey: '' }, 'topologyKey', '""'],
  ])('%j → SPREAD_INVALID', (c, ...mentions) => {
    expectFedError(() => validateSpread([{ maxPerDomain: 1 }, c], W), E.SPREAD_INVALID, W, 'spread[1]', ...mentions);
    expectFedError(() => applySpread([cluster('a')], [c], W), E.SPREAD_INVALID, W, 'spread[0]', ...mentions);
  });

  test('non-list spread and non-object constraints → SPREAD_INVALID', () => {
    expectFedError(() => validateSpread({ maxPerDomain: 1 } as never, W), E.SPREAD_INVALID, W, 'list');
    expectFedError(() => validateSpread([null] as never, W), E.SPREAD_INVALID, W, 'spread[0]', 'null');
  });

  test('valid constraints pass', () => {
    expect(() => validateSpread([{}, { minPerDomain: 0 }, { minPerDomain: 2, maxPerDomain: 2, topologyKey: 'example.com/rack' }], W)).not.toThrow();
  });
});
