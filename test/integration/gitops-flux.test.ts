/**
 * `cdkfed gitops` against a real Flux: source-controller and kustomize-controller (built from
 * their Go modules by clusters:build) run on the host against local-1, the hub, and apply into
 * local-1 (in-cluster), local-2 and local-3 (kubeconfig Secrets) from a git repository served
 * over smart HTTP. Each cluster is its own wave (synthFleet).
 *
 * - promotion by the engine (dependsOn): the first sync holds every object of federation.json
 *   with Flux's inventory equal to ours; deploy refuses the clusters Flux manages; a hand
 *   edit is reverted by Flux; an app removed is pruned while another team's object in the
 *   namespace, and the namespace, stay.
 * - promotion by cdkfed: `cdkfed gitops promote` takes a release wave by wave, each wave only
 *   after the previous one is Ready at that commit and baked; a release failing in wave 2 is
 *   rolled back in waves 1 and 2 and never reaches wave 3; `status` says where each cluster is.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and Flux's status are read as loose JSON */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { readInventory } from '../../lib/inventory/read';
import { inventoryId } from '../../lib/gitops/engine-status';
import { cdkfed, cleanup, synthFleet, tmpDist, uniqueFederation } from '../support/integration/fleet';
import { clients, contexts, k8s, kubeconfigPath, waitUntil } from '../support/integration/k8s';
import { gitRepo, kubeconfigSecret, serveGit, startFlux, waitForReady, type Flux, type GitServer } from '../localk8s/flux';

const [HUB, ...SPOKES] = contexts();
const CLUSTERS = [HUB, ...SPOKES];
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } }).trim();

let flux: Flux;
let server: GitServer;
let repo: ReturnType<typeof gitRepo>;
const work = tmpDist('cdkfed-gitops-');

beforeAll(async () => {
  flux = await startFlux({ hub: HUB, stateDir: path.join(work, 'flux') });
  repo = gitRepo(path.join(work, 'fleet'));
  repo.commit({ 'README.md': 'fleet\n' }, 'init');
  server = await serveGit(repo.dir);
  await flux.apply(...SPOKES.map((c) => kubeconfigSecret(c)));
}, 180_000);

afterAll(async () => {
  await flux?.stop();
  await server?.stop();
});

/** Renders dist into the served repository's gitops/ and commits it on main; returns the commit. */
async function renderAndCommit(dist: string, promotion: 'engine' | 'cdkfed', message: string): Promise<string> {
  const r = await cdkfed(['gitops', '--engine', 'flux', '--dist', dist, '--out', path.join(repo.dir, 'gitops'), '--path-prefix', 'gitops',
    '--repo-url', server.url, '--hub', HUB, '--interval', '10s', '--promotion', promotion, ...(promotion === 'engine' ? ['--ignore-bake-time'] : [])]);
  if (r.code !== 0) throw new Error(`cdkfed gitops exited ${r.code}: ${r.stderr}`);
  return repo.commit({}, message);
}

/** The engine's objects of gitops/flux/, applied to the hub. */
async function applyEngineObjects(): Promise<void> {
  const dir = path.join(repo.dir, 'gitops', 'flux');
  const objs = fs.readdirSync(dir).filter((f) => f !== 'kustomization.yaml').sort()
    .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS()));
  await flux.apply(...objs);
}

async function deleteEngineObjects(fed: string): Promise<void> {
  for (const c of CLUSTERS) await flux.delete('Kustomization', `${fed}.${c}`).catch(() => undefined);
  for (const s of ['', ...CLUSTERS.map((_, i) => `.w${i + 1}.1`)]) await flux.delete('GitRepository', `${fed}${s}`).catch(() => undefined);
}

const image = async (ctx: string, ns: string) => (await clients(ctx).apps.readNamespacedDeployment({ name: 'web', namespace: ns }).catch(() => undefined))?.spec?.template.spec?.containers[0].image;

