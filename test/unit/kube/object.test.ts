import { apiGroup, apiVersionName, refOf } from '../../../lib/kube/object';

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
