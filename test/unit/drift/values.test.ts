/**
 * Drift and plan compare values, not spellings (#15): quantities by value, and empty values the
 * API server drops equal to their absence, only where the server drops them.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { driftedFields } from '../../../lib/drift/drift';
import { sameValue, serverDrops } from '../../../lib/kube/normalize';
import { changedPaths } from '../../../lib/kube/paths';

const C = ['spec', 'template', 'spec', 'containers', 0];
const deployment = (container: object, extra: object = {}) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
  spec: { replicas: 2, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1', ...container }] } }, ...extra },
});
const widget = (spec: object, metadata: object = {}) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'shop', ...metadata }, spec });
const paths = (fields: Array<{ path: string }>) => fields.map((f) => f.path);

describe('sameValue: quantities by value at quantity paths only', () => {
  const d = deployment({});
  test.each([
    ['0.5', '500m'], ['1024Mi', '1Gi'], ['1e3', '1k'], [1, '1'], [0.5, '500m'], ['2', 2],
  ])('resources.requests.cpu %j == %j', (a, b) => expect(sameValue(d, [...C, 'resources', 'requests', 'cpu'], a, b)).toBe(true));
  test('a different value is a change', () => {
    expect(sameValue(d, [...C, 'resources', 'limits', 'memory'], '1Gi', '1G')).toBe(false);
    expect(sameValue(d, [...C, 'resources', 'limits', 'cpu'], '500m', '501m')).toBe(false);
  });
  test('outside quantity paths a spelling is a value: "0.5" != "500m", 1 != "1"', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { CPU: '0.5' } };
    expect(sameValue(cm, ['data', 'CPU'], '0.5', '500m')).toBe(false);
    expect(sameValue(d, ['spec', 'replicas'], 1, '1')).toBe(false);
    expect(sameValue(d, [...C, 'image'], 'web:1', 'web:1')).toBe(true);
  });
});

describe('serverDrops: what the API server drops, and nothing else', () => {
  const d = deployment({});
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: {} };
  const pvc = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p' }, spec: {} };
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
  test('null anywhere (server-side apply reads it as unset)', () => {
    expect(serverDrops(widget({}), ['spec', 'x'], null)).toBe(true);
    expect(serverDrops(d, [...C, 'args'], null)).toBe(true);
  });
  test('empty labels/annotations maps and finalizers/ownerReferences lists in metadata, for any kind', () => {
    for (const o of [d, widget({})]) {
      expect(serverDrops(o, ['metadata', 'labels'], {})).toBe(true);
      expect(serverDrops(o, ['metadata', 'annotations'], {})).toBe(true);
      expect(serverDrops(o, ['metadata', 'finalizers'], [])).toBe(true);
      expect(serverDrops(o, ['metadata', 'ownerReferences'], [])).toBe(true);
    }
  });
  test('built-in kinds: any empty list', () => {
    for (const k of ['env', 'args', 'command', 'ports', 'volumeMounts', 'envFrom']) expect(serverDrops(d, [...C, k], [])).toBe(true);
    expect(serverDrops(d, ['spec', 'template', 'spec', 'volumes'], [])).toBe(true);
    expect(serverDrops({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n' } }, ['spec', 'ingress'], [])).toBe(true);
  });
  test('built-in kinds: an empty map where the Go type is a map, never an empty struct', () => {
    expect(serverDrops(d, ['spec', 'template', 'metadata', 'labels'], {})).toBe(true);
    expect(serverDrops(d, ['spec', 'template', 'metadata', 'annotations'], {})).toBe(true);
    expect(serverDrops(d, ['spec', 'template', 'spec', 'nodeSelector'], {})).toBe(true);
    expect(serverDrops(d, [...C, 'resources', 'limits'], {})).toBe(true);
    expect(serverDrops(cm, ['data'], {})).toBe(true);
    expect(serverDrops(svc, ['spec', 'selector'], {})).toBe(true);
    // structs: kept by the server, so their absence live is a change
    expect(serverDrops(d, ['spec', 'template', 'spec', 'volumes', 0, 'emptyDir'], {})).toBe(false);
    expect(serverDrops(d, ['spec', 'template', 'spec', 'securityContext'], {})).toBe(false);
    expect(serverDrops(d, [...C, 'resources'], {})).toBe(false);
    expect(serverDrops(d, ['spec', 'selector'], {})).toBe(false);
  });
  test('built-in kinds: an empty string in a struct field, never in a map nor a *string field', () => {
    expect(serverDrops(d, [...C, 'env', 0, 'value'], '')).toBe(true);
    expect(serverDrops(d, [...C, 'workingDir'], '')).toBe(true);
    expect(serverDrops(cm, ['data', 'EMPTY'], '')).toBe(false);
    expect(serverDrops(d, ['metadata', 'labels', 'tier'], '')).toBe(false);
    expect(serverDrops(d, ['spec', 'template', 'metadata', 'annotations', 'a'], '')).toBe(false);
    expect(serverDrops(svc, ['spec', 'selector', 'app'], '')).toBe(false);
    expect(serverDrops(pvc, ['spec', 'storageClassName'], '')).toBe(false);
    expect(serverDrops({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i' } }, ['spec', 'ingressClassName'], '')).toBe(false);
    expect(serverDrops(d, [...C, 'args', 0], '')).toBe(false);
  });
  test('custom resources keep what they were sent: no empty value of theirs is dropped outside metadata', () => {
    expect(serverDrops(widget({}), ['spec', 'items'], [])).toBe(false);
    expect(serverDrops(widget({}), ['spec', 'labels'], {})).toBe(false);
    expect(serverDrops(widget({}), ['spec', 'name'], '')).toBe(false);
    // Gateway API is a CRD under a .k8s.io group: stored as sent
    expect(serverDrops({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' } }, ['spec', 'hostnames'], [])).toBe(false);
  });
  test('values that are not empty are never dropped', () => {
    for (const v of [0, false, 'x', [1], { a: 1 }]) expect(serverDrops(d, [...C, 'x'], v)).toBe(false);
  });
});

describe('driftedFields: no false drift after a clean deploy', () => {
  // What we applied; `live` is what the API server returns for it.
  const applied = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', labels: {} },
    spec: { replicas: 2, template: { metadata: { labels: { app: 'web' }, annotations: {} }, spec: { nodeSelector: {}, containers: [{
      name: 'web', image: 'web:1', args: [], envFrom: [], env: [{ name: 'EMPTY', value: '' }, { name: 'MODE', value: 'a' }],
      resources: { requests: { cpu: '0.5', memory: '1024Mi' }, limits: { cpu: 1, memory: '1e9', 'ephemeral-storage': '1.5Gi' } },
    }] } } },
  };
  const live = deployment({
    resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1G', 'ephemeral-storage': '1536Mi' } },
    env: [{ name: 'EMPTY' }, { name: 'MODE', value: 'a' }],
  });

  test('quantities in canonical form and dropped empty values are not drift', () => {
    expect(driftedFields(applied as any, live)).toEqual([]);
  });
  test('a changed quantity is drift, shown as desired and live spell it', () => {
    const changed = JSON.parse(JSON.stringify(live));
    changed.spec.template.spec.containers[0].resources.requests.cpu = '750m';
    expect(driftedFields(applied as any, changed)).toEqual([{ path: '.spec.template.spec.containers[name=web].resources.requests.cpu', desired: '0.5', live: '750m' }]);
  });
  test('a value set behind our back where we set an empty string is drift', () => {
    const changed = JSON.parse(JSON.stringify(live));
    changed.spec.template.spec.containers[0].env[0].value = 'set';
    expect(paths(driftedFields(applied as any, changed))).toEqual(['.spec.template.spec.containers[name=web].env[name=EMPTY].value']);
  });
  test('an empty struct removed behind our back is still drift (emptyDir: {} replaced)', () => {
    const want = deployment({}, { template: { spec: { containers: [{ name: 'web', image: 'web:1' }], volumes: [{ name: 'scratch', emptyDir: {} }] } } });
    const l = deployment({}, { template: { spec: { containers: [{ name: 'web', image: 'web:1' }], volumes: [{ name: 'scratch', hostPath: { path: '/tmp' } }] } } });
    expect(paths(driftedFields(want as any, l))).toEqual(['.spec.template.spec.volumes[name=scratch].emptyDir']);
  });
  test('a ConfigMap key whose empty value was removed is drift', () => {
    const want = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop' }, data: { EMPTY: '', A: 'a' } };
    expect(paths(driftedFields(want as any, { ...want, data: { A: 'a' } }))).toEqual(['.data.EMPTY']);
    expect(driftedFields({ ...want, data: {} } as any, { ...want, data: undefined })).toEqual([]);
  });
  test('a custom resource keeps empty values: one removed live is drift', () => {
    expect(paths(driftedFields(widget({ items: [] }) as any, widget({})))).toEqual(['.spec.items']);
    expect(driftedFields(widget({ a: 1 }, { labels: {} }) as any, widget({ a: 1 }))).toEqual([]);
  });
});

describe('changedPaths (plan: live vs dry-run result): values, not spellings', () => {
  test('quantities compare by value', () => {
    const a = deployment({ resources: { requests: { cpu: '500m', memory: '1Gi' } } });
    const b = deployment({ resources: { requests: { cpu: '0.5', memory: '1024Mi' } } });
    expect(changedPaths(a, b)).toEqual([]);
    const c = deployment({ resources: { requests: { cpu: '0.6', memory: '1024Mi' } } });
    expect(changedPaths(a, c)).toEqual([[...C, 'resources', 'requests', 'cpu']]);
  });
  test('an empty value the server drops equals its absence, on either side', () => {
    const a = deployment({ env: [{ name: 'E' }] });
    const b = deployment({ env: [{ name: 'E', value: '' }], args: [] });
    expect(changedPaths(a, b)).toEqual([]);
    expect(changedPaths(b, a)).toEqual([]);
    expect(changedPaths(widget({}), widget({ items: [] }))).toEqual([['spec', 'items']]);
  });
  test('other changes still show, one path per leaf', () => {
    expect(changedPaths({ a: 1, b: [1, 2], c: { d: 1 } }, { a: 1, b: [1, 3, 4], c: {}, e: 1 })).toEqual([['b', 1], ['b', 2], ['c', 'd'], ['e']]);
    expect(changedPaths(deployment({ image: 'web:1' }), deployment({ image: 'web:2' }))).toEqual([[...C, 'image']]);
  });
});