describe('cdkfed gitops with a real Flux, promoted by the engine', () => {
  const fed = uniqueFederation('gfe');
  const dist = tmpDist();
  afterAll(async () => {
    await deleteEngineObjects(fed);
    await cleanup(fed);
  });

  test('first sync: every object of federation.json in its cluster, Flux\'s inventory equal to ours, waves in order', async () => {
    synthFleet(dist, { name: fed });
    const commit = await renderAndCommit(dist, 'engine', 'first release');
    await applyEngineObjects();
    const ready = [];
    for (const c of CLUSTERS) ready.push(await waitForReady(flux, 'Kustomization', `${fed}.${c}`, { revision: `main@sha1:${commit}`, timeoutMs: 120_000 }));
    const inv = readInventory(dist);
    for (const [i, c] of CLUSTERS.entries()) {
      const ours = inv.clusters.get(c)!.spec.objects;
      expect(ready[i].status?.inventory?.entries?.map((e: { id: string }) => e.id).sort()).toEqual(ours.map(inventoryId).sort());
      const k = clients(c);
      for (const o of ours) expect(await k.objects.read({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name, namespace: o.namespace } } as any)).toBeDefined();
    }
    // dependsOn: a wave becomes Ready only after the wave before it
    const readyAt = ready.map((k) => Date.parse(k.status!.conditions!.find((x: any) => x.type === 'Ready')!.lastTransitionTime));
    expect([...readyAt].sort((a, b) => a - b)).toEqual(readyAt);
  }, 240_000);

  test('deploy refuses a cluster Flux manages, naming the Kustomization', async () => {
    const r = await cdkfed(['deploy', '--dist', dist, '--yes', '--cluster', SPOKES[0], '--output', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).waves[0].clusters[0].failure.reason).toMatch(new RegExp(`is applied by Flux Kustomization flux-system/${fed}\\.${SPOKES[0]}`));
  });

  test('a hand edit is reverted by Flux', async () => {
    const k = clients(SPOKES[0]);
    const cm = (await k.core.listNamespacedConfigMap({ namespace: fed })).items.find((m) => m.metadata?.name?.startsWith('web'))!;
    // A merge patch by another field manager, as `kubectl edit` would do it.
    await k.objects.patch({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: cm.metadata!.name!, namespace: fed }, data: { MODE: 'hand-edited' } } as any,
      undefined, undefined, 'kubectl-edit', undefined, k8s.PatchStrategy.MergePatch);
    expect((await k.core.readNamespacedConfigMap({ name: cm.metadata!.name!, namespace: fed })).data?.MODE).toBe('hand-edited');
    await flux.reconcile('Kustomization', `${fed}.${SPOKES[0]}`);
    await waitUntil('Flux to revert the hand edit', 60_000, async () => ((await k.core.readNamespacedConfigMap({ name: cm.metadata!.name!, namespace: fed })).data?.MODE === 'a' ? true : undefined));
  }, 90_000);

  test('an app removed is pruned; another team\'s object in the namespace and the namespace stay', async () => {
    const k = clients(SPOKES[1]);
    await k.core.createNamespacedConfigMap({ namespace: fed, body: { metadata: { name: 'team-x' }, data: { owner: 'x' } } });
    expect((await k.apps.readNamespacedDeployment({ name: 'api', namespace: fed })).metadata?.name).toBe('api');
    synthFleet(dist, { name: fed, withApi: false });
    const commit = await renderAndCommit(dist, 'engine', 'drop api');
    for (const c of CLUSTERS) await flux.reconcile('GitRepository', fed).then(() => flux.reconcile('Kustomization', `${fed}.${c}`));
    for (const c of CLUSTERS) await waitForReady(flux, 'Kustomization', `${fed}.${c}`, { revision: `main@sha1:${commit}`, timeoutMs: 120_000 });
    for (const c of CLUSTERS) {
      await waitUntil(`api pruned in ${c}`, 60_000, async () => ((await clients(c).apps.readNamespacedDeployment({ name: 'api', namespace: fed }).catch(() => undefined)) ? undefined : true));
    }
    expect((await k.core.readNamespacedConfigMap({ name: 'team-x', namespace: fed })).data).toEqual({ owner: 'x' });
    expect((await k.core.readNamespace({ name: fed })).status?.phase).toBe('Active');
  }, 300_000);
});

