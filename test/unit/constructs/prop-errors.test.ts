/** Prop errors quote the value they refuse. */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { ClusterRegistry, Federation, FederationApp, GlobalService } from '../../../lib';
import { CLUSTERS, errorOf, federation, tmpdir } from '../../support/fixtures';

const app = () => new FederationApp({ outdir: tmpdir(), terraformOutdir: false });

describe('Federation and GlobalService props', () => {
  test('a registry that is not a ClusterRegistry names what it got', () => {
    const e = errorOf(() => new Federation(app(), 'x', { registry: { clusters: [] } as any, rollout: { waves: [{ name: 'a', selector: {} }] } }));
    expect(e.message).toBe('x: prop "registry" is not a ClusterRegistry, got {"clusters":[]} (a map)\n  hint: use ClusterRegistry.fromFile(path) or ClusterRegistry.fromClusters([...])');
  });

  test.each<[unknown, string]>([[[], '[] (a list)'], [undefined, 'nothing'], ['all', '"all" (a string)']])('rollout.waves %p', (waves, shown) => {
    const e = errorOf(() => new Federation(app(), 'x', { registry: ClusterRegistry.fromClusters(CLUSTERS), rollout: { waves } as any }));
    expect(e.message).toContain(`prop "rollout.waves" must be a non-empty list of waves, got ${shown}`);
  });

  test('a GlobalService app that is not a FederatedApp names what it got', () => {
    const { fed } = federation();
    expect(errorOf(() => new GlobalService(fed, 'gs', { app: 'web' as any, hostname: 'a.example.com', routing: { policy: 'geo' } })).message)
      .toContain('prop "app" is not a FederatedApp, got "web"');
    expect(errorOf(() => new GlobalService(fed, 'gs2', { app: fed as any, hostname: 'a.example.com', routing: { policy: 'geo' } })).message)
      .toContain('prop "app" is not a FederatedApp, got a Federation');
  });
});
