/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { canonicalJson, contentDigest } from '../../../lib/kube/digest';
import { applyRank, manifestFileName } from '../../../lib/kube/order';
import { applySetId, applySetParent } from '../../../lib/kube/ownership';
import { finalizeObjects } from '../../../lib/synth/objects';
import { renderApp } from '../../../lib/constructs/render-app';

const obj = (apiVersion: string, kind: string, name: string, namespace?: string, extra: object = {}) =>
  ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...extra });

describe('apply order and file names', () => {
  test('namespaces, then CRDs, then built-in kinds in install order, custom resources last', () => {
    const kinds = ['Widget', 'Deployment', 'Service', 'CustomResourceDefinition', 'ConfigMap', 'Namespace', 'HorizontalPodAutoscaler'];
    expect([...kinds].sort((a, b) => applyRank(a) - applyRank(b))).toEqual(
      ['Namespace', 'CustomResourceDefinition', 'ConfigMap', 'Service', 'Deployment', 'HorizontalPodAutoscaler', 'Widget']);
  });

  test('file names carry rank, kind, group, namespace and name, and no hash', () => {
    expect(manifestFileName(obj('v1', 'Namespace', 'shop'))).toBe('00-namespace_shop.yaml');
    expect(manifestFileName(obj('apps/v1', 'Deployment', 'web', 'shop'))).toBe('20-deployment.apps_shop_web.yaml');
    expect(manifestFileName(obj('example.com/v1', 'Widget', 'w', 'tools'))).toBe('28-widget.example.com_tools_w.yaml');
  });
});

