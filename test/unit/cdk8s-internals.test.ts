/**
 * Federation renders ApiObjects from cdk8s's private fields (renderPlain in federation.ts), as
 * toJson() would, at a fraction of the cost. These tests fail when a cdk8s upgrade moves or
 * adds the fields it reads: then renderPlain must change with it.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { renderPlain } from '../../lib/federation';

function object(): ApiObject {
  const chart = new Chart(new App({ outdir: '/nonexistent' }), 'c');
  const o = new ApiObject(chart, 'o', {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', labels: { b: '1', a: '2' }, annotations: { z: 'x' }, generateName: 'web-', finalizers: ['f/one'] },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'nginx', env: [] }] } }, empty: {} },
  });
  o.metadata.addLabel('added', 'yes');
  o.metadata.addAnnotation('note', 'n');
  o.metadata.addFinalizers('f/two');
  o.metadata.addOwnerReference({ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u-1' });
  return o;
}

describe('the cdk8s fields renderPlain reads', () => {
  test('are where it reads them: ApiObject props and patches, metadata parts', () => {
    const o = object() as unknown as Record<string, unknown>;
    expect(o.props).toEqual(expect.objectContaining({ apiVersion: 'apps/v1', kind: 'Deployment' }));
    expect(o.patches).toEqual([]);
    const m = (o as unknown as ApiObject).metadata as unknown as Record<string, unknown>;
    expect(m._additionalAttributes).toEqual(expect.objectContaining({ generateName: 'web-' }));
    expect(m.labels).toEqual(expect.objectContaining({ added: 'yes' }));
    expect(m.annotations).toEqual(expect.objectContaining({ note: 'n' }));
    expect(m.finalizers).toEqual(['f/one', 'f/two']);
    expect(m.ownerReferences).toEqual([expect.objectContaining({ name: 'owner' })]);
  });

  test('render exactly what toJson() renders, key order included, without falling back', () => {
    const o = object();
    const fast = renderPlain(o);
    expect(fast).toBeDefined();
    expect(JSON.stringify(fast)).toBe(JSON.stringify(o.toJson()));
  });
});
