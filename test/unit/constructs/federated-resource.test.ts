/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { FederatedResource, FederationError } from '../../../lib';
import { errorOf, federation, find, objectsOf } from '../../support/fixtures';

const WIDGET = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'tools' }, spec: { size: 1, color: 'red' } };

describe('FederatedResource', () => {
  test('propagates any object with placement, creates its namespace, patches per region then cluster', () => {
    const { fed } = federation();
    new FederatedResource(fed, 'widget', {
      manifest: WIDGET,
      placement: { selector: { matchLabels: { role: 'primary' } } },
      overrides: {
        regions: { eu: [{ op: 'replace', path: '/spec/size', value: 2 }, { op: 'add', path: '/spec/zone', value: 'eu' }] },
        clusters: { 'eu-1': [{ op: 'replace', path: '/spec/size', value: 3 }] },
      },
    });
    expect(fed.placedClusters).toEqual(['ap-1', 'eu-1', 'us-1']);
    expect(find(objectsOf(fed, 'us-1'), 'Widget', 'w').spec).toEqual({ size: 1, color: 'red' });
    expect(find(objectsOf(fed, 'eu-1'), 'Widget', 'w').spec).toEqual({ size: 3, color: 'red', zone: 'eu' });
    expect(find(objectsOf(fed, 'eu-1'), 'Namespace', 'tools')).toBeDefined();
    // Custom resources are applied after built-in kinds.
    expect(objectsOf(fed, 'eu-1').map((o) => o.kind)).toEqual(['Namespace', 'Widget']);
  });

  test('cluster-scoped objects get no namespace; CRDs come right after namespaces', () => {
    const { fed } = federation();
    new FederatedResource(fed, 'widget', { manifest: WIDGET, placement: { clusters: ['us-1'] } });
    new FederatedResource(fed, 'crd', { manifest: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, spec: {} }, placement: { clusters: ['us-1'] } });
    expect(objectsOf(fed, 'us-1').map((o) => `${o.kind}/${o.metadata.namespace ?? '-'}`)).toEqual(['Namespace/-', 'CustomResourceDefinition/-', 'Widget/tools']);
  });

  test('refuses a cluster-scoped object that names a namespace (built-in kinds at once, kinds of its own CRDs at synth), naming the field', () => {
    const e = errorOf(() => new FederatedResource(federation().fed, 'reader', {
      manifest: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader', namespace: 'shop' }, rules: [] },
    }));
    expect(e.code).toBe('CLUSTER_SCOPED_NAMESPACE');
    expect(e.message).toMatch(/shop\/reader: prop "manifest" field metadata.namespace.*ClusterRole reader is cluster-scoped but sets metadata.namespace "shop"/);
    expect(e.hint).toMatch(/remove metadata.namespace/);
    const { fed } = federation();
    new FederatedResource(fed, 'crd', { manifest: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'fleets.example.com' }, spec: { group: 'example.com', scope: 'Cluster', names: { kind: 'Fleet' } } } });
    new FederatedResource(fed, 'fleet', { manifest: { apiVersion: 'example.com/v1', kind: 'Fleet', metadata: { name: 'f', namespace: 'shop' } } });
    expect(() => fed.toModel()).toThrow(/shop\/fleet: prop "manifest" field metadata.namespace: Fleet f is cluster-scoped/);
    // a namespaced custom kind with a namespace is fine
    const ok = federation().fed;
    new FederatedResource(ok, 'w', { manifest: WIDGET });
    expect(() => ok.toModel()).not.toThrow();
  });

  test('refuses a Secret with data, naming the construct; the value appears nowhere in the message', () => {
    const { fed } = federation();
    let err: unknown;
    try {
      new FederatedResource(fed, 'creds', { manifest: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, stringData: { password: 'hunter2' } } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FederationError);
    expect((err as FederationError).code).toBe('SECRET_VALUE_INLINE');
    expect((err as FederationError).message).toContain('shop/creds');
    expect((err as FederationError).message).not.toContain('hunter2');
  });

  test('a Secret whose data is empty carries no value: synthesized (it was refused before the one Secret-value rule); binaryData counts as a value', () => {
    const { fed } = federation();
    new FederatedResource(fed, 'filled-later', { manifest: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'filled-later', namespace: 'shop' }, type: 'Opaque', data: {} } });
    expect(() => fed.toModel()).not.toThrow();
    expect(() => new FederatedResource(federation().fed, 'bin', { manifest: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bin', namespace: 'shop' }, binaryData: { key: 'AAEC' } } as any }))
      .toThrow(/SECRET|secret values never go into synthesized output/);
  });

  test('a Secret given data through a patch is still refused at synth', () => {
    const { fed } = federation();
    new FederatedResource(fed, 'creds', {
      manifest: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'shop' }, type: 'Opaque' },
      placement: { clusters: ['us-1'] },
      overrides: { clusters: { 'us-1': [{ op: 'add', path: '/data', value: { password: 'aHVudGVyMg==' } }] } },
    });
    expect(() => fed.toModel()).toThrow(/Secret "creds" carries data/);
  });

  test('bad manifest, bad patch path, duplicate object', () => {
    expect(() => new FederatedResource(federation().fed, 'x', { manifest: { kind: 'Widget', metadata: { name: 'w' } } as any })).toThrow(/shop\/x.*lacks apiVersion/);
    expect(() => new FederatedResource(federation().fed, 'x', { manifest: WIDGET, overrides: { clusters: { 'us-1': [{ op: 'replace', path: '/spec/missing/deep', value: 1 }] } } }))
      .toThrow(/shop\/x \(cluster us-1\).*JSON patch/);
    const { fed } = federation();
    new FederatedResource(fed, 'a', { manifest: WIDGET });
    new FederatedResource(fed, 'b', { manifest: WIDGET });
    expect(() => fed.toModel()).toThrow(/two objects are Widget "tools\/w"/);
  });
});
