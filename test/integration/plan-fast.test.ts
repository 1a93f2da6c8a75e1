/**
 * plan dry-runs only what may change (new, changed or drifted objects): objects the revision in
 * force applied as they are and whose live copy still holds every value we set are unchanged
 * without a request. The report must be exactly the one a dry run of every object gives.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { cdkfed, cleanup, synthFleet, tmpDist, uniqueFederation } from '../support/integration/fleet';
import { clients, contexts, k8s } from '../support/integration/k8s';

const CTX = contexts();

test('plan of a fleet with changed, drifted, deleted and removed objects: the same report as a dry run of every object', async () => {
  const fed = uniqueFederation('planfast');
  const dist = tmpDist();
  const extra = (namespace: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra', namespace }, data: { k: 'v' } });
  try {
    const r1 = await cdkfed(['deploy', '--dist', synthFleet(dist, { name: fed, resources: [extra(fed)] }), '--yes']);
    expect(r1.code).toBe(0);
    // drift behind our back: an image taken by another manager in local-1, a ConfigMap deleted in local-2
    await clients(CTX[0]).objects.patch({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: fed },
      spec: { template: { spec: { containers: [{ name: 'api', image: 'registry.example/api:hotfix' }] } } } } as any, undefined, undefined, 'kubectl-edit', true, k8s.PatchStrategy.ServerSideApply);
    await clients(CTX[1]).core.deleteNamespacedConfigMap({ name: 'web-config', namespace: fed });
    // an unchanged fleet first: nothing to dry-run where nothing drifted
    for (const output of ['json', 'text']) {
      const fast = await cdkfed(['plan', '--dist', dist, '--output', output]);
      const full = await cdkfed(['plan', '--dist', dist, '--output', output, '--dry-run-all']);
      // 1: the drifted image is a conflict deploy would need --force-conflicts for (an error row)
      expect([fast.code, full.code]).toEqual([1, 1]);
      expect(fast.stdout).toBe(full.stdout);
    }
    // a new release: web's config changes everywhere (its ConfigMap and the Deployment's config checksum), the extra ConfigMap is removed
    synthFleet(dist, { name: fed, config: 'b' });
    const fast = await cdkfed(['plan', '--dist', dist, '--output', 'json', '--detailed-exitcode']);
    const full = await cdkfed(['plan', '--dist', dist, '--output', 'json', '--detailed-exitcode', '--dry-run-all']);
    expect([fast.code, full.code]).toEqual([1, 1]);
    expect(fast.stdout).toBe(full.stdout);
    const plan = JSON.parse(fast.stdout);
    const rows = (c: number) => plan.clusters[c].objects.filter((o: any) => o.action !== 'unchanged').map((o: any) => `${o.action} ${o.ref.kind}/${o.ref.name}`).sort();
    expect(rows(0)).toEqual(['delete ConfigMap/extra', 'error Deployment/api', 'update ConfigMap/web-config', 'update Deployment/web']);
    expect(rows(1)).toEqual(['create ConfigMap/web-config', 'delete ConfigMap/extra', 'update Deployment/web']);
    expect(rows(2)).toEqual(['delete ConfigMap/extra', 'update ConfigMap/web-config', 'update Deployment/web']);
  } finally {
    await cleanup(fed);
  }
});
