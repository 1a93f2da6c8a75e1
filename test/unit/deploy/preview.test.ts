/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { contentDigest } from '../../../lib/kube/digest';
import type { InventoryCluster } from '../../../lib/inventory/read';
import type { RevisionRecord } from '../../../lib/cluster/revisions';
import { ClusterPreview, previewCluster } from '../../../lib/deploy/preview';
import { describeRef } from '../../../lib/kube/object';

const obj = (kind: string, name: string, extra: object = {}) => ({ apiVersion: 'v1', kind, metadata: { name, namespace: 'shop' }, ...extra });
const cluster = (objects: any[]): InventoryCluster => ({
  spec: { name: 'c1' } as any,
  objects: objects.map((m) => ({ entry: { digest: contentDigest(m) } as any, target: m, bytes: 0, manifest: m })),
  digest: contentDigest(objects.map((m) => contentDigest(m))),
});
const record = (objects: any[], digest = 'x'): RevisionRecord => ({ federation: 'f', cluster: 'c1', revision: 4, status: 'deployed', digest, objects, started: '', updated: '' });

/** The preview's objects by action, as `Kind ns/name`. */
const byAction = (p: ClusterPreview) => {
  const out: Record<string, string[]> = {};
  for (const e of p.changes.entries) (out[e.action] ??= []).push(describeRef(e.ref));
  return out;
};

describe('previewCluster', () => {
  test('first deploy: everything is a create', () => {
    const p = previewCluster(cluster([obj('ConfigMap', 'a'), obj('Service', 'b')]), undefined);
    expect(byAction(p)).toEqual({ created: ['ConfigMap shop/a', 'Service shop/b'] });
    expect(p).toMatchObject({ upToDate: false, changes: { dryRun: true, failed: false } });
    expect(p.currentRevision).toBeUndefined();
  });
  test('against the revision in force: create, update, unchanged, prune', () => {
    const c = cluster([obj('ConfigMap', 'a', { data: { k: '2' } }), obj('Service', 'b'), obj('Secret', 'new')]);
    const p = previewCluster(c, record([obj('ConfigMap', 'a', { data: { k: '1' } }), obj('Service', 'b'), obj('Deployment', 'gone')]));
    expect(byAction(p)).toEqual({ created: ['Secret shop/new'], configured: ['ConfigMap shop/a'], deleted: ['Deployment shop/gone'], unchanged: ['Service shop/b'] });
    expect(p).toMatchObject({ currentRevision: 4, upToDate: false });
  });
  test('same set digest: up to date', () => {
    const c = cluster([obj('ConfigMap', 'a')]);
    expect(previewCluster(c, record([obj('ConfigMap', 'a')], c.digest)).upToDate).toBe(true);
  });
});
