/** Overrides merge as documented, at every depth (pure applyAppOverrides, then through the construct). */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { FederatedApp } from '../../../lib';
import { FederatedAppSpec } from '../../../lib/constructs/app-spec';
import { applyAppOverrides, mergeMap } from '../../../lib/constructs/overrides';
import { errorOf, federation, find, objectsOf } from '../../support/fixtures';

const BASE: FederatedAppSpec = {
  containers: [
    {
      name: 'web', image: 'web:1', args: ['--a', '--b'], ports: [{ name: 'http', containerPort: 8080 }],
      env: { A: 'a', B: 'b', PW: { secretKeyRef: { name: 's', key: 'k' } } },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
    },
    { name: 'proxy', image: 'proxy:1', env: { P: '1' } },
  ],
  config: { X: '1', Y: '2' },
  labels: { team: 'web', tier: 'front' },
  podAnnotations: { 'a.example.com/x': '1', 'a.example.com/y': '2' },
  autoscaling: { minReplicas: 1, maxReplicas: 5, targetCpuUtilization: 70 },
};
const frozen = JSON.stringify(BASE);
afterEach(() => expect(JSON.stringify(BASE)).toBe(frozen)); // overrides never change their input

const web = (s: FederatedAppSpec) => s.containers.find((c) => c.name === 'web')!;

describe('mergeMap', () => {
  test('depth 1: keys merge, values replace whole, null removes, an emptied map is undefined', () => {
    expect(mergeMap({ a: 1, b: 2 }, { b: 3, c: 4 }, 1, 'w', 'm')).toEqual({ a: 1, b: 3, c: 4 });
    expect(mergeMap<unknown>({ a: { x: 1, y: 2 } }, { a: { x: 9 } }, 1, 'w', 'm')).toEqual({ a: { x: 9 } });
    expect(mergeMap({ a: 1, b: 2 }, { a: null }, 1, 'w', 'm')).toEqual({ b: 2 });
    expect(mergeMap({ a: 1 }, { a: null }, 1, 'w', 'm')).toBeUndefined();
    expect(mergeMap(undefined, { a: null }, 1, 'w', 'm')).toBeUndefined();
    expect(mergeMap({ a: 1 }, { a: undefined }, 1, 'w', 'm')).toEqual({ a: 1 });
    expect(mergeMap({ a: 1 }, undefined, 1, 'w', 'm')).toEqual({ a: 1 });
  });

  test('depth 2: nested maps merge key by key; null removes at either level', () => {
    expect(mergeMap<unknown>({ r: { cpu: '1', mem: '2' }, l: { mem: '3' } }, { r: { cpu: '2' } }, 2, 'w', 'm')).toEqual({ r: { cpu: '2', mem: '2' }, l: { mem: '3' } });
    expect(mergeMap<unknown>({ r: { cpu: '1', mem: '2' }, l: { mem: '3' } }, { l: null, r: { mem: null } }, 2, 'w', 'm')).toEqual({ r: { cpu: '1' } });
    expect(mergeMap<unknown>({ r: { cpu: '1' } }, { r: { cpu: null } }, 2, 'w', 'm')).toBeUndefined();
    expect(mergeMap<unknown>(undefined, { r: { cpu: '1' } }, 2, 'w', 'm')).toEqual({ r: { cpu: '1' } });
  });

  test('a non-map override is an error naming the field and the value', () => {
    const e = errorOf(() => mergeMap({ a: 1 }, ['x'] as any, 1, 'shop/web', 'config'));
    expect(e.message).toBe('shop/web: override "config" has invalid value ["x"]\n  hint: give a map; set a key to null to remove it, e.g. config: { KEY: null }');
  });
});

