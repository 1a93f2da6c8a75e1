/**
 * What deploy guarantees about objects it did not create, and that a rerun converges (issue
 * 15), on a real local cluster with the CLI as a process. Each test shows a case that went
 * wrong before the set manager: an adopted object deleted by rollback or prune, a namespace
 * pruned with another team's objects when a LIST failed, a CRD pruned with custom resources
 * that were not ours, a kept namespace left half ours, a resumed revision left running after
 * its gate failed, a redeploy that rolled back instead of repairing, a prune before the bake
 * that a regression had to re-create, replicas dropped to 1 when an HPA took them over, and a
 * cluster-scoped object with a namespace deleted right after it was applied.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { SYSTEM_NAMESPACE } from '../../lib/kube/ownership';
import { cdkfed, cleanup, kubeconfigAs, revisions, synthFleet, tmpDist, uniqueFederation } from '../support/integration/fleet';
import { clients, contexts, k8s, waitUntil } from '../support/integration/k8s';

const CTX = contexts()[0];
const PART_OF = 'applyset.kubernetes.io/part-of';
const json = (s: string) => JSON.parse(s);
/** Deploys to local-1 only (wave w1): each test needs one cluster. */
const deploy = (dist: string, ...extra: string[]) => cdkfed(['deploy', '--dist', dist, '--yes', '--cluster', CTX, '--output', 'json', ...extra]);
const cluster = (r: { stdout: string }) => json(r.stdout).waves[0].clusters[0];
const c = () => clients(CTX);
const rbac = () => c().kc.makeApiClient(k8s.RbacAuthorizationV1Api);
const ext = () => c().kc.makeApiClient(k8s.ApiextensionsV1Api);
const custom = () => c().kc.makeApiClient(k8s.CustomObjectsApi);

async function deployOk(dist: string, ...extra: string[]) {
  const r = await deploy(dist, ...extra);
  if (r.code !== 0) throw new Error(`deploy exited ${r.code}:\n${r.stdout.slice(0, 3000)}\n${r.stderr.slice(-3000)}`);
  return r;
}

async function gone(what: string, read: () => Promise<unknown>) {
  await waitUntil(`${what} to be gone`, 60_000, async () => (await read().then(() => false, () => true)) || undefined);
}