describe('content digests', () => {
  test('independent of key order, sensitive to any value', () => {
    const a = { b: 1, a: { y: [1, { q: 2, p: 1 }], x: 'v' } };
    const b = { a: { x: 'v', y: [1, { p: 1, q: 2 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(contentDigest(a)).toBe(contentDigest(b));
    expect(contentDigest({ ...b, b: 2 })).not.toBe(contentDigest(b));
    expect(contentDigest(a)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  // the definition canonicalJson is a faster form of: digests must never change
  const reference = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(reference).join(',')}]`;
    if (v && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
      return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${reference(x)}`).join(',')}}`;
    }
    return JSON.stringify(v);
  };
  test.each<[string, unknown]>([
    ['unsorted keys at every level', { b: 1, B: 2, a: { z: [{ y: 1, x: 2 }], '10': 1, '9': 2, 'a-b': 3, a_b: 4, ü: 5, '': 6 } }],
    ['undefined members and list items, holes, functions, null', { a: undefined, b: [undefined, 1, () => 1, null, , 2], c: null, d: () => 1 }], // eslint-disable-line no-sparse-arrays
    ['strings that need escapes, long strings', { 'k"ey': 'a\nb\t"c"\u0001', long: 'x'.repeat(1000), s: '${x}' }],
    ['numbers and scalars', [0, -0, 1.5, 1e21, NaN, Infinity, true, 'x', null]],
  ])('canonical JSON as defined: %s', (_name, v) => {
    expect(canonicalJson(v)).toBe(reference(v));
    expect(canonicalJson(v)).toBe(canonicalJson(v)); // the remembered quotes give the same again
  });
});

describe('finalizeObjects', () => {
  const opts = { federation: 'shop', cluster: 'eu-1', where: 'shop/eu-1' };

  test('stamps ownership labels and the cluster annotation, keeps own labels, sorts into apply order', () => {
    const out = finalizeObjects([obj('apps/v1', 'Deployment', 'web', 'shop', {}), { ...obj('v1', 'Namespace', 'shop'), metadata: { name: 'shop', labels: { team: 'a' } } }] as any, opts);
    expect(out.map((o) => o.kind)).toEqual(['Namespace', 'Deployment']);
    expect(out[0].metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'cdk-federation', 'applyset.kubernetes.io/part-of': applySetId(applySetParent('shop')), 'cdk-federation.io/federation': 'shop', team: 'a' });
    expect(out[1].metadata.annotations).toEqual({ 'cdk-federation.io/cluster': 'eu-1' });
  });

  test('the same name in different groups or namespaces is fine; the same identity twice is not', () => {
    expect(finalizeObjects([obj('v1', 'ConfigMap', 'c', 'a'), obj('v1', 'ConfigMap', 'c', 'b'), obj('x.io/v1', 'Widget', 'c', 'a'), obj('y.io/v1', 'Widget', 'c', 'a')] as any, opts)).toHaveLength(4);
    expect(() => finalizeObjects([obj('v1', 'ConfigMap', 'c', 'a'), obj('v1', 'ConfigMap', 'c', 'a')] as any, opts)).toThrow(/two objects are ConfigMap "a\/c" in cluster "eu-1"/);
  });

  test('refuses Secrets with values and objects without identity', () => {
    expect(() => finalizeObjects([obj('v1', 'Secret', 's', 'a', { data: { k: 'dmFsdWU=' } })] as any, opts)).toThrow(/Secret "s" carries data/);
    expect(() => finalizeObjects([{ kind: 'ConfigMap', metadata: {} }] as any, opts)).toThrow(/lacks apiVersion, kind or metadata.name/);
    // A Secret-named kind of another group is not a core Secret.
    expect(finalizeObjects([obj('bitnami.com/v1alpha1', 'Secret', 's', 'a', { data: { k: 'sealed' } })] as any, opts)).toHaveLength(1);
  });
});

describe('key order of written objects', () => {
  const opts = { federation: 'shop', cluster: 'eu-1', where: 'shop/eu-1' };
  test('metadata is always name, namespace, labels, annotations, then other keys sorted; labels and annotations sorted', () => {
    const [o] = finalizeObjects([{
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { labels: { z: '1', a: '2' }, finalizers: ['x'], annotations: { 'b.io/x': '1', 'a.io/y': '2' }, namespace: 'shop', generateName: 'g', name: 'c' },
    } as any], opts);
    expect(Object.keys(o.metadata)).toEqual(['name', 'namespace', 'labels', 'annotations', 'finalizers', 'generateName']);
    expect(Object.keys(o.metadata.labels!)).toEqual([...Object.keys(o.metadata.labels!)].sort());
    expect(Object.keys(o.metadata.annotations!)).toEqual(['a.io/y', 'b.io/x', 'cdk-federation.io/cluster']);
  });

  test('a cluster-scoped object has no namespace key', () => {
    const [o] = finalizeObjects([{ apiVersion: 'v1', kind: 'Namespace', metadata: { labels: { a: 'b' }, name: 'shop' } } as any], opts);
    expect(Object.keys(o.metadata)).toEqual(['name', 'labels', 'annotations']);
  });
});

describe('labels and annotations of the pod template are sorted too', () => {
  test('user labels and pod annotations in any order come out sorted', () => {
    const objects = renderApp({ name: 'web', namespace: 'shop', replicas: 1, spec: {
      containers: [{ name: 'web', image: 'web:1' }], labels: { zeta: '1', alpha: '2' }, podAnnotations: { 'z.io/a': '1', 'a.io/z': '2' }, config: { B: '1', A: '2' },
    } });
    const dep = objects.find((o: any) => o.id === 'Resource').object;
    const sorted = (r: object) => Object.keys(r).every((k, i, ks) => i === 0 || ks[i - 1] < k);
    expect(sorted(dep.metadata.labels)).toBe(true);
    expect(sorted(dep.spec.template.metadata.labels)).toBe(true);
    expect(Object.keys(dep.spec.template.metadata.annotations)).toEqual(['a.io/z', 'cdk-federation.io/config-digest', 'z.io/a']);
    expect(Object.keys(objects.find((o: any) => o.id === 'ConfigMap').object.data)).toEqual(['A', 'B']);
  });
});