describe('cdkfed gitops promote with a real Flux', () => {
  const fed = uniqueFederation('gfp');
  const dist = tmpDist();
  let clone: string;
  const hubFlags = () => ['--repo', clone, '--context', HUB, '--kubeconfig', kubeconfigPath()];
  const branch = (i: number) => `cdkfed/${fed}/w${i + 1}/1`;
  const tip = (b: string) => git(repo.dir, 'rev-parse', '--verify', '--quiet', `refs/heads/${b}`);

  beforeAll(() => {
    clone = path.join(work, `clone-${fed}`);
    git(work, 'clone', '-q', repo.dir, clone);
  });
  afterAll(async () => {
    await deleteEngineObjects(fed);
    await cleanup(fed);
  });

  /** Polls Flux and the served repository: when each wave's branch first moved, and when its Kustomization was first Ready at the moved branch. */
  function observe(): { stop: () => Promise<{ moved: number[]; ready: number[] }> } {
    const before = CLUSTERS.map((_, i) => tip(branch(i)));
    const moved: number[] = [];
    const ready: number[] = [];
    let running = true;
    const loop = (async () => {
      while (running) {
        const t = Date.now();
        for (const [i, c] of CLUSTERS.entries()) {
          const now = tip(branch(i));
          if (now === before[i]) continue;
          moved[i] ??= t;
          const k = await flux.get('Kustomization', `${fed}.${c}`);
          const ok = k?.status?.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'True') && k.status?.lastAppliedRevision === `${branch(i)}@sha1:${now}`;
          if (ok) ready[i] ??= t;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    return { stop: async () => { running = false; await loop; return { moved, ready }; } };
  }

  test('a release goes wave by wave: each wave only after the previous one is Ready at that commit and baked', async () => {
    synthFleet(dist, { name: fed, webTag: '1.0.0', bakeSeconds: 3, healthTimeoutSeconds: 30 });
    await renderAndCommit(dist, 'cdkfed', 'release 1.0.0');
    await applyEngineObjects();
    const r = await cdkfed(['gitops', 'promote', ...hubFlags(), '--output', 'json']);
    if (r.code !== 0) throw new Error(`promote exited ${r.code}\n${r.stdout}\n${r.stderr}\n${flux.logTail()}`);
    const report = JSON.parse(r.stdout);
    expect(report.outcome).toBe('promoted');
    expect(report.batches.map((b: any) => [b.wave, b.outcome])).toEqual([['w1', 'promoted'], ['w2', 'promoted'], ['w3', 'promoted']]);
    for (const c of CLUSTERS) expect(await image(c, fed)).toBe('registry.example/web:1.0.0');

    synthFleet(dist, { name: fed, webTag: '1.1.0', bakeSeconds: 3, healthTimeoutSeconds: 30 });
    await renderAndCommit(dist, 'cdkfed', 'release 1.1.0');
    const watch = observe();
    const r2 = await cdkfed(['gitops', 'promote', ...hubFlags(), '--output', 'json']);
    const seen = await watch.stop();
    if (r2.code !== 0) throw new Error(`promote exited ${r2.code}\n${r2.stdout}\n${r2.stderr}`);
    for (const c of CLUSTERS) expect(await image(c, fed)).toBe('registry.example/web:1.1.0');
    // Seen from outside (Flux's status and the served repository, polled every 0.5 s): each wave's
    // branch moved only after the previous wave was Ready at its new commit, plus the 3 s bake.
    const batches = JSON.parse(r2.stdout).batches;
    for (let i = 1; i < CLUSTERS.length; i++) {
      expect(seen.moved[i] - seen.ready[i - 1]).toBeGreaterThanOrEqual(3000 - 600);
      expect(Date.parse(batches[i].promotedAt) - Date.parse(batches[i - 1].readyAt)).toBeGreaterThanOrEqual(3000);
    }
    for (const [i, c] of CLUSTERS.entries()) {
      expect((await flux.get('Kustomization', `${fed}.${c}`))!.status!.lastAppliedRevision).toBe(`${branch(i)}@sha1:${tip(branch(i))}`);
    }
    // The hub from $KUBECONFIG, as kubectl finds it, when --kubeconfig is not given.
    const again = await cdkfed(['gitops', 'promote', '--repo', clone, '--context', HUB, '--output', 'json'], { env: { KUBECONFIG: kubeconfigPath() } });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).outcome).toBe('up-to-date');
    const st = await cdkfed(['gitops', 'status', ...hubFlags()]);
    expect(st.stdout).toMatch(/matches\s+current/);
    expect(st.code).toBe(0);
  }, 400_000);

  test('a release failing in wave 2 is rolled back in waves 1 and 2 and never reaches wave 3', async () => {
    const before = CLUSTERS.map((_, i) => tip(branch(i)));
    synthFleet(dist, { name: fed, webTag: '1.2.0', failOn: [SPOKES[0]], bakeSeconds: 3, healthTimeoutSeconds: 8 });
    await renderAndCommit(dist, 'cdkfed', 'release 1.2.0 (broken in wave 2)');
    const r = await cdkfed(['gitops', 'promote', ...hubFlags(), '--output', 'json']);
    if (r.code !== 1) throw new Error(`promote exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    const report = JSON.parse(r.stdout);
    if (report.batches[1].outcome !== 'rolled-back') throw new Error(`${r.stdout}\n${r.stderr}\n${flux.logTail(40)}`);
    expect(report.failure).toMatch(new RegExp(`wave w2 failed: ${SPOKES[0]}: `));
    expect(report.batches.map((b: any) => [b.wave, b.outcome])).toEqual([['w1', 'rolled-back'], ['w2', 'rolled-back'], ['w3', 'not-started']]);
    expect(tip(branch(2))).toBe(before[2]);
    expect(await image(SPOKES[1], fed)).toBe('registry.example/web:1.1.0');
    for (const c of [HUB, SPOKES[0]]) await waitUntil(`${c} back at 1.1.0`, 60_000, async () => ((await image(c, fed)) === 'registry.example/web:1.1.0' ? true : undefined));
    // the branches grew: promotion then rollback, never a force push
    for (const i of [0, 1]) expect(git(repo.dir, 'merge-base', '--is-ancestor', before[i], tip(branch(i))) ?? '').toBe('');
    const st = await cdkfed(['gitops', 'status', ...hubFlags(), '--output', 'json']);
    expect(st.code).toBe(2);
    expect(JSON.parse(st.stdout).clusters.map((c: any) => [c.cluster, c.state])).toEqual(CLUSTERS.map((c) => [c, 'behind']));
  }, 400_000);
});

