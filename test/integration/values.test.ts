/**
 * Issue 15 on 3 real local clusters, with the CLI as a process:
 * - drift and plan compare values, not spellings (quantities the server canonicalizes, empty
 *   values it drops): no false drift and no "update" in plan after a clean deploy;
 * - a LoadBalancer Service is healthy once it has a clusterIP (kstatus), so a deploy to clusters
 *   without a load-balancer controller succeeds;
 * - plan and drift markdown cannot be broken by content holding runs of backticks.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { fences } from '../support/markdown';
import { cdkfed, cleanup, synthFleet, tmpDist, uniqueFederation } from '../support/integration/fleet';
import { clients, contexts, k8s } from '../support/integration/k8s';

const CTX = contexts();
const json = (s: string) => JSON.parse(s);
/** Every drifted field of every cluster, as `cluster Kind/name path: desired → live`, for a readable failure. */
const driftedFields = (report: any) => report.clusters.flatMap((c: any) => [
  ...(c.error ? [`${c.cluster}: error ${c.error}`] : []),
  ...c.objects.flatMap((o: any) => (o.fields ?? [{ path: `(${o.drift})` }]).map((f: any) => `${c.cluster} ${o.ref.kind}/${o.ref.name} ${f.path}: ${JSON.stringify(f.desired)} → ${JSON.stringify(f.live)}`)),
]);
/** Lines of a markdown document that lie outside every fenced code block. */
const outsideFences = (md: string) => {
  const f = fences(md);
  return md.split(/\r\n|\r|\n/).filter((_, n) => !f.some((x) => n >= x.open && (x.close === undefined || n <= x.close)));
};

describe('drift and plan compare values, not spellings', () => {
  const fed = uniqueFederation('values');
  const dist = tmpDist();
  afterAll(() => cleanup(fed));

  // Spellings the API server rewrites (0.5 → 500m, 1024Mi → 1Gi, 1 → "1", 0.5Ti → 512Gi; 2e9 and
  // 1e3 are canonical already and kept) and empty values it drops (annotations: {},
  // nodeSelector: {}, args: [], value: "").
  const resources = [
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'sized', namespace: fed },
      spec: {
        replicas: 1, selector: { matchLabels: { app: 'sized' } },
        template: {
          metadata: { labels: { app: 'sized' }, annotations: {} },
          spec: {
            nodeSelector: {},
            containers: [{
              name: 'main', image: 'registry.example/sized:1.0.0', args: [], env: [{ name: 'EMPTY', value: '' }, { name: 'MODE', value: 'a' }],
              resources: { requests: { cpu: '0.5', memory: '1024Mi' }, limits: { cpu: 1, memory: '2e9' } },
            }],
          },
        },
      },
    },
    // on claims only, so pods are not held back until the quota controller has computed usage
    { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'quota', namespace: fed }, spec: { hard: { 'persistentvolumeclaims': '1e3', 'requests.storage': '1024Mi' } } },
    { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'claims', namespace: fed }, spec: { limits: [{ type: 'PersistentVolumeClaim', max: { storage: '0.5Ti' } }] } },
  ];

  test('after a clean deploy: drift finds nothing (exit 0), plan has no update (exit 0 with --detailed-exitcode)', async () => {
    synthFleet(dist, { name: fed, withApi: false, resources });
    const deploy = await cdkfed(['deploy', '--dist', dist, '--yes']);
    expect({ code: deploy.code, stderr: deploy.code === 0 ? '' : deploy.stderr }).toEqual({ code: 0, stderr: '' });
    // the server did rewrite the spellings, so the case is real (2e9 is already canonical: kept)
    const live = await clients(CTX[0]).apps.readNamespacedDeployment({ name: 'sized', namespace: fed });
    expect(JSON.parse(JSON.stringify(live.spec!.template.spec!.containers[0].resources))).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2e9' } });

    const drift = await cdkfed(['drift', '--dist', dist, '--output', 'json']);
    expect(driftedFields(json(drift.stdout))).toEqual([]);
    expect(drift.code).toBe(0);

    const plan = await cdkfed(['plan', '--dist', dist, '--detailed-exitcode', '--output', 'json']);
    const changes = json(plan.stdout).clusters.flatMap((c: any) => c.objects.filter((o: any) => o.action !== 'unchanged').map((o: any) => `${c.cluster} ${o.action} ${o.ref.kind}/${o.ref.name} ${(o.fields ?? []).join(', ')}`));
    expect(changes).toEqual([]);
    expect(plan.code).toBe(0);
  });

  test('a quantity changed behind our back is still drift, shown field by field with its manager', async () => {
    await clients(CTX[0]).objects.patch({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'sized', namespace: fed },
      spec: { template: { spec: { containers: [{ name: 'main', resources: { requests: { cpu: '750m' } } }] } } } } as any,
    undefined, undefined, 'kubectl-edit', true, k8s.PatchStrategy.ServerSideApply);
    const r = await cdkfed(['drift', '--dist', dist, '--output', 'json']);
    expect(r.code).toBe(2);
    const rows = json(r.stdout).clusters;
    expect(rows.find((c: any) => c.cluster === CTX[0]).objects).toEqual([{
      ref: { group: 'apps', kind: 'Deployment', namespace: fed, name: 'sized' }, drift: 'modified',
      fields: [{ path: '.spec.template.spec.containers[name=main].resources.requests.cpu', desired: '0.5', live: '750m', manager: 'kubectl-edit' }],
    }]);
    expect(rows.filter((c: any) => c.cluster !== CTX[0]).flatMap((c: any) => c.objects)).toEqual([]);
  });
});

