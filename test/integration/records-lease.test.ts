/**
 * Issue 15 #1, #6, #11 against real local clusters, the CLI run as a process:
 * - a run whose lease is taken over mid-run stops writing to that cluster and reports it;
 * - a lease is taken over by local observation (unchanged for its duration), not by comparing clocks;
 * - a revision record that cannot be decoded, or whose objects fail its digest, stops that cluster
 *   with the record's name (deploy, plan and drift), never read as "no previous revision";
 * - failed and unreadable records are trimmed with the rest; a record over the Secret limit
 *   is refused before any write;
 * - (#19) a cluster found up to date is only read, and reads made before another deploy
 *   wrote the Lease are never trusted.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { ClusterClient } from '../../lib/cluster/client';
import { acquireLease } from '../../lib/cluster/lease';
import { deploy } from '../../lib/deploy/rollout';
import { preflightCluster } from '../../lib/deploy/preflight';
import { identities, readOutline, verifyInventory } from '../../lib/inventory/read';
import { ensureSystemNamespace, recordedSetDigest, revisionSecret, RevisionRecord } from '../../lib/cluster/revisions';
import { SYSTEM_NAMESPACE } from '../../lib/kube/ownership';
import { cdkfed, cleanup, resourceVersions, revisions, synthFleet, tmpDist, uniqueFederation } from '../support/integration/fleet';
import { clients, contexts, k8s, kubeconfigPath } from '../support/integration/k8s';

const CTX = contexts();
const C1 = CTX[0];
const deployArgs = (dist: string, ...extra: string[]) => ['deploy', '--dist', dist, '--yes', '--cluster', C1, '--output', 'json', ...extra];
const json = (s: string) => JSON.parse(s);
const coordination = (ctx: string) => clients(ctx).kc.makeApiClient(k8s.CoordinationV1Api);
const leaseOf = (fed: string) => coordination(C1).readNamespacedLease({ name: `cdkfed-${fed}`, namespace: SYSTEM_NAMESPACE }).catch(() => undefined);
const micro = (d: Date) => d.toISOString().replace(/Z$/, '000Z');

/** What only a deploy writes in C1: its records, ApplySet parent, ConfigMaps, Services, Namespace (by resourceVersion) and Deployment specs (by generation; status updates do not count). */
async function writesOf(fed: string): Promise<Record<string, string>> {
  const rv = Object.fromEntries(Object.entries((await resourceVersions(fed))[C1]).filter(([k]) => !k.startsWith('Deployment/')));
  for (const d of (await clients(C1).apps.listNamespacedDeployment({ namespace: fed })).items) rv[`Deployment/${d.metadata!.name}#generation`] = String(d.metadata!.generation);
  const parent = await clients(C1).core.readNamespacedSecret({ name: `applyset-${fed}`, namespace: SYSTEM_NAMESPACE }).catch(() => undefined);
  if (parent) rv.applyset = parent.metadata!.resourceVersion!;
  return rv;
}

async function recordSecrets(fed: string): Promise<any[]> {
  return (await clients(C1).core.listNamespacedSecret({ namespace: SYSTEM_NAMESPACE, labelSelector: `cdk-federation.io/federation=${fed},cdk-federation.io/record=revision` })).items
    .sort((a, b) => Number(a.metadata!.labels!['cdk-federation.io/revision']) - Number(b.metadata!.labels!['cdk-federation.io/revision']));
}

async function setRecordData(fed: string, revision: number, data: Record<string, string>): Promise<void> {
  const name = `cdkfed.${fed}.v${revision}`;
  const s = await clients(C1).core.readNamespacedSecret({ name, namespace: SYSTEM_NAMESPACE });
  s.data = { ...s.data, ...data };
  await clients(C1).core.replaceNamespacedSecret({ name, namespace: SYSTEM_NAMESPACE, body: s });
}

