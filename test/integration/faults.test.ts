/**
 * Fault suite (issue 11, part): bad input refused before any write (table-driven), a failed gate
 * at every wave position, and deploys SIGKILLed at seeded points then resumed — each ending with
 * the fleet in a known state, checked object by object against the revision records.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { mulberry32 as prng } from '../support/placement';
import { assertFleetConsistent } from '../support/integration/consistency';
import { cdkfed, cleanup, kubeconfigAs, revisions, synthFleet, tmpDist, uniqueFederation } from '../support/integration/fleet';
import { clients, contexts, kubeconfigPath, waitUntil } from '../support/integration/k8s';
import { contentDigest, fileDigest } from '../../lib/kube/digest';

const CTX = contexts();
const json = (s: string) => JSON.parse(s);

async function image(ctx: string, ns: string): Promise<string | undefined> {
  const d = await clients(ctx).apps.readNamespacedDeployment({ name: 'web', namespace: ns }).catch(() => undefined);
  return d?.spec?.template?.spec?.containers?.[0]?.image;
}

describe('bad input: exit 1, one clear message, no write to any cluster', () => {
  const fed = uniqueFederation('badin');
  const pristine = synthFleet(tmpDist(), { name: fed });
  const plan = () => JSON.parse(fs.readFileSync(path.join(pristine, 'federation.json'), 'utf8'));
  const fileOf = (kind: string, name: string, cluster = 0) => plan().clusters[cluster].objects.find((o: any) => o.kind === kind && o.name === name).file;
  afterAll(() => cleanup(fed));

  type Mutation = (dist: string) => void | string[];
  const edit = (rel: string, fn: (text: string) => string): Mutation => (d) => fs.writeFileSync(path.join(d, rel), fn(fs.readFileSync(path.join(d, rel), 'utf8')));
  const editPlan = (fn: (p: any) => void): Mutation => (d) => {
    const p = plan();
    fn(p);
    fs.writeFileSync(path.join(d, 'federation.json'), JSON.stringify(p));
  };
  const kubeconfig = (fn: (kc: any) => void): Mutation => (d) => {
    const kc = YAML.parse(fs.readFileSync(kubeconfigPath(), 'utf8'));
    fn(kc);
    fs.writeFileSync(path.join(d, 'kc'), YAML.stringify(kc));
    return ['--kubeconfig', path.join(d, 'kc')];
  };
  /** A file rewritten together with its fileDigest, as a hand edit of both would be: caught when the manifest is parsed. */
  const withFileDigest = (rel: string, fn: (text: string) => string): Mutation => (d) => {
    const text = fn(fs.readFileSync(path.join(d, rel), 'utf8'));
    fs.writeFileSync(path.join(d, rel), text);
    const p = plan();
    for (const c of p.clusters) for (const o of c.objects) if (o.file === rel) o.fileDigest = fileDigest(text);
    fs.writeFileSync(path.join(d, 'federation.json'), JSON.stringify(p));
  };
  /** local-1 authenticating as one of the pki helper's test users. */
  const asUser = (user: 'nobody' | 'expired'): Mutation => (d) => ['--kubeconfig', kubeconfigAs(CTX[0], user, d)];
  const files = [['Namespace', fed], ['ConfigMap', 'web-config'], ['Deployment', 'web'], ['Service', 'web']] as const;
  const cases: Array<[string, Mutation, RegExp]> = [];
  for (const [kind, name] of files) {
    for (const cluster of [0, 2]) {
      const rel = () => fileOf(kind, name, cluster);
      cases.push([`${kind} file of cluster ${cluster + 1} deleted`, (d) => fs.rmSync(path.join(d, rel())), /DIST_MISSING/]);
      cases.push([`${kind} file of cluster ${cluster + 1} truncated`, (d) => edit(rel(), (t) => t.slice(0, Math.floor(t.length / 2)))(d), /DIST_(INVALID|DIGEST_MISMATCH)/]);
      cases.push([`${kind} file of cluster ${cluster + 1} hand-edited`, (d) => edit(rel(), (t) => t.replace(/name: .*/, 'name: hijacked'))(d), /DIST_(DIGEST_MISMATCH|INVALID)/]);
    }
    // Any edit of a file is refused by its bytes first (fileDigest); the parse-time checks are reached only with fileDigest edited to match.
    cases.push([`${kind} file is bad YAML`, (d) => edit(fileOf(kind, name), () => 'kind: [unclosed\n')(d), /DIST_DIGEST_MISMATCH.*changed after synth/]);
    cases.push([`${kind} file holds two documents`, (d) => edit(fileOf(kind, name), (t) => `${t}---\n${t}`)(d), /DIST_DIGEST_MISMATCH.*changed after synth/]);
    // (after the lease is taken and the records read, before the cluster's first write; the parse error is the cluster's failure)
    cases.push([`${kind} file is bad YAML, its fileDigest edited to match`, withFileDigest(fileOf(kind, name), () => 'kind: [unclosed\n'), /local-1: failed — \S+\.yaml: is not valid YAML/]);
  }
  cases.push(
    ['federation.json missing', (d) => fs.rmSync(path.join(d, 'federation.json')), /DIST_MISSING/],
    ['federation.json truncated', (d) => edit('federation.json', (t) => t.slice(0, 100))(d), /DIST_INVALID.*not valid JSON/],
    ['federation.json empty', (d) => edit('federation.json', () => '')(d), /DIST_INVALID/],
    ['schemaVersion 3', editPlan((p) => { p.schemaVersion = 3; }), /DIST_SCHEMA_VERSION/],
    ['schemaVersion 1 (before fileDigest)', editPlan((p) => { p.schemaVersion = 1; }), /DIST_SCHEMA_VERSION.*schemaVersion 1; this cdkfed reads schemaVersion 2[\s\S]*run `cdkfed synth` again with this version/],
    ['schemaVersion 0', editPlan((p) => { p.schemaVersion = 0; }), /DIST_SCHEMA_VERSION/],
    ['schemaVersion missing', editPlan((p) => { delete p.schemaVersion; }), /DIST_SCHEMA_VERSION/],
    ['unknown top-level field', editPlan((p) => { p.extra = 1; }), /DIST_INVALID/],
    ['federation name not a DNS label', editPlan((p) => { p.federation = 'Not_A_Label'; }), /DIST_INVALID.*federation/],
    ['maxParallel 0', editPlan((p) => { p.waves[0].maxParallel = 0; }), /DIST_INVALID.*maxParallel/],
    ['negative healthTimeoutSeconds', editPlan((p) => { p.waves[1].healthTimeoutSeconds = -1; }), /DIST_INVALID.*healthTimeoutSeconds/],
    ['duplicate wave', editPlan((p) => { p.waves.push({ ...p.waves[0], clusters: [] }); }), /DIST_INVALID.*appears twice/],
    ['wave names an undescribed cluster', editPlan((p) => { p.waves[0].clusters.push('ghost'); }), /DIST_INVALID.*"ghost"/],
    ['cluster in no wave', editPlan((p) => { p.waves[2].clusters = []; }), /DIST_INVALID.*in no wave/],
    ['cluster missing its context', editPlan((p) => { delete p.clusters[0].context; }), /DIST_INVALID.*context/],
    ['role not a role', editPlan((p) => { p.clusters[1].role = 'boss'; }), /DIST_INVALID.*role/],
    ['malformed digest', editPlan((p) => { p.clusters[0].objects[0].digest = 'md5:abc'; }), /DIST_INVALID.*digest/],
    ['digest of another object', editPlan((p) => { p.clusters[0].objects[0].digest = p.clusters[0].objects[1].digest; }), /local-1: failed — \S+\.yaml: content does not match its digest in federation.json/], // found when parsed, before the cluster's first write
    ['file path outside dist', editPlan((p) => { p.clusters[0].objects[0].file = '../../etc/passwd'; }), /outside dist/],
    ['malformed ApplySet id', editPlan((p) => { p.applySet.id = 'mine'; }), /DIST_INVALID.*applySet/],
    ['residency edited', editPlan((p) => { p.clusters[0].objects.forEach((o: any) => { if (o.app === 'web') o.residency = 'mars'; }); }), /RESIDENCY_VIOLATION/],
    ['a manifest not listed', (d) => fs.writeFileSync(path.join(d, CTX[0], '99-extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n'), /not listed in federation.json/],
    ['an object over etcd\'s limit', (d) => {
      const p = plan();
      const entry = p.clusters[0].objects.find((o: any) => o.kind === 'ConfigMap');
      const obj = YAML.parse(fs.readFileSync(path.join(d, entry.file), 'utf8'));
      obj.data.BIG = 'x'.repeat(1_700_000);
      fs.writeFileSync(path.join(d, entry.file), YAML.stringify(obj));
      entry.digest = contentDigest(obj);
      entry.fileDigest = fileDigest(YAML.stringify(obj));
      fs.writeFileSync(path.join(d, 'federation.json'), JSON.stringify(p));
    }, /OBJECT_TOO_LARGE/],
    ['unknown wave on the command line', () => ['--wave', 'w9'], /UNKNOWN_WAVE/],
    ['unknown cluster on the command line', () => ['--cluster', 'nowhere'], /UNKNOWN_CLUSTER/],
    ['a wave and a cluster that do not meet', () => ['--wave', 'w1', '--cluster', CTX[1]], /EMPTY_SELECTION/],
    ['unknown cascade policy', () => ['--cascade', 'sideways'], /cascade/],
    ['unknown output format', () => ['--output', 'xml'], /output/],
    ['--dist that does not exist', () => ['--dist', '/nonexistent/dist'], /DIST_MISSING/],
    ['kubeconfig file missing', () => ['--kubeconfig', '/nonexistent/kubeconfig'], /KUBECONFIG_UNREADABLE/],
    ['kubeconfig is a directory', (d) => { fs.mkdirSync(path.join(d, 'kcdir')); return ['--kubeconfig', path.join(d, 'kcdir')]; }, /KUBECONFIG_UNREADABLE/],
    ['kubeconfig is not YAML', (d) => { fs.writeFileSync(path.join(d, 'kc'), 'clusters: [oops'); return ['--kubeconfig', path.join(d, 'kc')]; }, /KUBECONFIG_UNREADABLE/],
    ['context missing from the kubeconfig', kubeconfig((kc) => { kc.contexts = kc.contexts.filter((c: any) => c.name !== CTX[2]); }), /CONTEXT_MISSING.*local-3/],
    ['context naming a cluster without a server', kubeconfig((kc) => { kc.clusters.find((c: any) => c.name === kc.contexts.find((x: any) => x.name === CTX[0]).context.cluster).cluster.server = ''; }), /CONTEXT_MISSING|KUBECONFIG_UNREADABLE/],
    ['wrong CA: TLS fails, never falls back to insecure', kubeconfig((kc) => {
      const name = (ctx: string) => kc.contexts.find((x: any) => x.name === ctx).context.cluster;
      const c1 = kc.clusters.find((c: any) => c.name === name(CTX[0])).cluster;
      const other = kc.clusters.find((c: any) => c.name === name(CTX[1])).cluster;
      if (c1['certificate-authority-data'] === other['certificate-authority-data']) throw new Error('local clusters share a CA: this case needs distinct CAs');
      c1['certificate-authority-data'] = other['certificate-authority-data'];
    }), /wave w1 not started: local-1: cluster local-1 .*: TLS verification failed: UNABLE_TO_VERIFY_LEAF_SIGNATURE/],
    ['wrong client certificate (another cluster\'s)', kubeconfig((kc) => {
      const user = (ctx: string) => kc.users.find((u: any) => u.name === kc.contexts.find((x: any) => x.name === ctx).context.user).user;
      const u1 = user(CTX[0]);
      const u2 = user(CTX[1]);
      u1['client-certificate-data'] = u2['client-certificate-data'];
      u1['client-key-data'] = u2['client-key-data'];
    }), /wave w1 not started: local-1: .*(Unauthorized|401|certificate)/i],
    ['an expired client certificate', asUser('expired'), /CLIENT_CERT_EXPIRED.*cluster local-1: the client certificate of user "local-1-admin" .* expired on \d{4}-/],
    ['a user the cluster grants nothing (403 is not retried)', asUser('nobody'), /wave w1 not started: local-1: Forbidden \(HTTP 403\): .*User "localk8s-nobody" cannot/],
  );

  test('the table holds at least 50 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  test.each(cases.map(([name, m, re], i) => [i + 1, name, m, re] as const))('%i: %s', async (_i, _name, mutate, expected) => {
    const d = tmpDist();
    fs.cpSync(pristine, d, { recursive: true });
    const extra = mutate(d) ?? [];
    const distArgs = extra.includes('--dist') ? [] : ['--dist', d];
    const r = await cdkfed(['deploy', ...distArgs, '--yes', ...extra]);
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).toMatch(expected);
    expect(r.stderr).not.toMatch(/\n\s+at [\w.<]+ \(/); // no stack trace
    for (const ctx of CTX) {
      expect(await clients(ctx).core.readNamespace({ name: fed }).catch(() => undefined)).toBeUndefined();
      expect(await revisions(ctx, fed)).toEqual([]);
    }
  });
});

