/**
 * What `cdkfed gitops --engine argocd` renders is accepted by Argo CD's own CRDs: each
 * ApplicationSet and Application is sent as a server-side apply dry run with strict field
 * validation to a local cluster holding the CRDs of argo-cd v3.5.7 (so an unknown or
 * misspelt field, a wrong type or a missing required field fails). Building and running Argo
 * CD itself here is not practical (see shared/reference/gitops-anchors.md).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and Flux's status are read as loose JSON */
import * as YAML from 'yaml';
import { buildShop } from '../../apps/shop';
import { FederatedApp, FederationApp } from '../../lib';
import { ClusterClient } from '../../lib/cluster/client';
import { waitHealthy } from '../../lib/cluster/wait';
import { readInventory } from '../../lib/inventory/read';
import { GitopsOptions } from '../../lib/gitops/options';
import { renderGitops } from '../../lib/gitops/render';
import { argoCdCrds } from '../localk8s/argocd';
import { contexts, kubeconfigPath, uniqueName } from '../support/integration/k8s';
import { tmpDist } from '../support/integration/fleet';
import { ClusterRegistry, Federation } from '../../lib';

const MANAGER = 'cdkfed-integration-test';

describe('cdkfed gitops --engine argocd: accepted by Argo CD\'s CRDs', () => {
  const ctx = contexts()[0];
  const namespace = uniqueName('argocd');
  let client: ClusterClient;

  beforeAll(async () => {
    client = ClusterClient.connect({ name: ctx, context: ctx }, { kubeconfig: kubeconfigPath() });
    const crds = argoCdCrds();
    for (const crd of crds) await client.apply(crd, { fieldManager: MANAGER, force: true });
    const r = await waitHealthy(client, crds, { timeoutMs: 60_000 });
    if (!r.healthy) throw new Error(`Argo CD CRDs not established: ${r.objects.map((o) => o.health.message).join('; ')}`);
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, { fieldManager: MANAGER });
  }, 300_000);

  afterAll(async () => {
    await client.request('DELETE', `/api/v1/namespaces/${namespace}`).catch(() => undefined);
    client.close();
  });

  /** Server-side dry run with strict validation; resolves to the error message, or undefined when accepted. */
  async function dryRun(obj: any): Promise<string | undefined> {
    const p = await client.pathOf(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name);
    try {
      await client.request('PATCH', p, obj, { fieldManager: MANAGER, dryRun: 'All', fieldValidation: 'Strict' }, 'application/apply-patch+yaml', 2_000);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  }

  function shop(): string {
    const dist = tmpDist();
    const app = new FederationApp({ outdir: dist, terraformOutdir: false, exitOnError: false });
    buildShop(app);
    app.synth();
    return dist;
  }

  /** A federation with ignore rules of every shape Argo CD takes: plain pointers, list items by name (jq), by app, in one cluster only. */
  function withIgnores(): string {
    const dist = tmpDist();
    const app = new FederationApp({ outdir: dist, terraformOutdir: false, exitOnError: false });
    const fed = new Federation(app, 'ign', {
      registry: ClusterRegistry.fromClusters(['a-1', 'b-1'].map((n) => ({ name: n, region: n, provider: 'local', jurisdiction: 'x', context: n }))),
      rollout: { waves: [{ name: 'one', clusters: ['a-1'] }, { name: 'two', clusters: ['b-1'] }] },
      ignoreDifferences: [{ kind: 'ConfigMap', jsonPointers: ['/data/generated'], clusters: ['a-1'] }],
    });
    new FederatedApp(fed, 'web', { containers: [{ image: 'web:1' }], config: { A: '1' }, ignoreDifferences: [{ kind: 'Deployment', jsonPointers: ['/spec/template/spec/containers/web/image', '/spec/replicas'] }] });
    app.synth();
    return dist;
  }

  const cases: [string, () => string, Partial<GitopsOptions>][] = [
    ['ApplicationSet, promoted by cdkfed', shop, {}],
    ['ApplicationSet with RollingSync, promoted by the engine', shop, { promotion: 'engine', ignoreBakeTime: true }],
    ['Applications, promoted by cdkfed, with the hub in-cluster', shop, { argocdMode: 'applications', hub: 'us-standby' }],
    ['Applications with ignore rules of every shape', withIgnores, { argocdMode: 'applications' }],
  ];

  test.each(cases)('%s', async (_what, dist, opts) => {
    const files = renderGitops(readInventory(dist()), { engine: 'argocd', repoUrl: 'https://git.example.com/fleet.git', namespace, ...opts } as GitopsOptions)
      .filter((f) => f.path.startsWith('argocd/') && !f.path.endsWith('kustomization.yaml'));
    expect(files.length).toBeGreaterThan(0);
    const objects = files.flatMap((f) => YAML.parseAllDocuments(f.content).map((d) => d.toJS()));
    const rejected = (await Promise.all(objects.map(async (o) => [`${o.kind} ${o.metadata.name}`, await dryRun(o)] as const))).filter(([, err]) => err);
    expect(rejected).toEqual([]);
  });

  test('the check is real: a misspelt field and a wrong type are rejected', async () => {
    const files = renderGitops(readInventory(shop()), { engine: 'argocd', repoUrl: 'https://git.example.com/fleet.git', namespace, argocdMode: 'applications' });
    const app = YAML.parse(files.find((f) => f.path === 'argocd/eu-primary.yaml')!.content);
    expect(await dryRun({ ...app, spec: { ...app.spec, syncPolicy: { ...app.spec.syncPolicy, automated: { prune: true, selfHeel: true } } } })).toMatch(/selfHeel/);
    expect(await dryRun({ ...app, spec: { ...app.spec, source: { ...app.spec.source, path: 42 } } })).toMatch(/path/);
  });
});
