/**
 * cdkfed plan and cdkfed drift against 3 real local clusters (local-1..3, waves w1..w3).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { cdkfed, cleanup, resourceVersions, synthFleet, tmpDist, uniqueFederation } from '../support/integration/fleet';
import { clients, contexts, k8s, kubeconfigPath } from '../support/integration/k8s';

const CTX = contexts();
const json = (s: string) => JSON.parse(s);

describe('cdkfed plan', () => {
  const fed = uniqueFederation('plan');
  const dist = tmpDist();
  afterAll(() => cleanup(fed));

  test('before the first deploy every object is a create (exit 2 with --detailed-exitcode, 0 without); nothing is written', async () => {
    synthFleet(dist, { name: fed });
    const r = await cdkfed(['plan', '--dist', dist, '--detailed-exitcode', '--output', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    const plan = json(r.stdout);
    for (const c of plan.clusters) {
      expect(c.counts).toEqual({ create: 5, update: 0, delete: 0, unchanged: 0, error: 0 });
    }
    expect((await cdkfed(['plan', '--dist', dist])).code).toBe(0);
    for (const ctx of CTX) expect(await clients(ctx).core.readNamespace({ name: fed }).catch(() => undefined)).toBeUndefined();
  });

  test('after deploy: no changes, exit 0; the markdown comment is identical on two runs', async () => {
    expect((await cdkfed(['deploy', '--dist', dist, '--yes'])).code).toBe(0);
    const r = await cdkfed(['plan', '--dist', dist, '--detailed-exitcode', '--output', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/```mermaid\nflowchart LR\n {2}subgraph W_w1\["wave w1 · max 1 at once"\]\n {4}C_local_1\["local-1<br\/>\+0 ~0 -0"\]/);
    expect(r.stdout).toMatch(/\| w1 \| local-1 \| 0 \| 0 \| 0 \| 5 \|/);
    const again = await cdkfed(['plan', '--dist', dist, '--detailed-exitcode', '--output', 'markdown']);
    expect(again.stdout).toBe(r.stdout);
  });

  test('an image and a config value changed, an app removed: exactly those updates, field by field, and the deletes; nothing written', async () => {
    const before = await resourceVersions(fed);
    synthFleet(dist, { name: fed, webTag: '9.9.9', config: 'b', withApi: false });
    const r = await cdkfed(['plan', '--dist', dist, '--detailed-exitcode', '--output', 'json']);
    expect(r.code).toBe(2);
    const c1 = json(r.stdout).clusters.find((c: any) => c.cluster === CTX[0]);
    const changed = c1.objects.filter((o: any) => o.action !== 'unchanged').map((o: any) => [o.action, `${o.ref.kind}/${o.ref.name}`, o.fields ?? []]);
    expect(changed).toEqual(expect.arrayContaining([
      ['update', 'ConfigMap/web-config', ['.data.MODE']],
      ['delete', 'Deployment/api', []],
    ]));
    const web = c1.objects.find((o: any) => o.ref.kind === 'Deployment' && o.ref.name === 'web');
    expect(web.action).toBe('update');
    expect(web.fields).toContain('.spec.template.spec.containers[name=web].image');
    expect(web.diff).toMatch(/-\s+image: registry.example\/web:1.0.0\n\+\s+image: registry.example\/web:9.9.9/);
    expect(c1.counts.delete).toBe(1);
    const md = await cdkfed(['plan', '--dist', dist, '--output', 'markdown']);
    expect(md.stdout).toMatch(/### ⚠ Deletions \(prune\)\n\n- \*\*local-1\*\*: Deployment .*\/api/);
    expect(await resourceVersions(fed)).toEqual(before);
  });

  test('secret values never appear: a literal env value under a credential name is masked in every format', async () => {
    const secret = 'hunter2-s3cr3t-value';
    const d = synthFleet(tmpDist(), { name: fed, webTag: '9.9.9', config: 'b', withApi: false, webEnv: { DB_PASSWORD: secret } });
    const outputs = await Promise.all(['text', 'markdown', 'json'].map((o) => cdkfed(['plan', '--dist', d, '--output', o])));
    for (const o of outputs) {
      expect(o.stdout + o.stderr).not.toContain(secret);
      expect(o.stdout).toContain('*** (changed)');
    }
  });

  test('a cluster that cannot be reached is reported in its row; the others are still planned; exit 1', async () => {
    const kc = YAML.parse(fs.readFileSync(kubeconfigPath(), 'utf8'));
    const name = kc.contexts.find((c: any) => c.name === CTX[1]).context.cluster;
    kc.clusters.find((c: any) => c.name === name).cluster.server = 'https://127.0.0.1:1';
    const file = path.join(tmpDist(), 'kubeconfig');
    fs.writeFileSync(file, YAML.stringify(kc));
    const r = await cdkfed(['plan', '--dist', dist, '--kubeconfig', file, '--output', 'json']);
    expect(r.code).toBe(1);
    const rows = json(r.stdout).clusters;
    expect(rows.find((c: any) => c.cluster === CTX[1]).error).toMatch(/unreachable: ECONNREFUSED/);
    expect(rows.filter((c: any) => !c.error).map((c: any) => c.cluster)).toEqual([CTX[0], CTX[2]]);
  });
});

describe('cdkfed drift', () => {
  const fed = uniqueFederation('drift');
  const dist = tmpDist();
  afterAll(() => cleanup(fed));

  test('another manager edits an image in one cluster, a ConfigMap is deleted in another, an HPA-scaled Deployment is scaled in the third: the first two reported field by field, exit 2; --correct restores; then exit 0', async () => {
    synthFleet(dist, { name: fed, webAutoscaling: true });
    expect((await cdkfed(['deploy', '--dist', dist, '--yes'])).code).toBe(0);
    expect((await cdkfed(['drift', '--dist', dist])).code).toBe(0);

    await clients(CTX[0]).objects.patch({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: fed },
      spec: { template: { spec: { containers: [{ name: 'web', image: 'registry.example/web:hotfix' }] } } } } as any,
    undefined, undefined, 'kubectl-edit', true, k8s.PatchStrategy.ServerSideApply);
    await clients(CTX[1]).core.deleteNamespacedConfigMap({ name: 'web-config', namespace: fed });
    await clients(CTX[2]).apps.patchNamespacedDeploymentScale({ name: 'web', namespace: fed, body: { spec: { replicas: 5 } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));

    const r = await cdkfed(['drift', '--dist', dist, '--output', 'json']);
    expect(r.code).toBe(2);
    const rows = json(r.stdout).clusters;
    const c1 = rows.find((c: any) => c.cluster === CTX[0]);
    expect(c1.objects).toEqual([{
      ref: { group: 'apps', kind: 'Deployment', namespace: fed, name: 'web' }, drift: 'modified',
      fields: [{ path: '.spec.template.spec.containers[name=web].image', desired: 'registry.example/web:1.0.0', live: 'registry.example/web:hotfix', manager: 'kubectl-edit' }],
    }]);
    expect(rows.find((c: any) => c.cluster === CTX[1]).objects).toEqual([{ ref: { group: '', kind: 'ConfigMap', namespace: fed, name: 'web-config' }, drift: 'deleted' }]);
    expect(rows.find((c: any) => c.cluster === CTX[2]).objects).toEqual([]);
    const text = await cdkfed(['drift', '--dist', dist]);
    expect(text.stdout).toMatch(/\.spec\.template\.spec\.containers\[name=web\]\.image: desired registry.example\/web:1.0.0, live registry.example\/web:hotfix \(owned by "kubectl-edit"\)/);

    const fixed = await cdkfed(['drift', '--dist', dist, '--correct', '--output', 'json']);
    expect(fixed.code).toBe(0);
    expect(json(fixed.stdout).clusters.flatMap((c: any) => c.objects.map((o: any) => o.corrected))).toEqual([true, true]);
    expect((await cdkfed(['drift', '--dist', dist])).code).toBe(0);
    const dep = await clients(CTX[0]).apps.readNamespacedDeployment({ name: 'web', namespace: fed });
    expect(dep.spec?.template?.spec?.containers?.[0]?.image).toBe('registry.example/web:1.0.0');
  });

  test('a cluster whose revision in force is not the one in dist/ is a pending deploy, not drift', async () => {
    const d = synthFleet(tmpDist(), { name: fed, webAutoscaling: true, webTag: '2.0.0' });
    const r = await cdkfed(['drift', '--dist', d]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/deploy pending, not drift\): no drift/);
  });

  test('a user ignore rule from federation.json: the ignored field is listed, not counted, in the clusters it names', async () => {
    const d = synthFleet(tmpDist(), { name: fed, webAutoscaling: true, webIgnore: [{ kind: 'Deployment', jsonPointers: ['/spec/template/spec/containers/web/image'], clusters: [CTX[0]], reason: 'pinned by on-call' }] });
    expect((await cdkfed(['deploy', '--dist', d, '--yes'])).code).toBe(0);
    for (const ctx of [CTX[0], CTX[1]]) {
      await clients(ctx).objects.patch({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: fed },
        spec: { template: { spec: { containers: [{ name: 'web', image: 'registry.example/web:pinned' }] } } } } as any,
      undefined, undefined, 'on-call', true, k8s.PatchStrategy.ServerSideApply);
    }
    const r = await cdkfed(['drift', '--dist', d]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(new RegExp(`cluster local-1 .*: no drift\\n  \\(ignored: Deployment ${fed}/web .spec.template.spec.containers\\[name=web\\].image \\(pinned by on-call\\)\\)`));
    expect(r.stdout).toMatch(/cluster local-2 .*: 1 object\(s\) drifted/);
  });
});