describe('a failed gate at every wave position: exactly the previous revision restored where touched, later waves untouched', () => {
  test.each([[1, 0], [2, 1], [3, 2]])('failing in wave w%i', async (_wave, pos) => {
    const fed = uniqueFederation(`gate${pos}`);
    try {
      const dist = synthFleet(tmpDist(), { name: fed, webTag: '1.0.0' });
      expect((await cdkfed(['deploy', '--dist', dist, '--yes'])).code).toBe(0);
      const before = await assertFleetConsistent(fed);
      synthFleet(dist, { name: fed, webTag: '2.0.0', failOn: [CTX[pos]], healthTimeoutSeconds: 6 });
      const r = await cdkfed(['deploy', '--dist', dist, '--yes', '--output', 'json']);
      expect(r.code).toBe(1);
      const report = json(r.stdout);
      expect(report.waves[pos].clusters[0].failure.object).toBe(`Deployment ${fed}/web`);
      const after = await assertFleetConsistent(fed);
      for (let i = 0; i < CTX.length; i++) {
        expect(await image(CTX[i], fed)).toBe('registry.example/web:1.0.0');
        // touched clusters hold a new revision with the previous digest; untouched ones their old revision
        expect(after[i].digest).toBe(before[i].digest);
        expect(after[i].revision).toBe(i <= pos ? before[i].revision! + 2 : before[i].revision);
        expect(report.waves[i].clusters[0].outcome).toBe(i <= pos ? 'rolled-back' : 'not-started');
      }
    } finally {
      await cleanup(fed);
    }
  });
});

