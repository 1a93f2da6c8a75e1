import { maskPair, stripServerFields } from '../../../lib/kube/normalize';
import { changedPaths, formatPath, leafPaths, ownerOf, valueAt } from '../../../lib/kube/paths';

const dep = (image: string, extra: object = {}) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
  spec: { template: { spec: { containers: [{ name: 'web', image, env: [{ name: 'DB_PASSWORD', value: 'pw-1' }, { name: 'MODE', value: 'a' }] }] } } }, ...extra,
});
describe('normalize', () => {
  test('strips status and server-populated metadata, keeps labels and annotations', () => {
    const o = stripServerFields({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', uid: 'u', resourceVersion: '1', generation: 2, creationTimestamp: 't', managedFields: [], labels: { a: 'b' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'me' } }, status: { x: 1 }, data: { k: 'v' } });
    expect(o).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: 'b' }, annotations: { keep: 'me' } }, data: { k: 'v' } });
  });
  test('Secret data masked as changed / unchanged; never the value', () => {
    const s = (data: object) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data });
    const [b, a] = maskPair(s({ same: 'AAA', diff: 'BBB', gone: 'CCC' }), s({ same: 'AAA', diff: 'DDD', added: 'EEE' }));
    expect(b!.data).toEqual({ same: '*** (unchanged)', diff: '***', gone: '***' });
    expect(a!.data).toEqual({ same: '*** (unchanged)', diff: '*** (changed)', added: '*** (changed)' });
    expect(JSON.stringify([b, a])).not.toMatch(/AAA|BBB|CCC|DDD|EEE/);
  });
  test('literal env values under credential names are masked, others kept', () => {
    const [b, a] = maskPair(dep('x'), { ...dep('x'), spec: { template: { spec: { containers: [{ name: 'web', image: 'x', env: [{ name: 'DB_PASSWORD', value: 'pw-2' }, { name: 'MODE', value: 'a' }] }] } } } });
    expect(b!.spec.template.spec.containers[0].env).toEqual([{ name: 'DB_PASSWORD', value: '***' }, { name: 'MODE', value: 'a' }]);
    expect(a!.spec.template.spec.containers[0].env[0]).toEqual({ name: 'DB_PASSWORD', value: '*** (changed)' });
    expect(JSON.stringify(maskPair(dep('x'), dep('x'))[0])).not.toContain('pw-1');
  });
});

describe('paths', () => {
  test('leaf paths and changed paths', () => {
    expect(leafPaths({ a: { b: 1, c: [] }, d: 'x' })).toEqual([['a', 'b'], ['a', 'c'], ['d']]);
    expect(changedPaths({ a: 1, b: [1, 2], c: { d: 1 } }, { a: 1, b: [1, 3, 4], c: {}, e: 1 })).toEqual([['b', 1], ['b', 2], ['c', 'd'], ['e']]);
  });
  test('formatPath names list items by name like SSA conflicts', () => {
    const o = dep('x');
    expect(formatPath(['spec', 'template', 'spec', 'containers', 0, 'image'], (p) => valueAt(o, p))).toBe('.spec.template.spec.containers[name=web].image');
    expect(formatPath(['metadata', 'labels', 'app.kubernetes.io/name'], () => undefined)).toBe('.metadata.labels["app.kubernetes.io/name"]');
  });
  test('ownerOf reads FieldsV1 with keyed list items', () => {
    const live = { ...dep('hotfix'), metadata: { name: 'web', managedFields: [
      { manager: 'cdk-federation', fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:env': {} } } } } } } },
      { manager: 'kubectl-edit', fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:image': {} } } } } } } },
    ] } };
    expect(ownerOf(live, ['spec', 'template', 'spec', 'containers', 0, 'image'])).toBe('kubectl-edit');
    expect(ownerOf(live, ['spec', 'template', 'spec', 'containers', 0, 'env'])).toBe('cdk-federation');
    expect(ownerOf(live, ['spec', 'replicas'])).toBeUndefined();
  });
});