describe('applyAppOverrides: every documented map at every level', () => {
  test('resources.requests.cpu in a cluster override keeps requests.memory and the limits', () => {
    const out = applyAppOverrides(BASE, [undefined, { containers: [{ name: 'web', resources: { requests: { cpu: '2' } } }] }], 'w');
    expect(web(out).resources).toEqual({ requests: { cpu: '2', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } });
  });

  test('region and cluster overrides of resources stack: region limits, cluster requests, app rest', () => {
    const out = applyAppOverrides(BASE, [
      { containers: [{ name: 'web', resources: { limits: { memory: '1Gi' } } }] },
      { containers: [{ name: 'web', resources: { requests: { memory: '512Mi' } } }] },
    ], 'w');
    expect(web(out).resources).toEqual({ requests: { cpu: '100m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } });
  });

  test('resources: null removes one quantity, a whole list, and an emptied resources disappears', () => {
    const a = applyAppOverrides(BASE, [{ containers: [{ name: 'web', resources: { limits: { cpu: null } } }] }], 'w');
    expect(web(a).resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    const b = applyAppOverrides(BASE, [{ containers: [{ name: 'web', resources: { limits: null } }] }], 'w');
    expect(web(b).resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' } });
    const c = applyAppOverrides(BASE, [{ containers: [{ name: 'web', resources: { limits: null, requests: null } }] }], 'w');
    expect(web(c)).not.toHaveProperty('resources');
  });

  test('env merges key by key at region and cluster level; a value replaces whole; null removes', () => {
    const out = applyAppOverrides(BASE, [
      { containers: [{ name: 'web', env: { A: 'region', C: 'c' } }] },
      { containers: [{ name: 'web', env: { B: null, PW: 'plain-now' } }] },
    ], 'w');
    expect(web(out).env).toEqual({ A: 'region', C: 'c', PW: 'plain-now' });
    // a reference replaces a literal whole (no merging of { secretKeyRef } into a string or another ref)
    const ref = applyAppOverrides(BASE, [{ containers: [{ name: 'web', env: { PW: { configMapKeyRef: { name: 'c', key: 'k' } } } }] }], 'w');
    expect(web(ref).env!.PW).toEqual({ configMapKeyRef: { name: 'c', key: 'k' } });
  });

  test.each(['config', 'labels', 'podAnnotations'] as const)('%s merges key by key at region and cluster level; null removes; emptied disappears', (field) => {
    const [k1, k2] = Object.keys(BASE[field]!);
    const out = applyAppOverrides(BASE, [{ [field]: { [k1]: 'region', 'new-key': 'r' } }, { [field]: { [k2]: null, 'new-key': 'cluster' } }], 'w');
    expect(out[field]).toEqual({ [k1]: 'region', 'new-key': 'cluster' });
    const emptied = applyAppOverrides(BASE, [{ [field]: { [k1]: null } }, { [field]: { [k2]: null } }], 'w');
    expect(emptied).not.toHaveProperty(field);
  });

  test('containers merge by name; other containers and unmentioned fields are kept; lists replace whole', () => {
    const out = applyAppOverrides(BASE, [{ containers: [{ name: 'web', image: 'web:2', args: ['--c'] }] }], 'w');
    expect(web(out)).toMatchObject({ image: 'web:2', args: ['--c'], ports: BASE.containers[0].ports, env: BASE.containers[0].env });
    expect(out.containers[1]).toEqual(BASE.containers[1]);
    // an explicitly undefined field changes nothing
    expect(web(applyAppOverrides(BASE, [{ containers: [{ name: 'web', image: undefined }] }], 'w')).image).toBe('web:1');
  });

  test('autoscaling merges field by field across levels; disruptionBudget and serviceType replace', () => {
    const out = applyAppOverrides({ ...BASE, disruptionBudget: { minAvailable: 1 } }, [
      { autoscaling: { maxReplicas: 9 }, serviceType: 'NodePort' },
      { autoscaling: { targetCpuUtilization: 50 }, disruptionBudget: { maxUnavailable: '25%' } },
    ], 'w');
    expect(out.autoscaling).toEqual({ minReplicas: 1, maxReplicas: 9, targetCpuUtilization: 50 });
    expect(out.disruptionBudget).toEqual({ maxUnavailable: '25%' });
    expect(out.serviceType).toBe('NodePort');
  });
});

describe('overrides through FederatedApp', () => {
  test('the rendered Deployment keeps inherited requests, limits, env and labels', () => {
    const { fed } = federation();
    new FederatedApp(fed, 'web', {
      containers: [{ image: 'web:1', env: { A: 'a', B: 'b' }, resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } } }],
      labels: { team: 'web' },
      overrides: {
        regions: { eu: { labels: { region: 'eu' }, containers: [{ name: 'web', env: { B: null } }] } },
        clusters: { 'eu-1': { containers: [{ name: 'web', resources: { requests: { cpu: '500m' } } }] } },
      },
    });
    const dep = find(objectsOf(fed, 'eu-1'), 'Deployment', 'web');
    const c = dep.spec.template.spec.containers[0];
    expect(c.resources).toEqual({ requests: { cpu: '500m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    expect(c.env).toEqual([{ name: 'A', value: 'a' }]);
    expect(dep.metadata.labels).toMatchObject({ team: 'web', region: 'eu' });
    const us = find(objectsOf(fed, 'us-1'), 'Deployment', 'web').spec.template.spec.containers[0];
    expect(us.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    expect(us.env).toEqual([{ name: 'A', value: 'a' }, { name: 'B', value: 'b' }]);
  });

  test('a bad quantity after overrides names the cluster, the field and the value', () => {
    const e = errorOf(() => new FederatedApp(federation().fed, 'web', {
      containers: [{ image: 'web:1' }],
      overrides: { clusters: { 'us-1': { containers: [{ name: 'web', resources: { requests: { cpu: 2 as any } } }] } } },
    }));
    expect(e.message).toContain('shop/web (cluster us-1): prop "containers[0].resources.requests.cpu" has invalid value 2');
  });
});