test('a rollback whose own apply fails: reported as rollback-failed with the reason, the revision recorded failed, and the next run restores the cluster', async () => {
  const fed = uniqueFederation('rbfail');
  const policy = `deny-${fed}`;
  const admission = (await import('../support/integration/k8s')).k8s;
  const kc = clients(CTX[1]).kc;
  const vap = kc.makeApiClient(admission.AdmissionregistrationV1Api);
  try {
    const dist = synthFleet(tmpDist(), { name: fed, withApi: false, webTag: '1.0.0', config: 'a' });
    expect((await cdkfed(['deploy', '--dist', dist, '--yes'])).code).toBe(0);
    // In local-2 an admission policy now refuses web's config as revision 1 has it (MODE=a): the rollback cannot re-apply it.
    await vap.createValidatingAdmissionPolicy({ body: {
      metadata: { name: policy },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['configmaps'] }] },
        validations: [{ expression: "!has(object.data) || !('MODE' in object.data) || object.data.MODE != 'a'", message: 'MODE=a is frozen by policy' }],
      },
    } });
    await vap.createValidatingAdmissionPolicyBinding({ body: {
      metadata: { name: policy },
      spec: { policyName: policy, validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': fed } } } },
    } });
    // The policy takes effect (and later goes) once the API server has seen it: a dry run tells.
    const refused = () => clients(CTX[1]).objects.patch({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'probe', namespace: fed }, data: { MODE: 'a' } } as any,
      undefined, 'All', 'probe', true, admission.PatchStrategy.ServerSideApply).then(() => false, (e) => String(e?.body ?? e).includes('frozen by policy'));
    await waitUntil('the admission policy to take effect', 30_000, async () => ((await refused()) ? true : undefined));

    synthFleet(dist, { name: fed, withApi: false, webTag: '2.0.0', config: 'b', failOn: [CTX[1]], healthTimeoutSeconds: 6 });
    const r = await cdkfed(['deploy', '--dist', dist, '--yes', '--output', 'json']);
    expect(r.code).toBe(1);
    const [w1, w2, w3] = json(r.stdout).waves;
    expect(w1.clusters[0].outcome).toBe('rolled-back');
    expect(w2.clusters[0].outcome).toBe('rollback-failed');
    expect(w2.clusters[0].rollback.message).toMatch(new RegExp(`^rollback failed: re-applying revision 1: ConfigMap ${fed}/web-config: .*MODE=a is frozen by policy`));
    expect(w3.clusters[0].outcome).toBe('not-started');
    const recs = await revisions(CTX[1], fed);
    expect(recs.map((x) => [x.revision, x.status])).toEqual([[1, 'deployed'], [2, 'failed']]);
    expect(recs[1].reason).toMatch(/; rollback failed: re-applying revision 1: .*frozen by policy/);
    expect(await assertFleetConsistent(fed, [CTX[0], CTX[2]])).toHaveLength(2); // the others are in a known state

    // The policy lifted, the next run of revision 1's source restores local-2 under a new revision.
    await vap.deleteValidatingAdmissionPolicyBinding({ name: policy });
    await vap.deleteValidatingAdmissionPolicy({ name: policy });
    synthFleet(dist, { name: fed, withApi: false, webTag: '1.0.0', config: 'a' });
    await waitUntil('the admission policy to be gone', 30_000, async () => ((await refused()) ? undefined : true));
    const again = await cdkfed(['deploy', '--dist', dist, '--yes', '--output', 'json']);
    expect(again.code).toBe(0);
    expect(json(again.stdout).waves.map((w: any) => w.clusters[0].outcome)).toEqual(['up-to-date', 'deployed', 'up-to-date']);
    expect((await assertFleetConsistent(fed)).map((x) => x.revision)).toEqual([3, 3, 1]);
  } finally {
    await vap.deleteValidatingAdmissionPolicyBinding({ name: policy }).catch(() => undefined);
    await vap.deleteValidatingAdmissionPolicy({ name: policy }).catch(() => undefined);
    await cleanup(fed);
  }
}, 180_000);

