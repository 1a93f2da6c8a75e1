import { apiGroup, apiVersionName, KubeObject, objectKey, refKey, refOf } from '../../../lib/kube/object';

describe('apiVersion, parsed in one place', () => {
  test.each([
    ['apps/v1', 'apps', 'v1'],
    ['v1', '', 'v1'],
    ['apiextensions.k8s.io/v1beta1', 'apiextensions.k8s.io', 'v1beta1'],
  ])('%s: group %j, version %j', (apiVersion, group, version) => {
    expect(apiGroup(apiVersion)).toBe(group);
    expect(apiVersionName(apiVersion)).toBe(version);
  });

  test('the core group is the empty group, never "v1"', () => {
    expect(refOf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'n' } }).group).toBe('');
  });

  test('anything but a string (a live object read loosely) is the core group', () => {
    expect(apiGroup(undefined)).toBe('');
    expect(apiGroup(7)).toBe('');
  });
});

describe('objectKey', () => {
  test('is refKey(refOf(o)) for core and grouped kinds, with or without (or with an empty) namespace, and odd names', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'shop' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', namespace: '' } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } },
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' } },
      { apiVersion: 'example.com/v1beta1', kind: 'Widget', metadata: { name: 'a/../b', namespace: 'x' } },
    ];
    for (const o of objects) expect(objectKey(o as KubeObject)).toBe(refKey(refOf(o as KubeObject)));
    expect(objectKey(objects[2] as KubeObject)).toBe('/Namespace//shop');
  });
});