/** Writes the Lease with another holder at the resourceVersion read, as a second deploy with --break-lock does; retried if a renewal slips in between. */
async function takeOverLease(fed: string, holder: string): Promise<void> {
  const api = coordination(C1);
  for (let attempt = 0; ; attempt++) {
    const live = await api.readNamespacedLease({ name: `cdkfed-${fed}`, namespace: SYSTEM_NAMESPACE });
    live.spec = { ...live.spec, holderIdentity: holder, acquireTime: micro(new Date()) as any, renewTime: micro(new Date()) as any };
    try {
      await api.replaceNamespacedLease({ name: `cdkfed-${fed}`, namespace: SYSTEM_NAMESPACE, body: live });
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}

describe('#6 leases are fenced', () => {
  const fed = uniqueFederation('lease');
  const dist = tmpDist();
  afterAll(() => cleanup(fed));

  test('a lease taken over mid-run (as --break-lock from a second process would): the first run stops writing to that cluster at once and reports the lease lost', async () => {
    synthFleet(dist, { name: fed, withApi: false });
    expect((await cdkfed(deployArgs(dist))).code).toBe(0);
    // A release whose pods never become Ready: a slow health gate (45 s) during which the lease changes hands.
    synthFleet(dist, { name: fed, withApi: false, webTag: '2.0.0', failOn: [C1], healthTimeoutSeconds: 45 });
    let takenOver: Promise<Record<string, string>> | undefined;
    const t0 = Date.now();
    const run = cdkfed(deployArgs(dist), {
      onStderr: (err) => {
        if (takenOver || !err.includes(`${C1}: health`)) return;
        takenOver = (async () => {
          await takeOverLease(fed, 'thief/pid-1');
          return writesOf(fed);
        })();
      },
    });
    const r = await run;
    const atTakeover = await takenOver!;
    expect(r.code).toBe(1);
    const c = json(r.stdout).waves[0].clusters[0];
    expect(c.outcome).toBe('failed');
    expect(c.failure.reason).toMatch(/cluster local-1: this deploy lost the lease of federation ".*" \(now held by "thief\/pid-1"\): another run took it over; it stopped writing to this cluster/);
    expect(c.rollback.message).toBe('not rolled back: this run lost its lease there, so the cluster is left to the run that took it');
    // stopped at the next renewal (every 10 s), not at the 45 s health timeout
    expect(Date.now() - t0).toBeLessThan(35_000);
    // nothing written to the cluster since the takeover: no failed record, no rollback, the lease left to its new holder
    expect(await writesOf(fed)).toEqual(atTakeover);
    expect((await revisions(C1, fed)).map((x) => [x.revision, x.status])).toEqual([[1, 'deployed'], [2, 'pending']]);
    expect((await leaseOf(fed))?.spec?.holderIdentity).toBe('thief/pid-1');
  });

  test('a lease lost while the wave bakes: the wave fails, that cluster is neither rolled back nor written to, exit 1', async () => {
    synthFleet(dist, { name: fed, withApi: false, webTag: '2.5.0', bakeSeconds: 30 });
    let takenOver: Promise<Record<string, string>> | undefined;
    const t0 = Date.now();
    // --break-lock: the previous test left the lease to "thief/pid-1"
    const r = await cdkfed(deployArgs(dist, '--break-lock'), {
      onStderr: (err) => {
        if (takenOver || !err.includes('wave w1: healthy; baking')) return;
        takenOver = takeOverLease(fed, 'thief/pid-2').then(() => writesOf(fed));
      },
    });
    const atTakeover = await takenOver!;
    expect(r.code).toBe(1);
    const report = json(r.stdout);
    expect(report.failure).toMatch(/wave w1: cluster local-1: this deploy lost the lease of federation ".*" \(now held by "thief\/pid-2"\)/);
    expect(report.waves[0].clusters[0]).toMatchObject({ outcome: 'failed', rollback: { ok: false, message: expect.stringMatching(/^not rolled back/) } });
    expect(Date.now() - t0).toBeLessThan(30_000); // stopped before the bake ended
    expect(await writesOf(fed)).toEqual(atTakeover);
    expect((await leaseOf(fed))?.spec?.holderIdentity).toBe('thief/pid-2');
  });

  test('a lease whose renewTime is far ahead of our clock and never renewed: watched unchanged for its duration here, then taken (no clock comparison)', async () => {
    const api = coordination(C1);
    const live = await api.readNamespacedLease({ name: `cdkfed-${fed}`, namespace: SYSTEM_NAMESPACE });
    live.spec = { ...live.spec, holderIdentity: 'ghost/pid-0', leaseDurationSeconds: 60, renewTime: '2100-01-01T00:00:00.000000Z' as any, acquireTime: '2100-01-01T00:00:00.000000Z' as any };
    await api.replaceNamespacedLease({ name: `cdkfed-${fed}`, namespace: SYSTEM_NAMESPACE, body: live });
    synthFleet(dist, { name: fed, withApi: false, webTag: '3.0.0' });
    const t0 = Date.now();
    const r = await cdkfed(deployArgs(dist));
    expect(r.stderr).toMatch(/local-1: waiting — lease held by "ghost\/pid-0" and not renewed: taking it over if it stays unchanged for 60s more/);
    expect(r.code).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(60_000);
    expect(json(r.stdout).waves[0].clusters[0].outcome).toBe('deployed');
    expect((await leaseOf(fed))?.spec?.holderIdentity).toBe('');
  });
});

describe('#19 a lease is freed without reading it again', () => {
  const fed = uniqueFederation('leasefree');
  afterAll(() => cleanup(fed));

  test('freed at the resourceVersion of our last write: the next run takes it with a read and a write; taken over meanwhile (--break-lock), our release is refused and their lease stays', async () => {
    const requests: string[] = [];
    const client = ClusterClient.connect({ name: C1, context: C1 }, { kubeconfig: kubeconfigPath(), onRequest: (m, p) => { if (p.includes('/leases')) requests.push(m); } });
    try {
      await ensureSystemNamespace(client);
      const first = await acquireLease(client, fed, { holder: 'first/pid-1' });
      await first.release();
      expect((await leaseOf(fed))?.spec?.holderIdentity ?? '').toBe('');
      const second = await acquireLease(client, fed, { holder: 'second/pid-2' });
      expect(requests).toEqual(['GET', 'POST', 'PUT', 'GET', 'PUT']); // no refused create once the Lease exists
      expect((await leaseOf(fed))?.spec?.holderIdentity).toBe('second/pid-2');
      await takeOverLease(fed, 'breaker/pid-9');
      await second.release(); // its PUT is at a resourceVersion the takeover moved on: 409, nothing written
      expect((await leaseOf(fed))?.spec?.holderIdentity).toBe('breaker/pid-9');
    } finally {
      client.close();
    }
  });
});

describe('#19 a cluster found up to date is only read', () => {
  const fed = uniqueFederation('readonly');
  const dist = tmpDist();
  afterAll(() => cleanup(fed));

  test('a no-op deploy writes nothing, not even the Lease: it reads the Lease again and finds it unchanged since its other reads', async () => {
    synthFleet(dist, { name: fed, withApi: false });
    expect((await cdkfed(deployArgs(dist))).code).toBe(0);
    const lease = await leaseOf(fed);
    const before = await writesOf(fed);
    const r = await cdkfed(deployArgs(dist));
    expect(r.code).toBe(0);
    const report = json(r.stdout);
    expect(report.outcome).toBe('up-to-date');
    expect(report.waves[0].clusters[0]).toMatchObject({ cluster: C1, outcome: 'up-to-date', revision: 1 });
    expect(report.requests[C1]).toMatchObject({ writes: 0, leaseWrites: 0 });
    expect((await leaseOf(fed))?.metadata?.resourceVersion).toBe(lease?.metadata?.resourceVersion);
    expect(await writesOf(fed)).toEqual(before);
  });

  test('another deploy took and freed the Lease after the preflight read it (and deleted an object of ours meanwhile): the preflight\'s reads are not trusted; the Lease is taken and the object re-applied', async () => {
    const inv = await verifyInventory(readOutline(dist));
    const client = ClusterClient.connect({ name: C1, context: C1 }, { kubeconfig: kubeconfigPath() });
    const other = ClusterClient.connect({ name: C1, context: C1 }, { kubeconfig: kubeconfigPath() });
    try {
      const preflight = preflightCluster(client, fed, inv.document.applySet, identities(inv.clusters.get(C1)!));
      const seen = await (await preflight).snapshot;
      expect(seen?.health.every((h) => h.health.status === 'Current')).toBe(true); // up to date when read
      // Another deploy, between that read and ours: takes the Lease, deletes a ConfigMap of the set, frees the Lease.
      const held = await acquireLease(other, fed, { holder: 'other/pid-7' });
      const cm = (await clients(C1).core.listNamespacedConfigMap({ namespace: fed, labelSelector: 'cdk-federation.io/app=web' })).items[0];
      await clients(C1).core.deleteNamespacedConfigMap({ name: cm.metadata!.name!, namespace: fed });
      await held.release();
      const report = await deploy(inv, { clusters: [C1], clients: new Map([[C1, client]]), preflights: new Map([[C1, preflight]]) });
      // Trusting the snapshot would say up-to-date with the ConfigMap gone; taking the Lease from the first read would be a conflict (LEASE_HELD).
      expect(report.waves[0].clusters[0]).toMatchObject({ cluster: C1, outcome: 'repaired', revision: 1 });
      expect(report.requests[C1].leaseWrites).toBe(2);
      expect((await clients(C1).core.readNamespacedConfigMap({ name: cm.metadata!.name!, namespace: fed })).metadata?.name).toBe(cm.metadata!.name);
      expect((await leaseOf(fed))?.spec?.holderIdentity ?? '').toBe('');
    } finally {
      client.close();
      other.close();
    }
  });
});

describe('#1 and #11 revision records are checked on read', () => {
  const fed = uniqueFederation('recs');
  const dist = tmpDist();
  afterAll(() => cleanup(fed));

  test('the newest record corrupted (objects not matching its digest, then not decodable): deploy, plan and drift stop that cluster naming the record; nothing written; deleting it lets deploy go on', async () => {
    synthFleet(dist, { name: fed, withApi: false });
    expect((await cdkfed(deployArgs(dist))).code).toBe(0);
    synthFleet(dist, { name: fed, withApi: false, webTag: '2.0.0' });
    expect((await cdkfed(deployArgs(dist))).code).toBe(0);
    const record = `${SYSTEM_NAMESPACE}/cdkfed.${fed}.v2`;

    // 1. objects replaced by others (valid gzip JSON): they no longer match the record's digest
    const v2 = (await revisions(C1, fed))[1];
    const tampered = v2.objects.map((o: any) => (o.kind === 'Deployment' ? { ...o, spec: { ...o.spec, replicas: 9 } } : o));
    await setRecordData(fed, 2, { objects: gzipSync(Buffer.from(JSON.stringify(tampered))).toString('base64') });
    synthFleet(dist, { name: fed, withApi: false, webTag: '3.0.0' });
    let before = await writesOf(fed);
    let r = await cdkfed(deployArgs(dist));
    expect(r.code).toBe(1);
    let c = json(r.stdout).waves[0].clusters[0];
    expect(c.outcome).toBe('failed');
    expect(c.failure.reason).toContain(`revision record ${record} (revision 2, deployed) cannot be trusted: its objects do not match its digest`);
    expect(await writesOf(fed)).toEqual(before);

    // 2. garbage: not decodable at all
    await setRecordData(fed, 2, { objects: Buffer.from('garbage, not gzip').toString('base64') });
    before = await writesOf(fed);
    r = await cdkfed(deployArgs(dist));
    expect(r.code).toBe(1);
    c = json(r.stdout).waves[0].clusters[0];
    expect(c.failure.reason).toContain(`revision record ${record} (revision 2, deployed) cannot be trusted: data.objects is not gzipped JSON`);
    expect(c.failure.reason).toMatch(/delete it \(kubectl -n cdk-federation-system delete secret cdkfed\..*\.v2\)/);
    expect(await writesOf(fed)).toEqual(before);
    const image = async () => (await clients(C1).apps.readNamespacedDeployment({ name: 'web', namespace: fed })).spec!.template.spec!.containers[0].image;
    expect(await image()).toBe('registry.example/web:2.0.0');

    // plan and drift report it for that cluster too
    const plan = await cdkfed(['plan', '--dist', dist, '--cluster', C1, '--output', 'json']);
    expect(plan.code).toBe(1);
    expect(json(plan.stdout).clusters[0].error).toContain(`revision record ${record}`);
    const drift = await cdkfed(['drift', '--dist', dist, '--cluster', C1, '--output', 'json']);
    expect(drift.code).toBe(1);
    expect(json(drift.stdout).clusters[0].error).toContain(`revision record ${record}`);

    // the fix the error names: delete it; deploy then compares with revision 1 and converges
    await clients(C1).core.deleteNamespacedSecret({ name: `cdkfed.${fed}.v2`, namespace: SYSTEM_NAMESPACE });
    r = await cdkfed(deployArgs(dist));
    expect(r.code).toBe(0);
    expect(await image()).toBe('registry.example/web:3.0.0');
  });

  test('failed and unreadable records are trimmed with the rest: 10 kept, never the one in force', async () => {
    // History: v1 unreadable (older than the record in force, so it blocks nothing), v2..v10 failed, v11 deployed (in force).
    const recs = await revisions(C1, fed);
    const inForce = recs[recs.length - 1];
    for (const s of await recordSecrets(fed)) await clients(C1).core.deleteNamespacedSecret({ name: s.metadata!.name!, namespace: SYSTEM_NAMESPACE });
    const at = new Date().toISOString();
    const rec = (revision: number, status: RevisionRecord['status']): RevisionRecord => ({
      federation: fed, cluster: C1, revision, status, digest: recordedSetDigest(inForce.objects), objects: inForce.objects, started: at, updated: at, ...(status === 'failed' ? { reason: 'test' } : {}),
    });
    for (let n = 1; n <= 11; n++) await clients(C1).core.createNamespacedSecret({ namespace: SYSTEM_NAMESPACE, body: revisionSecret(rec(n, n === 11 ? 'deployed' : n === 1 ? 'deployed' : 'failed')) });
    await setRecordData(fed, 1, { objects: Buffer.from('garbage').toString('base64') });
    expect(await recordSecrets(fed)).toHaveLength(11);

    synthFleet(dist, { name: fed, withApi: false, webTag: '4.0.0' });
    const r = await cdkfed(deployArgs(dist));
    expect(r.code).toBe(0);
    const c = json(r.stdout).waves[0].clusters[0];
    expect([c.outcome, c.revision, c.previousRevision]).toEqual(['deployed', 12, 11]);
    // 12 records, 10 kept: the unreadable v1 and the failed v2 are gone
    expect((await recordSecrets(fed)).map((s) => s.metadata!.name)).toEqual(Array.from({ length: 10 }, (_, i) => `cdkfed.${fed}.v${i + 3}`));
  });

  test('a record over the Secret size limit: refused before any write, naming the cluster and the size', async () => {
    const big = uniqueFederation('big');
    try {
      // 3 ConfigMaps of 530 KB of random text each: each fits a ConfigMap, the gzipped record (~1.2 MB) does not fit a Secret.
      const resources = [0, 1, 2].map((i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `blob-${i}`, namespace: big }, data: { blob: randomBytes(400_000).toString('base64') } }));
      const bigDist = synthFleet(tmpDist(), { name: big, withApi: false, resources });
      const r = await cdkfed(['deploy', '--dist', bigDist, '--yes', '--cluster', C1]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/cluster local-1: the revision record of its \d+ objects would hold \d{7} bytes \(gzipped\), over the 1048576-byte limit of a Secret/);
      expect(r.stderr).not.toContain(resources[0].data.blob.slice(0, 32));
      // nothing written: no namespace, no records, not even a lease
      expect(await clients(C1).core.readNamespace({ name: big }).catch(() => undefined)).toBeUndefined();
      expect(await recordSecrets(big)).toEqual([]);
      expect(await leaseOf(big)).toBeUndefined();
    } finally {
      await cleanup(big, [C1]);
    }
  });
});