test('secrets: every command and output format, with a Secret in the cluster and a secret env reference: the value appears in no byte printed or written', async () => {
  const fed = uniqueFederation('secret');
  const value = 'hunter2-VERY-secret-9f8e7d';
  const b64 = Buffer.from(value).toString('base64');
  try {
    const dist = synthFleet(tmpDist(), { name: fed, webEnv: { DB_PASSWORD: { secretKeyRef: { name: 'db', key: 'password' } } } });
    const outputs: string[] = [];
    const run = async (args: string[]) => {
      const r = await cdkfed(args);
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    expect((await run(['deploy', '--dist', dist, '--yes', '--output', 'json'])).code).toBe(0);
    // The Secret exists only in the cluster (with our ApplySet label; its kind is not in the set's group-kinds, so prune never lists it).
    const partOf = JSON.parse(fs.readFileSync(path.join(dist, 'federation.json'), 'utf8')).applySet.id;
    for (const ctx of CTX) {
      await clients(ctx).core.createNamespacedSecret({ namespace: fed, body: { metadata: { name: 'db', labels: { 'applyset.kubernetes.io/part-of': partOf } }, stringData: { password: value } } });
    }
    synthFleet(dist, { name: fed, webTag: '1.0.1', webEnv: { DB_PASSWORD: { secretKeyRef: { name: 'db', key: 'password' } } } });
    for (const o of ['text', 'markdown', 'json']) await run(['plan', '--dist', dist, '--output', o]);
    for (const o of ['text', 'markdown', 'json']) await run(['drift', '--dist', dist, '--output', o]);
    await run(['deploy', '--dist', dist, '--yes', '--no-prune']);
    await run(['deploy', '--dist', dist, '--yes', '--output', 'json']);
    const written = [...fs.readdirSync(dist, { recursive: true }) as string[]].filter((f) => fs.statSync(path.join(dist, f)).isFile()).map((f) => fs.readFileSync(path.join(dist, f), 'utf8'));
    const records = (await Promise.all(CTX.map((c) => revisions(c, fed)))).map((r) => JSON.stringify(r));
    const everything = [...outputs, ...written, ...records].join('\n');
    expect(everything).toContain('registry.example/web:1.0.1'); // the commands did run and report
    expect(everything).not.toContain(value);
    expect(everything).not.toContain(b64);
  } finally {
    await cleanup(fed);
  }
});

test('a namespace we created that now holds objects that are not ours: plan flags it, prune keeps it, hands it over and says why', async () => {
  const fed = uniqueFederation('nsfor');
  const extra = `${fed}-x`;
  try {
    const withNs = { name: fed, withApi: false, resources: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: extra } }] };
    const dist = synthFleet(tmpDist(), withNs);
    expect((await cdkfed(['deploy', '--dist', dist, '--yes'])).code).toBe(0);
    await clients(CTX[0]).core.createNamespacedConfigMap({ namespace: extra, body: { metadata: { name: 'theirs' }, data: { k: 'v' } } });
    synthFleet(dist, { name: fed, withApi: false });
    const plan = await cdkfed(['plan', '--dist', dist, '--output', 'markdown']);
    expect(plan.stdout).toContain(`⚠ **local-1**: \`Namespace ${extra}\` is kept and handed over, not deleted: it holds **1 object(s) that are not ours**: \`ConfigMap theirs\``);
    const r = await cdkfed(['deploy', '--dist', dist, '--yes', '--output', 'json']);
    expect(r.code).toBe(0);
    const pruned = json(r.stdout).waves[0].clusters[0].pruned.entries;
    expect(pruned).toEqual([{ ref: { group: '', kind: 'Namespace', name: extra }, action: 'released',
      message: 'kept and handed over: holds 1 object(s) that are not ours (ConfigMap theirs); our labels were removed, so it is no longer part of this federation' }]);
    expect((await clients(CTX[0]).core.readNamespacedConfigMap({ name: 'theirs', namespace: extra })).data).toEqual({ k: 'v' });
    // where it held nothing foreign, the namespace was pruned
    const ns2 = await clients(CTX[1]).core.readNamespace({ name: extra }).catch(() => undefined);
    expect(ns2 === undefined || !!ns2.metadata?.deletionTimestamp).toBe(true);
  } finally {
    await cleanup(fed);
    await Promise.all(CTX.map((c) => clients(c).core.deleteNamespace({ name: extra }).catch(() => undefined)));
  }
});

