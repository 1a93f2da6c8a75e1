/**
 * Real Flux (source-controller + kustomize-controller, test/localk8s/flux.ts) on local-1 as the
 * hub, applying from a git repository served over smart HTTP into local-2 as the spoke
 * (Kustomization.spec.kubeConfig, as in fluxcd/flux2-hub-spoke-example): apply and inventory,
 * drift reverted at the next interval, prune of a removed file, dependsOn between two
 * Kustomizations, and garbage collection when a Kustomization is deleted.
 */
import type * as K8s from '@kubernetes/client-node';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  condition, gitRepo, gitRepository, gitRevision, inventoryId, kubeconfigSecret, kustomization, kustomizationStatus,
  serveGit, startFlux, waitForFlux, waitForReady, type Flux, type GitRepo, type GitServer,
} from '../localk8s/flux';
import { clients, contexts, k8s, uniqueName, waitUntil } from '../support/integration/k8s';

const namespaceDoc = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const configMapDoc = (namespace: string, name: string, data: Record<string, string>) =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data });

/** Status code of a client-node error (404 for a missing object). */
const code = (e: unknown) => (e as { code?: number }).code;

describe('Flux hub and spoke (real controllers)', () => {
  const [hub, spoke] = contexts();
  const sc = clients(spoke);
  const ns = uniqueName('flux');
  const depNs = uniqueName('flux-dep');
  const dir = `clusters/${spoke}`;
  const secretName = `${spoke}-kubeconfig`;
  let tmp: string;
  let repo: GitRepo;
  let server: GitServer | undefined;
  let flux: Flux | undefined;
  let first: string;

  const readConfigMap = async (namespace: string, name: string) => {
    try {
      return await sc.core.readNamespacedConfigMap({ name, namespace });
    } catch (e) {
      if (code(e) === 404) return undefined;
      throw e;
    }
  };

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkfed-flux-'));
    repo = gitRepo(path.join(tmp, 'fleet'));
    first = repo.commit({
      [`${dir}/namespace.yaml`]: [namespaceDoc(ns)],
      [`${dir}/settings.yaml`]: [configMapDoc(ns, 'settings', { color: 'blue' })],
    }, 'first');
    server = await serveGit(repo.dir);
    flux = await startFlux({ hub, stateDir: path.join(tmp, 'flux'), requeueDependency: '2s' });
    await flux.apply(
      kubeconfigSecret(spoke, { name: secretName }),
      gitRepository({ name: 'fleet', url: server.url, interval: '2s' }),
      kustomization({ name: spoke, source: 'fleet', path: `./${dir}`, interval: '5s', kubeConfigSecret: secretName }),
    );
  }, 180_000);

  afterAll(async () => {
    try {
      await flux?.stop(); // deletes the Kustomizations first: they prune what they applied in the spoke
    } finally {
      await server?.stop();
      await Promise.all([ns, depNs].map((n) => sc.core.deleteNamespace({ name: n }).catch(() => undefined)));
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 180_000);

  test('applies the commit into the spoke and records revision and inventory', async () => {
    const k = await waitForReady(flux!, 'Kustomization', spoke, { revision: gitRevision(first) });
    const s = kustomizationStatus(k);
    expect(s.lastAppliedRevision).toBe(`main@sha1:${first}`);
    expect(s.inventory).toEqual([
      inventoryId({ namespace: ns, name: 'settings', kind: 'ConfigMap' }),
      inventoryId({ name: ns, kind: 'Namespace' }),
    ].sort());
    const src = await waitForReady(flux!, 'GitRepository', 'fleet', { revision: gitRevision(first) });
    expect(src.status?.artifact?.url).toContain(flux!.storageUrl);
    expect(server!.requests()).toBeGreaterThan(0);

    const cm = await readConfigMap(ns, 'settings');
    expect(cm?.data).toEqual({ color: 'blue' });
    expect(cm?.metadata?.managedFields?.some((m) => m.manager === 'kustomize-controller' && m.operation === 'Apply')).toBe(true);
    expect(cm?.metadata?.labels?.['kustomize.toolkit.fluxcd.io/name']).toBe(spoke);
  });

  test('reverts a hand edit in the spoke at the next interval', async () => {
    // as `kubectl apply --server-side --force-conflicts` by someone else would
    const edited = await sc.objects.patch(configMapDoc(ns, 'settings', { color: 'red' }) as K8s.V1ConfigMap,
      undefined, undefined, 'kubectl-edit', true, k8s.PatchStrategy.ServerSideApply);
    expect(edited.data?.color).toBe('red');
    // interval 5s: well within 45s, even on a loaded machine
    await waitUntil('settings reverted to color=blue by kustomize-controller', 45_000, async () =>
      ((await readConfigMap(ns, 'settings'))?.data?.color === 'blue' ? true : undefined),
    async () => `${JSON.stringify((await readConfigMap(ns, 'settings'))?.data)}\n${flux!.logTail()}`);
  });

  test('prunes the ConfigMap when a commit removes it', async () => {
    const second = repo.commit({ [`${dir}/settings.yaml`]: null }, 'remove settings');
    await flux!.reconcile('GitRepository', 'fleet'); // no need to wait for the 2s interval
    const k = await waitForReady(flux!, 'Kustomization', spoke, { revision: gitRevision(second) });
    expect(kustomizationStatus(k).inventory).toEqual([inventoryId({ name: ns, kind: 'Namespace' })]);
    await waitUntil('settings pruned from the spoke', 30_000, async () =>
      ((await readConfigMap(ns, 'settings')) === undefined ? true : undefined));
    // the namespace is still in git: kept
    expect((await sc.core.readNamespace({ name: ns })).status?.phase).toBe('Active');
  });

  test('dependsOn holds a Kustomization back until its dependency is Ready; deleting them prunes', async () => {
    const rev = gitRevision(repo.commit({
      [`deps/${spoke}/infra/namespace.yaml`]: [namespaceDoc(depNs)],
      [`deps/${spoke}/apps/settings.yaml`]: [configMapDoc(depNs, 'app', { tier: 'apps' })],
    }, 'infra and apps'));
    await flux!.reconcile('GitRepository', 'fleet');
    await waitForReady(flux!, 'GitRepository', 'fleet', { revision: rev });

    // apps first, with its dependency missing: it must wait, applying nothing
    await flux!.apply(kustomization({
      name: 'apps', source: 'fleet', path: `./deps/${spoke}/apps`, kubeConfigSecret: secretName, dependsOn: ['infra'],
    }));
    const waiting = await waitForFlux(flux!, 'Kustomization', 'apps', 'Ready=False with reason DependencyNotReady', (o) =>
      (condition(o)?.status === 'False' && condition(o)?.reason === 'DependencyNotReady' ? o : undefined));
    expect(waiting.status?.lastAppliedRevision).toBeUndefined();
    expect(await readConfigMap(depNs, 'app')).toBeUndefined();

    await flux!.apply(kustomization({ name: 'infra', source: 'fleet', path: `./deps/${spoke}/infra`, kubeConfigSecret: secretName }));
    await waitForReady(flux!, 'Kustomization', 'infra', { revision: rev });
    const apps = await waitForReady(flux!, 'Kustomization', 'apps', { revision: rev });
    expect(kustomizationStatus(apps).inventory).toEqual([inventoryId({ namespace: depNs, name: 'app', kind: 'ConfigMap' })]);
    expect((await readConfigMap(depNs, 'app'))?.data).toEqual({ tier: 'apps' });

    // Deleting a pruning Kustomization garbage-collects what it applied.
    await flux!.delete('Kustomization', 'apps');
    expect(await readConfigMap(depNs, 'app')).toBeUndefined();
    await flux!.delete('Kustomization', 'infra');
    await waitUntil(`namespace ${depNs} deleted from the spoke`, 60_000, async () => {
      try {
        const n = await sc.core.readNamespace({ name: depNs });
        return n.metadata?.deletionTimestamp ? true : undefined;
      } catch (e) {
        return code(e) === 404 ? true : undefined;
      }
    });
  });
});
