/**
 * Fault suite (issue 11): a cluster's kube-apiserver (or etcd) really stopped — SIGKILLed as a
 * crash would — before its wave, in the middle of its deploy, or restarted while the deploy runs.
 * Each case ends with the contract's exit code, a report naming the cluster, and the fleet in a
 * known state checked object by object against the revision records once the cluster is back.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { restartComponent, stopComponent, type Component } from '../localk8s/localk8s';
import { assertFleetConsistent } from '../support/integration/consistency';
import { cdkfed, cleanup, kubeconfigAs, revisions, synthFleet, tmpDist, uniqueFederation } from '../support/integration/fleet';
import { clients, contexts, k8s } from '../support/integration/k8s';

const CTX = contexts();
const json = (s: string) => JSON.parse(s);
const deployJson = (dist: string, ...extra: string[]) => cdkfed(['deploy', '--dist', dist, '--yes', '--output', 'json', ...extra]);
/** A deploy that must succeed; its report and log otherwise. */
async function deployOk(dist: string, ...extra: string[]) {
  const r = await deployJson(dist, ...extra);
  if (r.code !== 0) throw new Error(`deploy exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

async function image(ctx: string, ns: string): Promise<string | undefined> {
  const d = await clients(ctx).apps.readNamespacedDeployment({ name: 'web', namespace: ns }).catch(() => undefined);
  return d?.spec?.template?.spec?.containers?.[0]?.image;
}

/** Runs fn with a component of a cluster stopped, and always starts it again (the next test needs the cluster). */
async function restartAfter<T>(cluster: string, component: Component, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    await restartComponent(cluster, component);
  }
}

/** Starts a deploy and, the first time stderr shows `<cluster>: applying`, runs onApplying (once). */
function deployWhenApplying(dist: string, cluster: string, onApplying: () => Promise<void>, ...extra: string[]) {
  let fired: Promise<void> | undefined;
  const run = cdkfed(['deploy', '--dist', dist, '--yes', ...extra], {
    onStderr: (err) => {
      if (!fired && err.includes(`${cluster}: applying`)) fired = onApplying();
    },
  });
  return run.then(async (r) => {
    await fired;
    if (!fired) throw new Error(`the deploy never reached "${cluster}: applying":\n${r.stderr}`);
    return r;
  });
}

test('kube-apiserver of the last wave stopped before its wave: the rollout stops there, earlier waves keep the new revision, exit 1; the next run completes', async () => {
  const fed = uniqueFederation('apidown');
  try {
    const dist = synthFleet(tmpDist(), { name: fed, withApi: false, webTag: '1.0.0' });
    await deployOk(dist);
    synthFleet(dist, { name: fed, withApi: false, webTag: '2.0.0' });
    await stopComponent(CTX[2], 'kube-apiserver');
    const r = await restartAfter(CTX[2], 'kube-apiserver', () => deployJson(dist));
    expect(r.code).toBe(1);
    const report = json(r.stdout);
    expect(report.failure).toMatch(/^wave w3 not started: local-3: cluster local-3 \(https:\/\/127\.0\.0\.1:\d+\) is unreachable: ECONNREFUSED/);
    expect(report.waves.map((w: any) => [w.outcome, w.clusters[0].outcome])).toEqual([['succeeded', 'deployed'], ['succeeded', 'deployed'], ['failed', 'not-started']]);
    const states = await assertFleetConsistent(fed);
    expect(states.map((s) => s.revision)).toEqual([2, 2, 1]);
    expect(await image(CTX[2], fed)).toBe('registry.example/web:1.0.0');

    const again = await deployOk(dist);
    expect(json(again.stdout).waves.map((w: any) => w.clusters[0].outcome)).toEqual(['up-to-date', 'up-to-date', 'deployed']);
    expect((await assertFleetConsistent(fed)).map((s) => s.revision)).toEqual([2, 2, 2]);
    for (const ctx of CTX) expect(await image(ctx, fed)).toBe('registry.example/web:2.0.0');
  } finally {
    await cleanup(fed);
  }
}, 180_000);

test('kube-apiserver stopped in the middle of its cluster\'s deploy: that cluster fails, touched clusters roll back, it is reported unknown, and the next run brings it to a known revision', async () => {
  const fed = uniqueFederation('apimid');
  try {
    const dist = synthFleet(tmpDist(), { name: fed, withApi: false, webTag: '1.0.0' });
    await deployOk(dist);
    synthFleet(dist, { name: fed, withApi: false, webTag: '2.0.0' });
    const r = await restartAfter(CTX[1], 'kube-apiserver', () => deployWhenApplying(dist, CTX[1], () => stopComponent(CTX[1], 'kube-apiserver'), '--output', 'json'));
    expect(r.code).toBe(1);
    const report = json(r.stdout);
    // lost while applying (an object's apply failed) or while waiting for health
    expect(report.failure).toMatch(/^wave w2: cluster local-2: (\w+ [\w/-]+: )?cluster local-2 \(https:\/\/127\.0\.0\.1:\d+\) is unreachable: ECONNREFUSED/);
    const [w1, w2, w3] = report.waves;
    expect([w1.outcome, w1.clusters[0].outcome, w1.clusters[0].rollback.message]).toEqual(['rolled-back', 'rolled-back', 'restored revision 1 as revision 3']);
    expect([w2.outcome, w2.clusters[0].outcome]).toEqual(['failed', 'unknown']);
    expect(w2.clusters[0].rollback.message).toMatch(/^state unknown: cluster local-2 .* is unreachable: ECONNREFUSED.*; revision 2 is left pending, and the next deploy resumes or replaces it/);
    expect([w3.outcome, w3.clusters[0].outcome]).toEqual(['not-started', 'not-started']);
    expect(await image(CTX[0], fed)).toBe('registry.example/web:1.0.0');
    expect(await image(CTX[2], fed)).toBe('registry.example/web:1.0.0');
    // Back up: what the lost run left in local-2 is a pending record of revision 2, which the next run reads.
    expect((await revisions(CTX[1], fed)).map((x) => [x.revision, x.status])).toEqual([[1, 'deployed'], [2, 'pending']]);

    // The lost run could not free its lease in local-2; --break-lock takes it at once (it would expire within a minute).
    await deployOk(dist, '--break-lock');
    const states = await assertFleetConsistent(fed);
    expect(states.map((s) => s.revision)).toEqual([4, 2, 2]); // local-2 resumed its pending revision 2
    for (const ctx of CTX) expect(await image(ctx, fed)).toBe('registry.example/web:2.0.0');
  } finally {
    await cleanup(fed);
  }
}, 240_000);

test('a pending revision left by a lost run and then replaced by another target is recorded as interrupted, not left pending', async () => {
  const fed = uniqueFederation('apirep');
  try {
    const dist = synthFleet(tmpDist(), { name: fed, withApi: false, webTag: '1.0.0' });
    await deployOk(dist);
    synthFleet(dist, { name: fed, withApi: false, webTag: '2.0.0' });
    const r = await restartAfter(CTX[0], 'kube-apiserver', () => deployWhenApplying(dist, CTX[0], () => stopComponent(CTX[0], 'kube-apiserver')));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/local-1: unknown revision 2/);
    // The user goes back to 1.0.0: revision 2 (pending, 2.0.0) is replaced by revision 3.
    synthFleet(dist, { name: fed, withApi: false, webTag: '1.0.0' });
    await deployOk(dist, '--break-lock');
    expect((await revisions(CTX[0], fed)).map((x) => [x.revision, x.status, x.reason])).toEqual([
      [1, 'deployed', undefined], [2, 'failed', 'interrupted: the run applying it did not finish; replaced by revision 3'], [3, 'deployed', undefined]]);
    expect((await assertFleetConsistent(fed)).map((s) => s.revision)).toEqual([3, 1, 1]);
  } finally {
    await cleanup(fed);
  }
}, 240_000);

test.each([['kube-apiserver'], ['etcd']] as Array<[Component]>)('%s restarted while a cluster is being deployed: transient errors are retried with backoff and the deploy completes, exit 0', async (component) => {
  const fed = uniqueFederation(component === 'etcd' ? 'etcdre' : 'apire');
  try {
    const dist = synthFleet(tmpDist(), { name: fed, webTag: '1.0.0' });
    await deployOk(dist);
    synthFleet(dist, { name: fed, webTag: '2.0.0', config: 'b' });
    let downFor = 0;
    const r = await deployWhenApplying(dist, CTX[1], async () => {
      await stopComponent(CTX[1], component);
      const t0 = Date.now();
      await new Promise((res) => setTimeout(res, 1500));
      await restartComponent(CTX[1], component);
      downFor = Date.now() - t0;
    }, '--output', 'json');
    if (r.code !== 0) throw new Error(`deploy exited ${r.code} after ${component} was down ${downFor} ms:\n${r.stdout}\n${r.stderr}`);
    expect(json(r.stdout).waves.map((w: any) => w.clusters[0].outcome)).toEqual(['deployed', 'deployed', 'deployed']);
    expect((await assertFleetConsistent(fed)).map((s) => s.revision)).toEqual([2, 2, 2]);
    for (const ctx of CTX) expect(await image(ctx, fed)).toBe('registry.example/web:2.0.0');
  } finally {
    await restartComponent(CTX[1], component);
    await cleanup(fed);
  }
}, 180_000);

test('an API server that answers 429 Too Many Requests (one request in flight at a time): the deploy retries, honouring Retry-After, and completes, exit 0', async () => {
  const fed = uniqueFederation('api429');
  try {
    const dist = synthFleet(tmpDist(), { name: fed, webTag: '1.0.0' });
    // The deploy reaches local-2 as a cluster-admin outside system:masters (which the limit exempts).
    await clients(CTX[1]).kc.makeApiClient(k8s.RbacAuthorizationV1Api).createClusterRoleBinding({ body: {
      metadata: { name: 'localk8s-operator' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'localk8s-operator' }],
    } }).catch((e) => { if (e?.code !== 409) throw e; });
    const kubeconfig = kubeconfigAs(CTX[1], 'operator');
    await stopComponent(CTX[1], 'kube-apiserver');
    // priority and fairness are off in the local clusters, so the plain in-flight limit answers 429 past one concurrent read
    await restartComponent(CTX[1], 'kube-apiserver', ['--max-requests-inflight=1']);
    const r = await deployOk(dist, '--kubeconfig', kubeconfig);
    const report = json(r.stdout);
    expect(report.requests[CTX[1]].retries).toBeGreaterThan(0); // 429s were met and retried
    expect(report.requests[CTX[0]].retries).toBe(0);
    expect((await assertFleetConsistent(fed)).map((s) => s.revision)).toEqual([1, 1, 1]);
  } finally {
    await stopComponent(CTX[1], 'kube-apiserver').catch(() => undefined);
    await restartComponent(CTX[1], 'kube-apiserver');
    await cleanup(fed);
  }
}, 180_000);

test('kube-apiserver down for longer than one request\'s retry budget during a bake: the bake reads again at the next tick and passes once it is back, exit 0', async () => {
  const fed = uniqueFederation('bakeread');
  try {
    const dist = synthFleet(tmpDist(), { name: fed, withApi: false, webTag: '1.0.0' });
    await deployOk(dist, '--cluster', CTX[0]);
    synthFleet(dist, { name: fed, withApi: false, webTag: '2.0.0', bakeSeconds: 30 });
    let outage: Promise<void> | undefined;
    const r = await cdkfed(['deploy', '--dist', dist, '--yes', '--cluster', CTX[0], '--output', 'json'], {
      onStderr: (err) => {
        if (!outage && err.includes('wave w1: healthy; baking')) {
          // 22 s: one read's transient retries (20 s) give up inside it
          outage = stopComponent(CTX[0], 'kube-apiserver').then(() => new Promise((res) => setTimeout(res, 22_000))).then(() => restartComponent(CTX[0], 'kube-apiserver'));
        }
      },
    });
    await outage;
    expect(outage).toBeDefined();
    if (r.code !== 0) throw new Error(`deploy exited ${r.code}:\n${r.stdout.slice(0, 2000)}\n${r.stderr.slice(-2000)}`);
    expect(json(r.stdout).waves[0].clusters[0].outcome).toBe('deployed');
    expect(await image(CTX[0], fed)).toBe('registry.example/web:2.0.0');
    expect((await assertFleetConsistent(fed, [CTX[0]])).map((s) => s.revision)).toEqual([2]);
  } finally {
    await cleanup(fed, [CTX[0]]);
  }
}, 180_000);
