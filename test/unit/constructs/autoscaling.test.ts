/** Replicas together with autoscaling: the cluster's replica count becomes its HPA floor, never silently dropped. */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { FederatedApp } from '../../../lib';
import { hpaMinReplicas } from '../../../lib/constructs/render-app';
import { errorOf, federation, find, objectsOf } from '../../support/fixtures';

const IMAGE = { containers: [{ image: 'web:1' }] };
const hpa = (fed: any, c: string) => find(objectsOf(fed, c), 'HorizontalPodAutoscaler', 'web');
const dep = (fed: any, c: string) => find(objectsOf(fed, c), 'Deployment', 'web');

describe('hpaMinReplicas', () => {
  test.each<[number, number, number]>([
    [2, 8, 8], [2, 2, 2], [5, 3, 5], [1, 0, 1], [3, 0, 3], [1, 1, 1], [10, 11, 11],
  ])('minReplicas %p with %p replicas → %p', (min, replicas, floor) => {
    expect(hpaMinReplicas({ minReplicas: min }, replicas)).toBe(floor);
  });
});

describe('divided replicas with autoscaling', () => {
  test('each active cluster\'s share becomes its HPA minReplicas; the floors add up to the total; the Deployment leaves replicas to the HPA', () => {
    const { fed } = federation();
    const app = new FederatedApp(fed, 'web', { ...IMAGE, replicas: { mode: 'divided', total: 18 }, standbyReplicas: 1, autoscaling: { minReplicas: 2, maxReplicas: 20 } });
    const shares = Object.fromEntries(app.placements.map((p) => [p.cluster.name, p.replicas]));
    expect(shares).toEqual({ 'us-1': 9, 'eu-1': 6, 'ap-1': 3, 'us-2': 1, 'eu-2': 1, 'ap-2': 1 });
    for (const c of ['us-1', 'eu-1', 'ap-1']) {
      expect(hpa(fed, c).spec).toMatchObject({ minReplicas: shares[c], maxReplicas: 20 });
      expect(dep(fed, c).spec).not.toHaveProperty('replicas');
    }
    expect(['us-1', 'eu-1', 'ap-1'].reduce((s, c) => s + hpa(fed, c).spec.minReplicas, 0)).toBe(18);
    // standbys: no HPA, the warm count on the Deployment
    for (const c of ['us-2', 'eu-2', 'ap-2']) {
      expect(hpa(fed, c)).toBeUndefined();
      expect(dep(fed, c).spec.replicas).toBe(1);
    }
  });

  test('a share below autoscaling.minReplicas keeps minReplicas as the floor', () => {
    const { fed } = federation();
    new FederatedApp(fed, 'web', { ...IMAGE, replicas: { mode: 'divided', total: 6 }, autoscaling: { minReplicas: 2, maxReplicas: 10 } });
    // capacities 3:2:1 → 3, 2, 1
    expect(['us-1', 'eu-1', 'ap-1'].map((c) => hpa(fed, c).spec.minReplicas)).toEqual([3, 2, 2]);
  });

  test('a cluster whose share is 0 gets no HPA and runs 0 replicas', () => {
    const { fed } = federation();
    new FederatedApp(fed, 'web', { ...IMAGE, replicas: { mode: 'divided', total: 1 }, autoscaling: { minReplicas: 1, maxReplicas: 3 } });
    expect(hpa(fed, 'us-1').spec.minReplicas).toBe(1);
    expect(hpa(fed, 'eu-1')).toBeUndefined();
    expect(dep(fed, 'eu-1').spec.replicas).toBe(0);
  });

  test('maxReplicas below a cluster\'s share fails synth naming the cluster, the share and the max', () => {
    const e = errorOf(() => new FederatedApp(federation().fed, 'web', { ...IMAGE, replicas: { mode: 'divided', total: 18 }, autoscaling: { minReplicas: 2, maxReplicas: 8 } }));
    expect(e.code).toBe('AUTOSCALING_BELOW_REPLICAS');
    expect(e.message).toBe('shop/web (cluster us-1): this cluster runs 9 replicas (its share of replicas.total 18), which become the HPA\'s minReplicas, but autoscaling.maxReplicas is 8'
      + '\n  hint: raise autoscaling.maxReplicas to at least 9 (per cluster: overrides.clusters.<name>.autoscaling.maxReplicas), or cap the division with replicas.max: 8');
  });

  test('a per-cluster maxReplicas override, or replicas.max, makes room', () => {
    const { fed } = federation();
    new FederatedApp(fed, 'web', { ...IMAGE, replicas: { mode: 'divided', total: 18 }, autoscaling: { minReplicas: 2, maxReplicas: 8 }, overrides: { clusters: { 'us-1': { autoscaling: { maxReplicas: 12 } } } } });
    expect(hpa(fed, 'us-1').spec).toMatchObject({ minReplicas: 9, maxReplicas: 12 });
    const other = federation().fed;
    new FederatedApp(other, 'web', { ...IMAGE, replicas: { mode: 'divided', total: 18, max: 8 }, autoscaling: { minReplicas: 2, maxReplicas: 8 } });
    expect(['us-1', 'eu-1', 'ap-1'].map((c) => hpa(other, c).spec.minReplicas)).toEqual([8, 7, 3]); // us-1 capped at 8, the other 10 split 2:1
  });
});

describe('duplicated replicas and overrides.replicas with autoscaling follow the same rule', () => {
  test('replicas: 3 with minReplicas 2 → floor 3; the default 1 replica leaves minReplicas', () => {
    const { fed } = federation();
    new FederatedApp(fed, 'web', { ...IMAGE, replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 5 } });
    expect(hpa(fed, 'eu-1').spec.minReplicas).toBe(3);
    const other = federation().fed;
    new FederatedApp(other, 'web', { ...IMAGE, autoscaling: { minReplicas: 2, maxReplicas: 5 } });
    expect(hpa(other, 'eu-1').spec.minReplicas).toBe(2);
  });

  test('overrides.replicas becomes that cluster\'s floor, and is checked against maxReplicas', () => {
    const { fed } = federation();
    new FederatedApp(fed, 'web', { ...IMAGE, replicas: 2, autoscaling: { minReplicas: 1, maxReplicas: 6 }, overrides: { clusters: { 'us-1': { replicas: 5 } } } });
    expect(hpa(fed, 'us-1').spec.minReplicas).toBe(5);
    expect(hpa(fed, 'eu-1').spec.minReplicas).toBe(2);
    const e = errorOf(() => new FederatedApp(federation().fed, 'web', { ...IMAGE, autoscaling: { minReplicas: 1, maxReplicas: 6 }, overrides: { regions: { eu: { replicas: 7 } } } }));
    expect(e.code).toBe('AUTOSCALING_BELOW_REPLICAS');
    expect(e.message).toContain('shop/web (cluster eu-1): this cluster runs 7 replicas (overrides.replicas)');
  });
});