describe('deploy never deletes what it did not create', () => {
  test('an object adopted with --adopt whose gate then fails is handed back as it was (labels, content), never deleted', async () => {
    const fed = uniqueFederation('adopt');
    const dist = tmpDist();
    try {
      await deployOk(synthFleet(dist, { name: fed, withApi: false }));
      await c().core.createNamespacedConfigMap({ namespace: fed, body: { metadata: { name: 'legacy', labels: { team: 'x', 'app.kubernetes.io/managed-by': 'helm' } }, data: { owner: 'team-x' } } });
      const legacy = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'legacy', namespace: fed }, data: { owner: 'cdk' } };
      synthFleet(dist, { name: fed, withApi: false, webTag: '1.1.0', failOn: [CTX], healthTimeoutSeconds: 6, resources: [legacy] });
      const r = await deploy(dist, '--adopt', '--force-conflicts');
      expect(r.code).toBe(1);
      expect(cluster(r).outcome).toBe('rolled-back');
      const cm = await c().core.readNamespacedConfigMap({ name: 'legacy', namespace: fed });
      expect(cm.data).toEqual({ owner: 'team-x' });
      expect(cm.metadata?.labels).toEqual({ team: 'x', 'app.kubernetes.io/managed-by': 'helm' });
      expect(cm.metadata?.managedFields?.map((m) => m.manager)).not.toContain('cdk-federation');
      expect(cluster(r).rollback.handedBack.entries).toEqual([expect.objectContaining({ ref: expect.objectContaining({ kind: 'ConfigMap', name: 'legacy' }), action: 'released' })]);
    } finally {
      await cleanup(fed, [CTX]);
    }
  });

  test('an adopted object the federation later drops is handed back by prune (our labels off, the owner\'s back), never deleted; plan says so', async () => {
    const fed = uniqueFederation('adoptprune');
    const dist = tmpDist();
    try {
      await deployOk(synthFleet(dist, { name: fed, withApi: false }));
      await c().core.createNamespacedConfigMap({ namespace: fed, body: { metadata: { name: 'legacy', labels: { team: 'x' } }, data: { owner: 'team-x' } } });
      synthFleet(dist, { name: fed, withApi: false, resources: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'legacy', namespace: fed }, data: { owner: 'cdk' } }] });
      await deployOk(dist, '--adopt', '--force-conflicts');
      expect((await c().core.readNamespacedConfigMap({ name: 'legacy', namespace: fed })).metadata?.labels?.[PART_OF]).toBeDefined();
      const adoptedRecord = (await revisions(CTX, fed)).pop().adopted;

      synthFleet(dist, { name: fed, withApi: false });
      const plan = await cdkfed(['plan', '--dist', dist, '--cluster', CTX]);
      const r = await deployOk(dist);
      const cm = await c().core.readNamespacedConfigMap({ name: 'legacy', namespace: fed });
      expect(cm.metadata?.labels).toEqual({ team: 'x' });
      expect(cluster(r).pruned.entries).toEqual([expect.objectContaining({ ref: expect.objectContaining({ name: 'legacy' }), action: 'released' })]);
      expect(cm.metadata?.deletionTimestamp).toBeUndefined();
      expect(adoptedRecord?.map((a: any) => a.ref.name)).toEqual(['legacy']);
      expect(plan.stdout).toMatch(/- ConfigMap .*\/legacy \(not deleted: it was adopted, so prune hands it back to its owner\)/);
    } finally {
      await cleanup(fed, [CTX]);
    }
  });

  test('a namespace whose contents cannot all be listed (the deployer may not list Secrets) is kept, not pruned with another team\'s Secret', async () => {
    const fed = uniqueFederation('failclosed');
    const extra = `${fed}-x`;
    const dist = tmpDist();
    const role = `${fed}-deployer`;
    try {
      await deployOk(synthFleet(dist, { name: fed, withApi: false, resources: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: extra } }] }));
      await c().core.createNamespacedSecret({ namespace: extra, body: { metadata: { name: 'team-b-token' }, stringData: { token: 'not-ours' } } });
      // A least-privilege deployer: everything but listing Secrets (except its own records).
      const core = (await c().core.getAPIResources()).resources.filter((x) => !x.name.includes('/') && x.name !== 'secrets').map((x) => x.name);
      const groups = (await c().kc.makeApiClient(k8s.ApisApi).getAPIVersions()).groups.map((g) => g.name);
      await rbac().createClusterRole({ body: { metadata: { name: role }, rules: [
        { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'watch', 'create', 'update', 'patch', 'delete'] },
        { apiGroups: [''], resources: core, verbs: ['list'] },
        { apiGroups: groups, resources: ['*'], verbs: ['list'] },
        { nonResourceURLs: ['*'], verbs: ['get'] },
      ] } });
      await rbac().createClusterRoleBinding({ body: { metadata: { name: role }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'localk8s-nobody' }] } });
      await rbac().createNamespacedRole({ namespace: SYSTEM_NAMESPACE, body: { metadata: { name: role }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }] } });
      await rbac().createNamespacedRoleBinding({ namespace: SYSTEM_NAMESPACE, body: { metadata: { name: role }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'localk8s-nobody' }] } });

      synthFleet(dist, { name: fed, withApi: false });
      const r = await deployOk(dist, '--kubeconfig', kubeconfigAs(CTX, 'nobody'));
      const kept = cluster(r).pruned.entries.find((e: any) => e.ref.kind === 'Namespace');
      expect(kept).toMatchObject({ action: 'skipped', message: expect.stringMatching(/kept: could not check what it holds \(cannot list Secret in namespace .*403/) });
      const ns = await c().core.readNamespace({ name: extra });
      expect(ns.metadata?.deletionTimestamp).toBeUndefined();
      expect((await c().core.readNamespacedSecret({ name: 'team-b-token', namespace: extra })).metadata?.name).toBe('team-b-token');
      // It stays ours (the check failed, so nothing is decided) and the record says so: the next deploy of the same
      // target, allowed to list, prunes again and hands it over; the one after that has nothing to do.
      expect(ns.metadata?.labels?.[PART_OF]).toBeDefined();
      expect((await revisions(CTX, fed)).pop().unpruned).toEqual([{ group: '', kind: 'Namespace', name: extra }]);
      const again = await deployOk(dist);
      expect(cluster(again).outcome).toBe('repaired');
      expect(cluster(again).pruned.entries.find((e: any) => e.ref.kind === 'Namespace')).toMatchObject({ action: 'released' });
      expect((await revisions(CTX, fed)).pop().unpruned).toBeUndefined();
      expect(cluster(await deployOk(dist)).outcome).toBe('up-to-date');
    } finally {
      await rbac().deleteClusterRoleBinding({ name: role }).catch(() => undefined);
      await rbac().deleteClusterRole({ name: role }).catch(() => undefined);
      await rbac().deleteNamespacedRoleBinding({ name: role, namespace: SYSTEM_NAMESPACE }).catch(() => undefined);
      await rbac().deleteNamespacedRole({ name: role, namespace: SYSTEM_NAMESPACE }).catch(() => undefined);
      await c().core.deleteNamespace({ name: extra }).catch(() => undefined);
      await cleanup(fed, [CTX]);
    }
  });

  test('a namespace kept for another team\'s objects is handed over: our labels off, no drift and no planned delete afterwards', async () => {
    const fed = uniqueFederation('handover');
    const extra = `${fed}-x`;
    const dist = tmpDist();
    try {
      await deployOk(synthFleet(dist, { name: fed, withApi: false, resources: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: extra } }] }));
      await c().core.createNamespacedConfigMap({ namespace: extra, body: { metadata: { name: 'team-b' }, data: { k: 'v' } } });
      synthFleet(dist, { name: fed, withApi: false });
      const r = await deployOk(dist);
      expect(cluster(r).pruned.entries).toEqual([expect.objectContaining({ ref: expect.objectContaining({ kind: 'Namespace', name: extra }), action: 'released',
        message: expect.stringMatching(/kept and handed over: holds 1 object\(s\) that are not ours \(ConfigMap team-b\)/) })]);
      const ns = await c().core.readNamespace({ name: extra });
      expect(ns.metadata?.deletionTimestamp).toBeUndefined();
      expect(Object.keys(ns.metadata?.labels ?? {}).filter((k) => k.startsWith('applyset.') || k.startsWith('cdk-federation.io/') || k === 'app.kubernetes.io/managed-by')).toEqual([]);
      const drift = await cdkfed(['drift', '--dist', dist, '--cluster', CTX]);
      expect(drift.stdout).not.toMatch(/carries our ApplySet label/);
      expect(drift.code).toBe(0);
      const plan = await cdkfed(['plan', '--dist', dist, '--cluster', CTX, '--detailed-exitcode']);
      expect(plan.code).toBe(0);
    } finally {
      await c().core.deleteNamespace({ name: extra }).catch(() => undefined);
      await cleanup(fed, [CTX]);
    }
  });

  test('a CRD of the set that still has custom resources of another owner is kept and handed over, never deleted with them', async () => {
    const fed = uniqueFederation('crdprune');
    const group = `${fed}.cdkfed.test`;
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `gadgets.${group}` },
      spec: { group, scope: 'Namespaced', names: { kind: 'Gadget', plural: 'gadgets', singular: 'gadget', listKind: 'GadgetList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
    };
    const dist = tmpDist();
    try {
      await deployOk(synthFleet(dist, { name: fed, withApi: false, resources: [crd] }));
      await custom().createNamespacedCustomObject({ group, version: 'v1', namespace: 'default', plural: 'gadgets', body: { apiVersion: `${group}/v1`, kind: 'Gadget', metadata: { name: 'team-b' }, spec: { x: 1 } } });
      synthFleet(dist, { name: fed, withApi: false });
      const plan = await cdkfed(['plan', '--dist', dist, '--cluster', CTX]);
      expect(plan.stdout).toMatch(new RegExp(`CustomResourceDefinition gadgets.${group} is kept and handed over, not deleted: it holds 1 object\\(s\\) that are not ours: Gadget default/team-b`));
      const r = await deployOk(dist);
      expect(cluster(r).pruned.entries).toEqual([expect.objectContaining({ ref: expect.objectContaining({ kind: 'CustomResourceDefinition' }), action: 'released' })]);
      expect((await ext().readCustomResourceDefinition({ name: `gadgets.${group}` })).metadata?.deletionTimestamp).toBeUndefined();
      expect(await custom().getNamespacedCustomObject({ group, version: 'v1', namespace: 'default', plural: 'gadgets', name: 'team-b' })).toMatchObject({ spec: { x: 1 } });
    } finally {
      await ext().deleteCustomResourceDefinition({ name: `gadgets.${group}` }).catch(() => undefined);
      await cleanup(fed, [CTX]);
    }
  });

  test('a cluster-scoped custom object that names a namespace is refused before any write (it would be pruned right after being applied)', async () => {
    const fed = uniqueFederation('scope');
    const group = `${fed}.cdkfed.test`;
    const dist = tmpDist();
    try {
      // Installed outside the federation: only the cluster knows the kind is cluster-scoped.
      await ext().createCustomResourceDefinition({ body: {
        metadata: { name: `dials.${group}` },
        spec: { group, scope: 'Cluster', names: { kind: 'Dial', plural: 'dials' },
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } } }] },
      } });
      await waitUntil('CRD established', 30_000, async () => ((await ext().readCustomResourceDefinition({ name: `dials.${group}` })).status?.conditions ?? []).some((x) => x.type === 'Established' && x.status === 'True') || undefined);
      synthFleet(dist, { name: fed, withApi: false, resources: [{ apiVersion: `${group}/v1`, kind: 'Dial', metadata: { name: 'volume', namespace: fed }, spec: { level: 11 } }] });
      const r = await deploy(dist);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toMatch(/Dial volume is cluster-scoped but sets metadata.namespace/);
      expect(await revisions(CTX, fed)).toEqual([]);
      await expect(custom().getClusterCustomObject({ group, version: 'v1', plural: 'dials', name: 'volume' })).rejects.toThrow();
    } finally {
      await ext().deleteCustomResourceDefinition({ name: `dials.${group}` }).catch(() => undefined);
      await cleanup(fed, [CTX]);
    }
  });
});

