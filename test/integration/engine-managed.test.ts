/**
 * `cdkfed deploy` refuses a cluster where a pull-based engine applies the same objects:
 * both would re-apply their own copy and fight over every field (Flux's kustomize-controller
 * every interval, deploy at each run). The cluster here carries what kustomize-controller
 * leaves on every object it applies (its labels, its field manager); the GitOps tests show
 * the same refusal on a cluster a real Flux synced.
 */
import * as fs from 'node:fs';
import { cdkfed, cleanup, synthFleet, tmpDist, uniqueFederation } from '../support/integration/fleet';
import { clients, contexts, k8s } from '../support/integration/k8s';

const CTX = contexts()[0];

describe('deploy and a GitOps engine never fight over a cluster', () => {
  test('a cluster whose objects Flux applies is not started, named with the Kustomization; nothing of the set is written there', async () => {
    const fed = uniqueFederation('engine');
    const dist = synthFleet(tmpDist(), { name: fed, withApi: false });
    const c = clients(CTX);
    const applySet = JSON.parse(fs.readFileSync(`${dist}/federation.json`, 'utf8')).applySet.id;
    try {
      // What kustomize-controller leaves on the Namespace it applied from the cluster's folder.
      await c.objects.patch({
        apiVersion: 'v1', kind: 'Namespace',
        metadata: { name: fed, labels: { 'applyset.kubernetes.io/part-of': applySet, 'kustomize.toolkit.fluxcd.io/name': `${fed}.${CTX}`, 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } },
      }, undefined, undefined, 'kustomize-controller', true, k8s.PatchStrategy.ServerSideApply);
      const r = await cdkfed(['deploy', '--dist', dist, '--yes', '--cluster', CTX, '--output', 'json']);
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout);
      expect(report.waves[0].clusters[0].outcome).toBe('not-started');
      expect(report.waves[0].clusters[0].failure.reason).toMatch(new RegExp(`Namespace ${fed}: is applied by Flux Kustomization flux-system/${fed}\\.${CTX}; a deploy would fight it`));
      expect(r.stderr + r.stdout).toMatch(/take the cluster away from the engine first/);
      const deployments = await c.apps.listNamespacedDeployment({ namespace: fed });
      expect(deployments.items).toEqual([]);
      const ns = await c.core.readNamespace({ name: fed });
      expect(ns.metadata?.managedFields?.map((m) => m.manager)).toEqual(['kustomize-controller']);
    } finally {
      await cleanup(fed, [CTX]);
      await c.core.deleteNamespace({ name: fed }).catch(() => undefined);
    }
  });
});
