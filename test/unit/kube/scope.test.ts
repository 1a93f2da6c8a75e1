import { crdScopes, knownNamespaced, scopeProblem } from '../../../lib/kube/scope';

const obj = (apiVersion: string, kind: string, namespace?: string) => ({ apiVersion, kind, metadata: { name: 'x', ...(namespace ? { namespace } : {}) } });
const crd = (group: string, kind: string, scope: 'Namespaced' | 'Cluster') => ({
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `${kind.toLowerCase()}s.${group}` },
  spec: { group, scope, names: { kind, plural: `${kind.toLowerCase()}s` }, versions: [{ name: 'v1', served: true, storage: true }] },
});

describe('scope', () => {
  test.each([
    ['v1', 'Namespace', false], ['v1', 'PersistentVolume', false], ['rbac.authorization.k8s.io/v1', 'ClusterRole', false],
    ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', false], ['storage.k8s.io/v1', 'StorageClass', false],
    ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', false], ['scheduling.k8s.io/v1', 'PriorityClass', false],
    ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', false],
    ['v1', 'ConfigMap', true], ['apps/v1', 'Deployment', true], ['rbac.authorization.k8s.io/v1', 'Role', true],
    ['autoscaling/v2', 'HorizontalPodAutoscaler', true], ['networking.k8s.io/v1', 'Ingress', true], ['policy/v1', 'PodDisruptionBudget', true],
  ])('%s %s: namespaced %s', (apiVersion, kind, namespaced) => {
    expect(knownNamespaced(apiVersion, kind)).toBe(namespaced);
  });

  test('custom kinds are unknown unless a CRD of the set says, including *.k8s.io groups that are CRDs (Gateway API)', () => {
    expect(knownNamespaced('example.com/v1', 'Widget')).toBeUndefined();
    expect(knownNamespaced('gateway.networking.k8s.io/v1', 'GatewayClass')).toBeUndefined();
    const crds = crdScopes([crd('example.com', 'Widget', 'Namespaced'), crd('example.com', 'Cluster', 'Cluster'), obj('v1', 'ConfigMap')]);
    expect(knownNamespaced('example.com/v1', 'Widget', crds)).toBe(true);
    expect(knownNamespaced('example.com/v1beta1', 'Cluster', crds)).toBe(false);
    expect([...crds.keys()]).toEqual(['example.com/Widget', 'example.com/Cluster']);
  });

  test('scopeProblem names the kind, the object and the namespace; fine when namespaced, unknown or without namespace', () => {
    expect(scopeProblem(obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'shop'), false)).toMatch(/ClusterRole x is cluster-scoped but sets metadata.namespace "shop"/);
    expect(scopeProblem(obj('rbac.authorization.k8s.io/v1', 'ClusterRole'), false)).toBeUndefined();
    expect(scopeProblem(obj('v1', 'ConfigMap', 'shop'), true)).toBeUndefined();
    expect(scopeProblem(obj('example.com/v1', 'Widget', 'shop'), undefined)).toBeUndefined();
  });
});
