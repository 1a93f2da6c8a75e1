/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { contentDigest } from '../../../lib/kube/digest';
import type { InventoryCluster } from '../../../lib/inventory/read';
import type { RevisionRecord } from '../../../lib/cluster/revisions';
import { previewCluster } from '../../../lib/deploy/preview';

const obj = (kind: string, name: string, extra: object = {}) => ({ apiVersion: 'v1', kind, metadata: { name, namespace: 'shop' }, ...extra });
const cluster = (objects: any[]): InventoryCluster => ({
  spec: { name: 'c1' } as any,
  objects: objects.map((m) => ({ entry: { digest: contentDigest(m) } as any, target: m, bytes: 0, manifest: m })),
  digest: contentDigest(objects.map((m) => contentDigest(m))),
});
const record = (objects: any[], digest = 'x'): RevisionRecord => ({ federation: 'f', cluster: 'c1', revision: 4, status: 'deployed', digest, objects, started: '', updated: '' });

describe('previewCluster', () => {
  test('first deploy: everything is a create', () => {
    const p = previewCluster(cluster([obj('ConfigMap', 'a'), obj('Service', 'b')]), undefined);
    expect(p).toMatchObject({ create: ['ConfigMap shop/a', 'Service shop/b'], update: [], prune: [], unchanged: 0, upToDate: false });
    expect(p.currentRevision).toBeUndefined();
  });
  test('against the revision in force: create, update, unchanged, prune', () => {
    const c = cluster([obj('ConfigMap', 'a', { data: { k: '2' } }), obj('Service', 'b'), obj('Secret', 'new')]);
    const p = previewCluster(c, record([obj('ConfigMap', 'a', { data: { k: '1' } }), obj('Service', 'b'), obj('Deployment', 'gone')]));
    expect(p).toMatchObject({ create: ['Secret shop/new'], update: ['ConfigMap shop/a'], prune: ['Deployment shop/gone'], unchanged: 1, currentRevision: 4, upToDate: false });
  });
  test('same set digest: up to date', () => {
    const c = cluster([obj('ConfigMap', 'a')]);
    expect(previewCluster(c, record([obj('ConfigMap', 'a')], c.digest)).upToDate).toBe(true);
  });
});