describe('health follows kstatus: a LoadBalancer Service', () => {
  const fed = uniqueFederation('lb');
  const dist = tmpDist();
  afterAll(() => cleanup(fed));

  test('is Current once it has a clusterIP: a deploy to clusters without a load-balancer controller succeeds', async () => {
    synthFleet(dist, {
      name: fed, withApi: false, healthTimeoutSeconds: 20,
      resources: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'public', namespace: fed }, spec: { type: 'LoadBalancer', selector: { app: 'public' }, ports: [{ port: 80, targetPort: 8080 }] } }],
    });
    const deploy = await cdkfed(['deploy', '--dist', dist, '--yes']);
    expect({ code: deploy.code, stderr: deploy.code === 0 ? '' : deploy.stderr }).toEqual({ code: 0, stderr: '' });
    for (const ctx of CTX) {
      const svc = await clients(ctx).core.readNamespacedService({ name: 'public', namespace: fed });
      // a clusterIP, and no ingress address: nothing here assigns one
      expect([ctx, svc.spec!.type, /^10\.96\./.test(svc.spec!.clusterIP ?? ''), svc.status?.loadBalancer?.ingress ?? []]).toEqual([ctx, 'LoadBalancer', true, []]);
    }
  });
});

describe('plan and drift markdown cannot be broken by content', () => {
  const fed = uniqueFederation('md');
  const dist = tmpDist();
  const priorityClass = `${fed}-batch`;
  afterAll(async () => {
    await cleanup(fed);
    await Promise.all(CTX.map((ctx) => clients(ctx).objects.delete({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: priorityClass } } as any).catch(() => undefined)));
  });
  const resources = (version: string) => [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'notes', namespace: fed }, data: { SNIPPET: `\`\`\`sh\necho ${version}\n\`\`\``, INLINE: `a \`\`\` b ${version}` } },
    // a top-level multi-line string: its lines sit 2 spaces deep in the YAML diff, so a line of
    // backticks there is a closing fence unless the fence is longer
    { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: priorityClass }, value: 1000, description: `runbook:\n\`\`\`\nkubectl get pods\n\`\`\`\n${version}` },
  ];

  test('plan --output markdown: every diff stays inside its fence; the report around it is intact', async () => {
    synthFleet(dist, { name: fed, withApi: false, resources: resources('v1') });
    const deploy = await cdkfed(['deploy', '--dist', dist, '--yes']);
    expect({ code: deploy.code, stderr: deploy.code === 0 ? '' : deploy.stderr }).toEqual({ code: 0, stderr: '' });
    const next = synthFleet(tmpDist(), { name: fed, withApi: false, resources: resources('v2') });
    const r = await cdkfed(['plan', '--dist', next, '--detailed-exitcode', '--output', 'markdown']);
    expect(r.code).toBe(2);
    const f = fences(r.stdout);
    expect(f.map((x) => [x.info, x.closed])).toEqual([['mermaid', true], ...CTX.flatMap(() => [['diff', true], ['diff', true]])]);
    const diffs = f.filter((x) => x.info === 'diff').map((x) => x.body);
    expect(diffs.filter((d) => d.includes('-    echo v1\n+    echo v2\n'))).toHaveLength(CTX.length);
    expect(diffs.filter((d) => d.includes('\n   ```\n   kubectl get pods\n   ```\n-  v1\n+  v2'))).toHaveLength(CTX.length);
    // outside the fences: the headings, one object line per change and </details> per cluster, no stray diff line
    const outside = outsideFences(r.stdout);
    expect(outside.filter((l) => l === '</details>')).toHaveLength(CTX.length);
    expect(outside.filter((l) => /^[-+@ ]/.test(l) && !l.startsWith('- ') && l.trim() !== '')).toEqual([]);
    expect(outside.filter((l) => /^\*\*~ /.test(l))).toHaveLength(2 * CTX.length);
  });

  test('drift --output markdown: a live value holding a line of backticks stays inside the fence', async () => {
    await clients(CTX[0]).objects.patch({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'notes', namespace: fed }, data: { SNIPPET: 'edited\n```\nby hand' } } as any,
      undefined, undefined, 'kubectl-edit', true, k8s.PatchStrategy.ServerSideApply);
    const r = await cdkfed(['drift', '--dist', dist, '--output', 'markdown']);
    expect(r.code).toBe(2);
    const f = fences(r.stdout);
    expect(f.map((x) => x.closed)).toEqual([true]);
    expect(f[0].body).toBe(`~ ConfigMap ${fed}/notes: modified\n    .data.SNIPPET: desired \`\`\`sh\necho v1\n\`\`\`, live edited\n\`\`\`\nby hand (owned by "kubectl-edit")`);
    expect(outsideFences(r.stdout).slice(-2)).toEqual(['</details>', '']);
  });
});