test('deploy stopped by SIGTERM mid-wave (a cancelled pipeline job): it frees its leases and exits 1; the next run resumes without --break-lock', async () => {
  const fed = uniqueFederation('term');
  try {
    const dist = synthFleet(tmpDist(), { name: fed, withApi: false, webTag: '1.0.0' });
    expect((await cdkfed(['deploy', '--dist', dist, '--yes'])).code).toBe(0);
    synthFleet(dist, { name: fed, withApi: false, webTag: '2.0.0' });
    const stopped = await cdkfed(['deploy', '--dist', dist, '--yes'], { killWhen: (err) => err.includes(`${CTX[1]}: applying`), signal: 'SIGTERM' });
    expect([stopped.code, stopped.signal]).toEqual([1, null]);
    expect(stopped.stderr).toMatch(/SIGTERM: deploy stopped; freeing its lease in 2 cluster\(s\)\. Revisions being applied stay pending/);
    expect((await revisions(CTX[1], fed)).pop().status).toBe('pending');
    const again = await cdkfed(['deploy', '--dist', dist, '--yes', '--output', 'json']); // no --break-lock
    expect(again.code).toBe(0);
    expect((await assertFleetConsistent(fed)).map((x) => x.revision)).toEqual([2, 2, 2]); // local-2 resumed revision 2
    for (const ctx of CTX) expect(await image(ctx, fed)).toBe('registry.example/web:2.0.0');
  } finally {
    await cleanup(fed);
  }
}, 120_000);