describe('a record never lies, a rerun converges', () => {
  test('a revision resumed after a killed run and then failing its gate is rolled back: the previous release runs again', async () => {
    const fed = uniqueFederation('resume');
    const dist = tmpDist();
    try {
      await deployOk(synthFleet(dist, { name: fed, withApi: false, webTag: '1.0.0' }));
      // The first run of revision 2 dies while it waits for health (what it applied is live).
      synthFleet(dist, { name: fed, withApi: false, webTag: '2.0.0', failOn: [CTX], healthTimeoutSeconds: 6 });
      const r0 = await cdkfed(['deploy', '--dist', dist, '--yes', '--cluster', CTX], { killWhen: (err) => err.includes(`${CTX}: health`) });
      expect(r0.signal).toBe('SIGKILL');
      const r = await deploy(dist, '--break-lock');
      expect(r.code).toBe(1);
      expect(cluster(r).rollback.message).toMatch(/restored revision 1 as revision \d+/);
      const dep = await c().apps.readNamespacedDeployment({ name: 'web', namespace: fed });
      expect(dep.spec?.template.spec?.containers[0].image).toBe('registry.example/web:1.0.0');
      const recs = await revisions(CTX, fed);
      expect(recs.filter((x) => x.status === 'pending')).toEqual([]);
      expect(recs[recs.length - 1]).toMatchObject({ status: 'deployed', reason: 'rollback to revision 1' });
    } finally {
      await cleanup(fed, [CTX]);
    }
  });

  test('a redeploy of the same dist/ re-applies an object deleted behind our back (repaired) instead of failing the gate', async () => {
    const fed = uniqueFederation('repair');
    const dist = tmpDist();
    try {
      await deployOk(synthFleet(dist, { name: fed, withApi: false, healthTimeoutSeconds: 6 }));
      await c().core.deleteNamespacedConfigMap({ name: 'web-config', namespace: fed });
      await gone('web-config', () => c().core.readNamespacedConfigMap({ name: 'web-config', namespace: fed }));
      const r = await deployOk(dist);
      expect(cluster(r).outcome).toBe('repaired');
      expect(cluster(r).applied.entries).toEqual([expect.objectContaining({ ref: expect.objectContaining({ kind: 'ConfigMap', name: 'web-config' }), action: 'created' })]);
      expect((await c().core.readNamespacedConfigMap({ name: 'web-config', namespace: fed })).data).toEqual({ MODE: 'a' });
      // and a healthy fleet is still a no-op
      const again = await deployOk(dist);
      expect(cluster(again).outcome).toBe('up-to-date');
      expect(json(again.stdout).requests[CTX].writes).toBe(0);
    } finally {
      await cleanup(fed, [CTX]);
    }
  });

  test('prune waits until the wave has baked: a regression during the bake rolls back without re-creating what the revision dropped', async () => {
    const fed = uniqueFederation('prunelast');
    const dist = tmpDist();
    try {
      await deployOk(synthFleet(dist, { name: fed, withApi: true }));
      const uid = (await c().apps.readNamespacedDeployment({ name: 'api', namespace: fed })).metadata?.uid;
      synthFleet(dist, { name: fed, withApi: false, bakeSeconds: 8, healthTimeoutSeconds: 6 });
      let apiDuringBake: string | undefined = 'unread';
      const r = await cdkfed(['deploy', '--dist', dist, '--yes', '--cluster', CTX, '--output', 'json'], {
        onStderr: (err) => {
          if (apiDuringBake === 'unread' && err.includes('wave w1: healthy; baking')) {
            apiDuringBake = 'reading';
            void c().apps.readNamespacedDeployment({ name: 'api', namespace: fed }).then((d) => (apiDuringBake = d.metadata?.uid), () => (apiDuringBake = undefined))
              .then(() => c().core.deleteNamespacedConfigMap({ name: 'web-config', namespace: fed }));
          }
        },
      });
      expect(apiDuringBake).toBe(uid);
      expect(r.code).toBe(1);
      expect(cluster(r).outcome).toBe('rolled-back');
      expect((await c().apps.readNamespacedDeployment({ name: 'api', namespace: fed })).metadata?.uid).toBe(uid);
    } finally {
      await cleanup(fed, [CTX]);
    }
  });

  test('adding an autoscaler hands spec.replicas over without the count ever dropping', async () => {
    const fed = uniqueFederation('hpa');
    const dist = tmpDist();
    try {
      await deployOk(synthFleet(dist, { name: fed, withApi: false }));
      synthFleet(dist, { name: fed, withApi: false, webAutoscaling: true });
      let lowest = Infinity;
      let polling = true;
      const poll = (async () => {
        while (polling) {
          const d = await c().apps.readNamespacedDeployment({ name: 'web', namespace: fed }).catch(() => undefined);
          if (d?.spec?.replicas !== undefined) lowest = Math.min(lowest, d.spec.replicas);
          await new Promise((res) => setTimeout(res, 50));
        }
      })();
      await deployOk(dist);
      await new Promise((res) => setTimeout(res, 1000));
      polling = false;
      await poll;
      expect(lowest).toBe(2);
      const dep = await c().apps.readNamespacedDeployment({ name: 'web', namespace: fed });
      const owners = (dep.metadata?.managedFields ?? []).filter((m) => (m.fieldsV1 as any)?.['f:spec']?.['f:replicas']).map((m) => m.manager);
      expect(owners).not.toContain('cdk-federation');
    } finally {
      await cleanup(fed, [CTX]);
    }
  });

  test('drift --correct takes the deploy lease and leaves fields that ignore rules cover as they are live', async () => {
    const fed = uniqueFederation('correct');
    const dist = tmpDist();
    try {
      await deployOk(synthFleet(dist, { name: fed, withApi: false, webIgnore: [{ kind: 'Deployment', jsonPointers: ['/spec/replicas'], reason: 'scaled by hand' }] }));
      await c().objects.patch({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: fed }, spec: { replicas: 3,
        template: { spec: { containers: [{ name: 'web', image: 'registry.example/web:hotfix' }] } } } } as any, undefined, undefined, 'kubectl-edit', true, k8s.PatchStrategy.ServerSideApply);
      const image = async () => (await c().apps.readNamespacedDeployment({ name: 'web', namespace: fed })).spec;
      // another deploy holds the lease: nothing is corrected, and the run says why
      await c().objects.patch({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: `cdkfed-${fed}`, namespace: SYSTEM_NAMESPACE },
        spec: { holderIdentity: 'other-runner/pid-1', leaseDurationSeconds: 60, renewTime: new Date().toISOString().replace('Z', '000Z'), acquireTime: new Date().toISOString().replace('Z', '000Z') } } as any,
      undefined, undefined, 'other-runner', true, k8s.PatchStrategy.ServerSideApply);
      const held = await cdkfed(['drift', '--dist', dist, '--cluster', CTX, '--correct']);
      expect(held.code).toBe(1);
      expect(held.stdout).toMatch(/correction failed: not corrected: .*holds the lease \(holder "other-runner\/pid-1"/);
      expect((await image())?.template.spec?.containers[0].image).toBe('registry.example/web:hotfix');
      await c().objects.delete({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: `cdkfed-${fed}`, namespace: SYSTEM_NAMESPACE } } as any);

      const r = await cdkfed(['drift', '--dist', dist, '--cluster', CTX, '--correct']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Deployment .*\/web: modified — corrected/);
      const spec = await image();
      expect(spec?.template.spec?.containers[0].image).toBe('registry.example/web:1.0.0');
      expect(spec?.replicas).toBe(3);
    } finally {
      await cleanup(fed, [CTX]);
    }
  });

  test('drift and plan read members at the version they were applied at: an autoscaling/v1 HPA is not drift after a clean deploy', async () => {
    const fed = uniqueFederation('version');
    const dist = tmpDist();
    try {
      const hpa = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web-v1', namespace: fed },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 70 } };
      await deployOk(synthFleet(dist, { name: fed, withApi: false, resources: [hpa] }));
      const drift = await cdkfed(['drift', '--dist', dist, '--cluster', CTX]);
      expect(drift.stdout).toMatch(/revision 1: no drift/);
      expect(drift.code).toBe(0);
      const plan = await cdkfed(['plan', '--dist', dist, '--cluster', CTX, '--detailed-exitcode']);
      expect(plan.stdout).toMatch(/0 to create, 0 to update, 0 to delete/);
      expect(plan.code).toBe(0);
    } finally {
      await cleanup(fed, [CTX]);
    }
  });
});
