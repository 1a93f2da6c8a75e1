import { selectClusters, PlacementErrorCode as E } from '../../../lib/placement';
import { cluster, expectFedError } from '../../support/placement';

const W = 'shop/web';
const registry = [
  cluster('us-east-1a', { region: 'us-east-1', jurisdiction: 'us', zone: 'us-east-1a', labels: { tier: 'gold' } }),
  cluster('eu-west-1a', { region: 'eu-west-1', zone: 'eu-west-1a', labels: { tier: 'gold' } }),
  cluster('eu-west-1b', { region: 'eu-west-1', zone: 'eu-west-1b', role: 'canary' }),
  cluster('eu-central-1a', { region: 'eu-central-1', provider: 'gcp', role: 'standby', labels: { tier: 'silver' } }),
  cluster('ap-south-1a', { region: 'ap-south-1', jurisdiction: 'in' }),
];
const names = (cs: { name: string }[]) => cs.map((c) => c.name);

describe('selectClusters', () => {
  test('no selection selects the whole registry, sorted by name', () => {
    expect(names(selectClusters(registry, undefined, W))).toEqual(['ap-south-1a', 'eu-central-1a', 'eu-west-1a', 'eu-west-1b', 'us-east-1a']);
    expect(names(selectClusters(registry, {}, W))).toEqual(['ap-south-1a', 'eu-central-1a', 'eu-west-1a', 'eu-west-1b', 'us-east-1a']);
  });

  test('returns the registry objects themselves and does not reorder the input', () => {
    const copy = [...registry];
    const out = selectClusters(registry, { clusters: ['us-east-1a'] }, W);
    expect(out[0]).toBe(registry[0]);
    expect(registry).toEqual(copy);
  });

  test('a name list selects those clusters, sorted by name whatever the listed order', () => {
    expect(names(selectClusters(registry, { clusters: ['us-east-1a', 'eu-west-1b'] }, W))).toEqual(['eu-west-1b', 'us-east-1a']);
  });

  test('selectors see free labels and the derived keys region, zone, provider, jurisdiction, role', () => {
    const sel = (selector: object) => names(selectClusters(registry, { selector }, W));
    expect(sel({ matchLabels: { tier: 'gold' } })).toEqual(['eu-west-1a', 'us-east-1a']);
    expect(sel({ matchLabels: { jurisdiction: 'eu' } })).toEqual(['eu-central-1a', 'eu-west-1a', 'eu-west-1b']);
    expect(sel({ matchLabels: { region: 'eu-west-1' } })).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(sel({ matchLabels: { provider: 'gcp' } })).toEqual(['eu-central-1a']);
    expect(sel({ matchLabels: { role: 'canary' } })).toEqual(['eu-west-1b']);
    expect(sel({ matchExpressions: [{ key: 'zone', operator: 'Exists' }] })).toEqual(['eu-west-1a', 'eu-west-1b', 'us-east-1a']);
    expect(sel({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['gold'] }] })).toEqual(['ap-south-1a', 'eu-central-1a', 'eu-west-1b']);
  });

  test('names and selector are ANDed', () => {
    expect(names(selectClusters(registry, { clusters: ['eu-west-1a', 'eu-west-1b', 'us-east-1a'], selector: { matchLabels: { jurisdiction: 'eu' } } }, W)))
      .toEqual(['eu-west-1a', 'eu-west-1b']);
  });

  test('exclude removes clusters after selection; excluding an unselected cluster is fine', () => {
    expect(names(selectClusters(registry, { selector: { matchLabels: { jurisdiction: 'eu' } }, exclude: ['eu-west-1b', 'us-east-1a'] }, W)))
      .toEqual(['eu-central-1a', 'eu-west-1a']);
  });

  test('unknown cluster name → PLACEMENT_UNKNOWN_CLUSTER naming it and the known clusters', () => {
    const e = expectFedError(() => selectClusters(registry, { clusters: ['eu-west-1a', 'eu-west-9z'] }, W), E.PLACEMENT_UNKNOWN_CLUSTER, W,
      '"eu-west-9z"', 'ap-south-1a, eu-central-1a, eu-west-1a, eu-west-1b, us-east-1a');
    expect(e.message).toContain('selection.clusters');
  });

  test('unknown excluded name → PLACEMENT_UNKNOWN_EXCLUDED_CLUSTER', () => {
    expectFedError(() => selectClusters(registry, { exclude: ['nope'] }, W), E.PLACEMENT_UNKNOWN_EXCLUDED_CLUSTER, W, '"nope"', 'selection.exclude', 'us-east-1a');
  });

  test('a name listed twice → PLACEMENT_DUPLICATE_CLUSTER (in clusters and in exclude)', () => {
    expectFedError(() => selectClusters(registry, { clusters: ['eu-west-1a', 'eu-west-1a'] }, W), E.PLACEMENT_DUPLICATE_CLUSTER, W, '"eu-west-1a"', 'selection.clusters');
    expectFedError(() => selectClusters(registry, { exclude: ['eu-west-1a', 'eu-west-1a'] }, W), E.PLACEMENT_DUPLICATE_CLUSTER, W, '"eu-west-1a"', 'selection.exclude');
  });

  test('a name list that is not a list of strings → PLACEMENT_INVALID_SELECTION', () => {
    expectFedError(() => selectClusters(registry, { clusters: 'eu-west-1a' as never }, W), E.PLACEMENT_INVALID_SELECTION, W, '"eu-west-1a"');
    expectFedError(() => selectClusters(registry, { exclude: [3] as never }, W), E.PLACEMENT_INVALID_SELECTION, W, '[3]');
  });

  test('an invalid selector is reported with its field path', () => {
    expectFedError(() => selectClusters(registry, { selector: { matchExpressions: [{ key: 'tier', operator: 'In' }] } }, W),
      E.SELECTOR_VALUES_REQUIRED, W, 'selection.selector.matchExpressions[0]');
  });

  test('a selector that matches nothing → PLACEMENT_EMPTY naming what was asked', () => {
    expectFedError(() => selectClusters(registry, { selector: { matchLabels: { jurisdiction: 'br' } } }, W), E.PLACEMENT_EMPTY, W,
      'matched no cluster', 'jurisdiction=br', '5 cluster(s)');
  });

  test('exclude removing everything → PLACEMENT_EMPTY naming the names and exclusions', () => {
    expectFedError(() => selectClusters(registry, { clusters: ['eu-west-1a'], exclude: ['eu-west-1a'] }, W), E.PLACEMENT_EMPTY, W,
      'clusters [eu-west-1a]', 'excluding [eu-west-1a]');
  });

  test('an empty name list or empty registry → PLACEMENT_EMPTY, never an empty result', () => {
    expectFedError(() => selectClusters(registry, { clusters: [] }, W), E.PLACEMENT_EMPTY, W, 'clusters []');
    expectFedError(() => selectClusters([], undefined, W), E.PLACEMENT_EMPTY, W, 'all clusters', '0 cluster(s)');
  });

  test('a registry with a duplicate name → PLACEMENT_DUPLICATE_REGISTRY_CLUSTER', () => {
    expectFedError(() => selectClusters([cluster('x'), cluster('x')], undefined, W), E.PLACEMENT_DUPLICATE_REGISTRY_CLUSTER, W, '"x"');
  });
});