describe('SIGKILL at seeded points of a 3-wave deploy, then deploy again', () => {
  const seed = Number(process.env.CDKFED_FAULT_SEED ?? 7);
  const kills = Number(process.env.CDKFED_FAULT_KILLS ?? 6);
  const fed = uniqueFederation('kill');
  const dist = tmpDist();
  afterAll(() => cleanup(fed));

  test(`${kills} kill points (seed ${seed}; CDKFED_FAULT_KILLS=20 for the full set): each rerun converges to the target in wave order, nothing orphaned`, async () => {
    synthFleet(dist, { name: fed, webTag: 'v0', bakeSeconds: 1 });
    const t0 = Date.now();
    expect((await cdkfed(['deploy', '--dist', dist, '--yes'])).code).toBe(0);
    const duration = Date.now() - t0;
    const rnd = prng(seed);
    for (let k = 1; k <= kills; k++) {
      const tag = `v${k}`;
      synthFleet(dist, { name: fed, webTag: tag, bakeSeconds: 1 });
      const at = Math.round(duration * (0.1 + 0.8 * ((k - 1 + rnd()) / kills)));
      const killed = await cdkfed(['deploy', '--dist', dist, '--yes'], { killAfterMs: at });
      const context = `kill ${k} at ${at} ms of ~${duration} ms (seed ${seed})`;
      const resumed = await cdkfed(['deploy', '--dist', dist, '--yes', '--break-lock', '--output', 'json']);
      if (resumed.code !== 0) throw new Error(`${context}: rerun exited ${resumed.code}: ${resumed.stderr}\n${resumed.stdout}`);
      void killed;
      const states = await assertFleetConsistent(fed).catch((e) => { throw new Error(`${context}: ${e.message}`); });
      for (const ctx of CTX) expect([ctx, await image(ctx, fed)]).toEqual([ctx, `registry.example/web:${tag}`]);
      // wave order: each cluster's revision in force started after the previous wave's was recorded
      const recs = await Promise.all(CTX.map(async (c) => (await revisions(c, fed)).find((x) => x.revision === states[CTX.indexOf(c)].revision)));
      for (let i = 1; i < recs.length; i++) expect(Date.parse(recs[i].started)).toBeGreaterThanOrEqual(Date.parse(recs[i - 1].updated) - 1);
    }
  }, 600_000);
});
