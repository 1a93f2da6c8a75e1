/** Placement is public: a user can unit-test where an app goes from the package entry point alone. */
import * as path from 'path';
import { buildShop } from '../../../apps/shop';
import * as pkg from '../../../lib';
import { ClusterRegistry, divideReplicas, effectiveLabels, FederatedApp, FederationApp, FederationError, place, PlacementErrorCode, resolveWaves, selectClusters } from '../../../lib';

const REGISTRY = ClusterRegistry.fromFile(path.join(__dirname, '../../../apps/clusters.yaml'));

describe('placement helpers exported from the package', () => {
  test('the entry point exports the pure placement functions and the error codes', () => {
    for (const name of ['place', 'divideReplicas', 'selectClusters', 'applySpread', 'checkResidency', 'resolveWaves', 'matchesSelector', 'validateSelector', 'effectiveLabels']) {
      expect(typeof (pkg as Record<string, unknown>)[name]).toBe('function');
    }
    expect(PlacementErrorCode.PLACEMENT_EMPTY).toBe('PLACEMENT_EMPTY');
  });

  test('place() gives the example web app the placement the construct gets, without synthesizing', () => {
    const decisions = place(REGISTRY.clusters, {
      replicas: { mode: 'divided', total: 18, weights: 'capacity', min: 2 }, standbyReplicas: 1,
    });
    expect(decisions.map((d) => [d.cluster.name, d.replicas])).toEqual([
      ['apac-primary', 4], ['apac-standby', 1], ['eu-primary', 6], ['eu-standby', 1], ['us-primary', 8], ['us-standby', 1],
    ]);
    const web = buildShop(new FederationApp({ outdir: '/nonexistent', terraformOutdir: false })).node.findChild('web') as FederatedApp;
    expect(web.placements.map((p) => [p.cluster.name, p.replicas])).toEqual(decisions.map((d) => [d.cluster.name, d.replicas]));
  });

  test('place() errors are FederationErrors with a placement code; the default where is "place"', () => {
    try {
      place(REGISTRY.clusters, { selection: { selector: { matchLabels: { region: 'mars' } } }, replicas: { mode: 'duplicated', replicas: 1 } });
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(FederationError);
      expect((e as FederationError).code).toBe(PlacementErrorCode.PLACEMENT_EMPTY);
      expect((e as FederationError).where).toBe('place');
    }
  });

  test('divideReplicas() needs only a total and members; bounds and where are optional', () => {
    expect(divideReplicas(18, [{ name: 'us', weight: 4 }, { name: 'eu', weight: 3 }, { name: 'ap', weight: 2 }])).toEqual({ ap: 4, eu: 6, us: 8 });
    expect(divideReplicas(5, [{ name: 'a', weight: 1 }, { name: 'b', weight: 100 }], 2)).toEqual({ a: 2, b: 3 });
    expect(() => divideReplicas(1.5, [{ name: 'a', weight: 1 }])).toThrow(/^divideReplicas: total replicas must be a non-negative integer, got 1.5/);
  });

  test('selectClusters, effectiveLabels and resolveWaves work on the registry\'s clusters', () => {
    expect(selectClusters(REGISTRY.clusters, { selector: { matchLabels: { role: 'standby' } } }, 'test').map((c) => c.name))
      .toEqual(['apac-standby', 'eu-standby', 'us-standby']);
    expect(effectiveLabels(REGISTRY.tryGet('eu-primary')!)).toMatchObject({ region: 'eu', role: 'primary', tier: 'prod', zone: 'eu-west-1a' });
    expect(resolveWaves(REGISTRY.clusters, [{ name: 'all', selector: {} }], ['eu-primary'], 'test')[0].clusters).toHaveLength(6);
  });
});
