/**
 * cdkfed deploy against 3 real local clusters (local-1..3 in waves w1, w2, w3): first deploy,
 * no-op redeploy, wave-by-wave update, failed gate with rollback, prune, conflicts, kill and
 * resume, the lease, and refusal of bad input before any write.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { APPLYSET_GROUP_KINDS, APPLYSET_ID, APPLYSET_PART_OF, SYSTEM_NAMESPACE } from '../../lib/kube/ownership';
import { cdkfed, cleanup, REPO, resourceVersions, revisions, synthFleet, tmpDist, uniqueFederation } from '../support/integration/fleet';
import * as YAML from 'yaml';
import { clients, contexts, k8s, kubeconfigPath } from '../support/integration/k8s';

const CTX = contexts();
const deployArgs = (dist: string, ...extra: string[]) => ['deploy', '--dist', dist, '--yes', ...extra];
const json = (s: string) => JSON.parse(s);

async function image(ctx: string, ns: string, name = 'web'): Promise<string | undefined> {
  const d = await clients(ctx).apps.readNamespacedDeployment({ name, namespace: ns }).catch(() => undefined);
  return d?.spec?.template?.spec?.containers?.[0]?.image;
}

describe('cdkfed deploy: rollout, no-op, update, rollback, prune', () => {
  const fed = uniqueFederation('dep');
  const dist = tmpDist();
  afterAll(() => cleanup(fed));

  test('first deploy: every object present and healthy, wave by wave, ApplySet labels and parent, revision 1 recorded', async () => {
    synthFleet(dist, { name: fed });
    const r = await cdkfed([...deployArgs(dist), '--output', 'json']);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const report = json(r.stdout);
    expect(report.outcome).toBe('succeeded');
    expect(report.waves.map((w: any) => [w.wave, w.outcome, w.clusters.map((c: any) => c.outcome)])).toEqual([
      ['w1', 'succeeded', ['deployed']], ['w2', 'succeeded', ['deployed']], ['w3', 'succeeded', ['deployed']]]);
    const records = await Promise.all(CTX.map((c) => revisions(c, fed)));
    for (const [i, recs] of records.entries()) {
      expect(recs.map((x) => [x.revision, x.status])).toEqual([[1, 'deployed']]);
      // wave order: a later wave starts only after the earlier one was recorded deployed
      if (i > 0) expect(Date.parse(recs[0].started)).toBeGreaterThanOrEqual(Date.parse(records[i - 1][0].updated));
    }
    for (const ctx of CTX) {
      const c = clients(ctx);
      const dep = await c.apps.readNamespacedDeployment({ name: 'web', namespace: fed });
      expect(dep.status?.availableReplicas).toBe(2);
      expect(dep.metadata?.labels?.[APPLYSET_PART_OF]).toMatch(/^applyset-.*-v1$/);
      expect(dep.metadata?.managedFields?.some((m) => m.manager === 'cdk-federation' && m.operation === 'Apply')).toBe(true);
      const parent = await c.core.readNamespacedSecret({ name: `applyset-${fed}`, namespace: SYSTEM_NAMESPACE });
      expect(parent.metadata?.labels?.[APPLYSET_ID]).toBe(dep.metadata?.labels?.[APPLYSET_PART_OF]);
      expect(parent.metadata?.annotations?.[APPLYSET_GROUP_KINDS]).toBe('ConfigMap,Deployment.apps,Namespace,Service');
    }
  });

  test('deploy again: zero writes (resourceVersions unchanged), reported up to date, exit 0', async () => {
    const before = await resourceVersions(fed);
    const r = await cdkfed(deployArgs(dist));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/every cluster is up to date; nothing was written/);
    expect(await resourceVersions(fed)).toEqual(before);
  });

  test('a new image rolls wave by wave: no cluster of wave N+1 changes before wave N is healthy and baked', async () => {
    synthFleet(dist, { name: fed, webTag: '1.1.0', bakeSeconds: 3 });
    const r = await cdkfed([...deployArgs(dist), '--output', 'json']);
    expect(r.code).toBe(0);
    for (const ctx of CTX) expect(await image(ctx, fed)).toBe('registry.example/web:1.1.0');
    const recs = await Promise.all(CTX.map(async (c) => (await revisions(c, fed)).find((x) => x.revision === 2)));
    for (let i = 0; i < recs.length; i++) {
      // a cluster is recorded deployed (after its prune) only once its wave has baked for 3 s ...
      expect(Date.parse(recs[i].updated) - Date.parse(recs[i].started)).toBeGreaterThanOrEqual(3000);
      // ... and the next wave starts after that
      if (i > 0) expect(Date.parse(recs[i].started)).toBeGreaterThanOrEqual(Date.parse(recs[i - 1].updated));
    }
    const report = json(r.stdout);
    expect(report.waves[0].clusters[0].applied.entries.filter((e: any) => e.action === 'configured').map((e: any) => `${e.ref.kind}/${e.ref.name}`)).toEqual(['Deployment/web']);
  });

  test('a release whose pods never become Ready in wave 2: gate fails, waves 1-2 restored field by field, wave 3 untouched, exit 1', async () => {
    const before = await Promise.all(CTX.map((c) => clients(c).apps.readNamespacedDeployment({ name: 'web', namespace: fed })));
    const rv3 = (await resourceVersions(fed))[CTX[2]];
    synthFleet(dist, { name: fed, webTag: '1.2.0', failOn: [CTX[1]], healthTimeoutSeconds: 8 });
    const r = await cdkfed([...deployArgs(dist), '--output', 'json']);
    expect(r.code).toBe(1);
    const report = json(r.stdout);
    expect(report.outcome).toBe('failed');
    const w2 = report.waves[1].clusters[0];
    expect(w2.failure.object).toBe(`Deployment ${fed}/web`);
    expect(w2.failure.reason).toMatch(/not healthy after 8s.*CrashLoopBackOff|not healthy after 8s.*Ready/);
    expect(report.waves[2].outcome).toBe('not-started');
    expect(report.waves.slice(0, 2).map((w: any) => w.clusters[0].outcome)).toEqual(['rolled-back', 'rolled-back']);
    for (const [i, ctx] of CTX.slice(0, 2).entries()) {
      const after = await clients(ctx).apps.readNamespacedDeployment({ name: 'web', namespace: fed });
      expect(after.spec?.template).toEqual(before[i].spec?.template);
      expect(after.metadata?.labels).toEqual(before[i].metadata?.labels);
      expect(after.status?.availableReplicas).toBe(2);
      const recs = await revisions(ctx, fed);
      expect(recs.slice(-2).map((x) => x.status)).toEqual(['failed', 'deployed']);
      expect(recs[recs.length - 1].reason).toBe('rollback to revision 2');
    }
    expect((await resourceVersions(fed))[CTX[2]]).toEqual(rv3);
    expect(await image(CTX[2], fed)).toBe('registry.example/web:1.1.0');
  });

  test('an app removed from the federation is pruned; an unlabelled object in the same namespace survives', async () => {
    const c = clients(CTX[0]);
    await c.core.createNamespacedConfigMap({ namespace: fed, body: { metadata: { name: 'not-ours' }, data: { k: 'v' } } });
    synthFleet(dist, { name: fed, webTag: '1.1.0', withApi: false });
    const r = await cdkfed([...deployArgs(dist), '--output', 'json']);
    expect(r.code).toBe(0);
    for (const ctx of CTX) {
      await expect(clients(ctx).apps.readNamespacedDeployment({ name: 'api', namespace: fed })).rejects.toThrow();
      expect(await image(ctx, fed)).toBe('registry.example/web:1.1.0');
    }
    expect((await c.core.readNamespacedConfigMap({ name: 'not-ours', namespace: fed })).data).toEqual({ k: 'v' });
    const pruned = json(r.stdout).waves[0].clusters[0].pruned.entries.map((e: any) => `${e.ref.kind}/${e.ref.name}:${e.action}`);
    expect(pruned).toEqual(['Deployment/api:deleted']);
  });

  test('a regression during the bake (an object deleted behind our back) fails the gate and rolls the wave back', async () => {
    synthFleet(dist, { name: fed, webTag: '1.3.0', withApi: false, bakeSeconds: 8 });
    let deleted = false;
    const r = await cdkfed([...deployArgs(dist), '--output', 'json'], {
      onStderr: (err) => {
        if (!deleted && err.includes('wave w1: healthy; baking')) {
          deleted = true;
          void clients(CTX[0]).core.deleteNamespacedConfigMap({ name: 'web-config', namespace: fed });
        }
      },
    });
    expect(deleted).toBe(true);
    expect(r.code).toBe(1);
    const w1 = json(r.stdout).waves[0];
    expect(w1.failure).toMatch(new RegExp(`local-1: ConfigMap ${fed}/web-config regressed during bake: NotFound`));
    expect(w1.clusters[0]).toMatchObject({ outcome: 'rolled-back', failure: { object: `ConfigMap ${fed}/web-config` } });
    expect(json(r.stdout).waves[1].outcome).toBe('not-started');
    expect(await image(CTX[0], fed)).toBe('registry.example/web:1.1.0');
    expect((await clients(CTX[0]).core.readNamespacedConfigMap({ name: 'web-config', namespace: fed })).data).toEqual({ MODE: 'a' });
  });
});

describe('cdkfed deploy: conflicts, kill and resume, lease', () => {
  const fed = uniqueFederation('own');
  const dist = tmpDist();
  afterAll(() => cleanup(fed));

  test('a field owned by another manager: conflict reported, nothing forced; --force-conflicts applies', async () => {
    synthFleet(dist, { name: fed, withApi: false });
    expect((await cdkfed(deployArgs(dist))).code).toBe(0);
    // Someone else takes the image field in local-1.
    const c = clients(CTX[0]);
    await c.objects.patch({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: fed },
      spec: { template: { spec: { containers: [{ name: 'web', image: 'registry.example/web:hotfix' }] } } } } as any,
    undefined, undefined, 'kubectl-edit', true, k8s.PatchStrategy.ServerSideApply);
    synthFleet(dist, { name: fed, withApi: false, webTag: '2.0.0' });
    const r = await cdkfed([...deployArgs(dist), '--output', 'json']);
    expect(r.code).toBe(1);
    const w1 = json(r.stdout).waves[0].clusters[0];
    const failed = w1.applied.entries.find((e: any) => e.action === 'failed');
    expect(failed.ref).toMatchObject({ kind: 'Deployment', name: 'web' });
    expect(failed.conflicts).toEqual([{ field: '.spec.template.spec.containers[name="web"].image', manager: 'kubectl-edit' }]);
    expect(failed.message).toMatch(/--force-conflicts/);
    expect(await image(CTX[0], fed)).toBe('registry.example/web:hotfix');
    expect(await image(CTX[1], fed)).toBe('registry.example/web:1.0.0');

    const forced = await cdkfed(deployArgs(dist, '--force-conflicts'));
    expect(forced.code).toBe(0);
    for (const ctx of CTX) expect(await image(ctx, fed)).toBe('registry.example/web:2.0.0');
  });

  test('deploy killed (SIGKILL) in the middle of a wave, then run again: the lease names the dead holder; --break-lock converges, nothing orphaned', async () => {
    synthFleet(dist, { name: fed, withApi: true, webTag: '3.0.0' });
    const killed = await cdkfed(deployArgs(dist), { killWhen: (err) => err.includes(`${CTX[1]}: applying`) });
    expect(killed.signal).toBe('SIGKILL');
    // local-2 has a pending record of the new revision; local-3 was never touched.
    expect((await revisions(CTX[1], fed)).pop().status).toBe('pending');
    expect(await image(CTX[2], fed)).toBe('registry.example/web:2.0.0');

    const refused = await cdkfed(deployArgs(dist));
    expect(refused.code).toBe(1);
    expect(refused.stderr + refused.stdout).toMatch(/holds the lease \(holder ".*pid-\d+"/);

    const resumed = await cdkfed([...deployArgs(dist, '--break-lock'), '--output', 'json']);
    expect(resumed.code).toBe(0);
    const report = json(resumed.stdout);
    expect(report.waves.map((w: any) => w.clusters[0].outcome)).toEqual(['up-to-date', 'deployed', 'deployed']);
    for (const ctx of CTX) {
      expect(await image(ctx, fed)).toBe('registry.example/web:3.0.0');
      const recs = await revisions(ctx, fed);
      expect(recs[recs.length - 1].status).toBe('deployed');
      // nothing orphaned: every object with our label is in the revision in force
      const labelled = [
        ...(await clients(ctx).apps.listNamespacedDeployment({ namespace: fed, labelSelector: APPLYSET_PART_OF })).items,
        ...(await clients(ctx).core.listNamespacedConfigMap({ namespace: fed, labelSelector: APPLYSET_PART_OF })).items,
        ...(await clients(ctx).core.listNamespacedService({ namespace: fed, labelSelector: APPLYSET_PART_OF })).items,
      ].map((o) => o.metadata!.name).sort();
      const recorded = recs[recs.length - 1].objects.filter((o: any) => ['Deployment', 'ConfigMap', 'Service'].includes(o.kind)).map((o: any) => o.metadata.name).sort();
      expect(labelled).toEqual(recorded);
    }
    // the resumed cluster reused the pending revision's number: no revision applied twice
    const l2 = await revisions(CTX[1], fed);
    expect(l2.filter((x) => x.digest === l2[l2.length - 1].digest)).toHaveLength(1);
  });

  test('two deploys at once: the second is refused by the lease and writes nothing', async () => {
    synthFleet(dist, { name: fed, withApi: true, webTag: '3.1.0', bakeSeconds: 4 });
    const first = cdkfed(deployArgs(dist));
    await new Promise((r) => setTimeout(r, 1500));
    const second = await cdkfed(deployArgs(dist));
    expect(second.code).toBe(1);
    expect(second.stderr + second.stdout).toMatch(/another deploy of federation ".*" holds the lease/);
    expect((await first).code).toBe(0);
  });
});

test('an object kind the cluster does not serve: refused before the wave writes anything, naming the kind and the object', async () => {
  const fed = uniqueFederation('crd');
  try {
    const dist = synthFleet(tmpDist(), { name: fed, withApi: false, resources: [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: fed } }] });
    const r = await cdkfed([...deployArgs(dist), '--output', 'json']);
    expect(r.code).toBe(1);
    const report = json(r.stdout);
    expect(report.failure).toMatch(new RegExp(`wave w1 not started: local-1: cluster local-1: the API server does not serve Widget in example.com/v1 \\(needed by Widget ${fed}/w\\)`));
    expect(report.waves[0].clusters[0].outcome).toBe('not-started');
    for (const ctx of CTX) {
      expect(await clients(ctx).core.readNamespace({ name: fed }).catch(() => undefined)).toBeUndefined();
      expect(await revisions(ctx, fed)).toEqual([]);
    }
  } finally {
    await cleanup(fed);
  }
});

test('an object of the same name that is not ours is never adopted silently: deploy refuses it, plan says why, --adopt takes it over', async () => {
  const fed = uniqueFederation('adopt');
  try {
    await clients(CTX[0]).core.createNamespace({ body: { metadata: { name: fed, labels: { team: 'theirs' } } } });
    const dist = synthFleet(tmpDist(), { name: fed, withApi: false });
    const plan = await cdkfed(['plan', '--dist', dist, '--cluster', CTX[0], '--output', 'json']);
    expect(plan.code).toBe(1);
    expect(json(plan.stdout).clusters[0].objects.find((o: any) => o.ref.kind === 'Namespace').message).toMatch(/not this federation's.*--adopt/);
    const r = await cdkfed([...deployArgs(dist), '--output', 'json']);
    expect(r.code).toBe(1);
    const w1 = json(r.stdout).waves[0].clusters[0];
    expect(w1.failure.reason).toMatch(new RegExp(`Namespace ${fed}: exists and is not this federation's \\(it has no ApplySet label\\); rerun with --adopt`));
    expect((await clients(CTX[0]).core.readNamespace({ name: fed })).metadata?.labels?.team).toBe('theirs');
    const adopted = await cdkfed(deployArgs(dist, '--adopt'));
    expect(adopted.code).toBe(0);
    expect((await clients(CTX[0]).core.readNamespace({ name: fed })).metadata?.labels?.[APPLYSET_PART_OF]).toMatch(/^applyset-/);
  } finally {
    await cleanup(fed);
  }
});

test('a cluster unreachable before its wave: the rollout stops there, earlier waves keep the new revision, exit 1', async () => {
  const fed = uniqueFederation('down');
  try {
    const dist = synthFleet(tmpDist(), { name: fed, withApi: false });
    // A copy of the kubeconfig whose local-3 points at a closed port.
    const kc = YAML.parse(fs.readFileSync(kubeconfigPath(), 'utf8'));
    const ctx3 = kc.contexts.find((c: any) => c.name === CTX[2]).context.cluster;
    kc.clusters.find((c: any) => c.name === ctx3).cluster.server = 'https://127.0.0.1:1';
    const file = path.join(tmpDist(), 'kubeconfig');
    fs.writeFileSync(file, YAML.stringify(kc));
    const r = await cdkfed([...deployArgs(dist, '--kubeconfig', file), '--output', 'json']);
    expect(r.code).toBe(1);
    const report = json(r.stdout);
    expect(report.failure).toMatch(/wave w3 not started: local-3: cluster local-3 \(https:\/\/127.0.0.1:1\) is unreachable: ECONNREFUSED/);
    expect(report.waves.map((w: any) => [w.outcome, w.clusters[0].outcome])).toEqual([['succeeded', 'deployed'], ['succeeded', 'deployed'], ['failed', 'not-started']]);
    for (const ctx of CTX.slice(0, 2)) expect((await revisions(ctx, fed)).map((x) => x.status)).toEqual(['deployed']);
    expect(await revisions(CTX[2], fed)).toEqual([]);
  } finally {
    await cleanup(fed);
  }
}, 120_000);

describe('cdkfed deploy: bad input is refused before any write', () => {
  const fed = uniqueFederation('bad');
  afterAll(() => cleanup(fed));

  async function nothingWritten(): Promise<void> {
    for (const ctx of CTX) {
      expect(await clients(ctx).core.readNamespace({ name: fed }).catch(() => undefined)).toBeUndefined();
      expect(await revisions(ctx, fed)).toEqual([]);
    }
  }

  test('a file edited after synth', async () => {
    const dist = synthFleet(tmpDist(), { name: fed });
    const plan = JSON.parse(fs.readFileSync(path.join(dist, 'federation.json'), 'utf8'));
    const f = path.join(dist, plan.clusters[2].objects.find((o: any) => o.kind === 'Deployment' && o.name === 'web').file);
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('replicas: 2', 'replicas: 20'));
    const r = await cdkfed(deployArgs(dist));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error DIST_DIGEST_MISMATCH: .*local-3.*changed after synth/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    await nothingWritten();
  });

  test('a context missing from the kubeconfig (in the last wave): nothing applied anywhere', async () => {
    const dist = synthFleet(tmpDist(), { name: fed, contextOf: (c) => (c === CTX[2] ? 'no-such-context' : c) });
    const r = await cdkfed(deployArgs(dist));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error CONTEXT_MISSING: cluster local-3: context "no-such-context" is not in kubeconfig .* \(it has: local-1/);
    await nothingWritten();
  });

  test('a residency violation written into dist/ by hand', async () => {
    const dist = synthFleet(tmpDist(), { name: fed, webResidency: 'local' });
    const planFile = path.join(dist, 'federation.json');
    const plan = JSON.parse(fs.readFileSync(planFile, 'utf8'));
    plan.clusters[1].jurisdiction = 'elsewhere';
    fs.writeFileSync(planFile, JSON.stringify(plan));
    const r = await cdkfed(deployArgs(dist));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error RESIDENCY_VIOLATION: .*app "web" must stay in jurisdiction "local" but cluster "local-2" is in "elsewhere"/);
    await nothingWritten();
  });

  test('no terminal and no --yes: refused, exit 1', async () => {
    const dist = synthFleet(tmpDist(), { name: fed });
    const r = await cdkfed(['deploy', '--dist', dist]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error NOT_CONFIRMED: .*--yes/);
    await nothingWritten();
  });

  test('on a terminal it shows what will happen and asks; any answer but "yes" applies nothing', async () => {
    const dist = synthFleet(tmpDist(), { name: fed });
    // `script` gives the CLI a real pseudo-terminal; "no" is typed at the prompt.
    const r = spawnSync('script', ['-qec', `${process.execPath} ${path.join(REPO, 'bin', 'cdkfed')} deploy --dist ${dist}`, '/dev/null'], { input: 'no\n', encoding: 'utf8', cwd: REPO, timeout: 60_000 });
    const screen = r.stdout.replace(/\r/g, '');
    expect(screen).toMatch(new RegExp(`cdkfed will deploy federation "${fed}" from .* in 3 wave\\(s\\):`));
    expect(screen).toMatch(/wave w1 \(max 1 at once\):\n {4}local-1: 5 to create, 0 to update, 0 to prune, 0 unchanged \(first deploy\)\n {6}\+ Namespace /);
    expect(screen).toMatch(/Do you want to deploy\? Only "yes" will be accepted:/);
    expect(screen).toMatch(/deploy cancelled; nothing was applied/);
    expect(r.status).toBe(1);
    await nothingWritten();
  });

  test('an unknown wave or cluster on the command line', async () => {
    const dist = synthFleet(tmpDist(), { name: fed });
    const w = await cdkfed(deployArgs(dist, '--wave', 'w9'));
    expect(w.code).toBe(1);
    expect(w.stderr).toMatch(/error UNKNOWN_WAVE: --wave w9: .* no wave "w9"\n {2}hint: use one of: w1, w2, w3/);
    const c = await cdkfed(deployArgs(dist, '--cluster', 'mars'));
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/UNKNOWN_CLUSTER/);
    await nothingWritten();
  });
});
