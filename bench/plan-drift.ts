/**
 * plan (of the fleet as deployed, and with one image changed), drift and a no-op deploy over
 * N local clusters × ~200 objects (a Deployment, ConfigMaps, their Namespace) against the floor measured
 * in the same run: one LIST per (cluster, kind) with the ApplySet label, all clusters in
 * parallel, as a process of its own (so Node and client-node start-up count on both sides).
 * The no-op deploy's report also gives the requests it made per cluster. Ratios are given two
 * ways: median over median, and the median of each run's ratio to that run's floor.
 *
 *   npx tsx bench/plan-drift.ts [clusters=6] [objects=200] [runs=3]
 *
 * CDKFED_BENCH_KEEP=1 leaves the fleet deployed and prints its two dist/ folders (for profiling).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClusterRegistry, FederatedResource, Federation, FederationApp } from '../lib';
import { ClusterClient } from '../lib/cluster/client';
import { SYSTEM_NAMESPACE } from '../lib/kube/ownership';
import { kubeconfigPath, REPO_ROOT, up } from '../test/localk8s/localk8s';

const [clusters, objects, runs] = [Number(process.argv[2] ?? 6), Number(process.argv[3] ?? 200), Number(process.argv[4] ?? 3)];
const kc = kubeconfigPath();
const FED = 'benchpd';

function time(cmd: string[], env: Record<string, string> = {}): number {
  const t0 = process.hrtime.bigint();
  try {
    execFileSync(process.execPath, cmd, { cwd: REPO_ROOT, stdio: 'ignore', env: { ...process.env, ...env } });
  } catch (e) {
    if ((e as { status?: number }).status !== 0 && (e as { status?: number }).status !== 2) throw e;
  }
  return Number(process.hrtime.bigint() - t0) / 1e9;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function main(): Promise<void> {
  await up(clusters);
  const names = Array.from({ length: clusters }, (_, i) => `local-${i + 1}`);
  // The fleet: a Namespace, one Deployment and ConfigMaps; `changed` is the same fleet with the Deployment's image changed (a typical pull request).
  const synth = (image: string) => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkfed-benchpd-'));
    const app = new FederationApp({ outdir: dist, terraformOutdir: false });
    const fed = new Federation(app, FED, {
      registry: ClusterRegistry.fromClusters(names.map((n) => ({ name: n, region: n, provider: 'local', jurisdiction: 'local', context: n, kubeconfig: kc }))),
      rollout: { waves: [{ name: 'all', selector: {}, maxParallel: clusters }] },
    });
    new FederatedResource(fed, 'web', { manifest: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: FED },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } } } } });
    for (let i = 0; i < objects - 2; i++) {
      new FederatedResource(fed, `cm-${i}`, { manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: FED }, data: { i: String(i), pad: 'x'.repeat(200) } } });
    }
    app.synth();
    return dist;
  };
  const dist = synth('registry.example.com/web:1.0.0');
  const changed = synth('registry.example.com/web:1.0.1');
  execFileSync(process.execPath, ['bin/cdkfed', 'deploy', '--dist', dist, '--yes'], { cwd: REPO_ROOT, stdio: 'ignore' });
  const floorScript = path.join(dist, 'floor.js');
  fs.writeFileSync(floorScript, `
    const { ClusterClient } = require(${JSON.stringify(path.join(REPO_ROOT, 'build/lib/cluster/client.js'))});
    const plan = require(${JSON.stringify(path.join(dist, 'federation.json'))});
    Promise.all(plan.clusters.map(async (c) => {
      const client = ClusterClient.connect({ name: c.name, context: c.context, kubeconfig: c.kubeconfig }, { kubeconfigEnv: process.env.KUBECONFIG });
      const sel = 'applyset.kubernetes.io/part-of=' + plan.applySet.id;
      const kinds = [...new Map(c.objects.map((o) => [o.apiVersion + ' ' + o.kind, [o.apiVersion, o.kind]])).values()];
      await Promise.all(kinds.map(([v, k]) => client.list(v, k, { labelSelector: sel })));
      client.close();
    })).catch((e) => { console.error(e); process.exit(1); });`);
  const res = { floor: [] as number[], plan: [] as number[], changed: [] as number[], drift: [] as number[], noop: [] as number[] };
  let requests: Record<string, { reads: number; writes: number; leaseWrites: number }> = {};
  for (let r = 0; r < runs; r++) {
    res.floor.push(time([floorScript]));
    res.plan.push(time(['bin/cdkfed', 'plan', '--dist', dist, '--output', 'json']));
    res.changed.push(time(['bin/cdkfed', 'plan', '--dist', changed, '--output', 'json']));
    res.drift.push(time(['bin/cdkfed', 'drift', '--dist', dist, '--output', 'json']));
    const t0 = process.hrtime.bigint();
    const noop = JSON.parse(execFileSync(process.execPath, ['bin/cdkfed', 'deploy', '--dist', dist, '--yes', '--output', 'json'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 }));
    res.noop.push(Number(process.hrtime.bigint() - t0) / 1e9);
    if (noop.outcome !== 'up-to-date') throw new Error(`the no-op deploy was ${noop.outcome}`);
    requests = noop.requests;
  }
  const perCluster = Object.values(requests);
  const avg = (k: 'reads' | 'writes' | 'leaseWrites') => (perCluster.reduce((sum, c) => sum + c[k], 0) / perCluster.length).toFixed(0);
  // Leave the clusters as found: the namespace and deploy's records of the bench federation go.
  if (process.env.CDKFED_BENCH_KEEP) process.stderr.write(`kept: dist ${dist}, one image changed ${changed}\n`);
  for (const n of process.env.CDKFED_BENCH_KEEP ? [] : names) {
    const c = ClusterClient.connect({ name: n, context: n }, { kubeconfig: kc });
    await c.delete({ apiVersion: 'v1', group: '', kind: 'Namespace', name: FED });
    for (const s of await c.list('v1', 'Secret', { namespace: SYSTEM_NAMESPACE, labelSelector: `cdk-federation.io/federation=${FED}` })) {
      await c.delete({ apiVersion: 'v1', group: '', kind: 'Secret', namespace: SYSTEM_NAMESPACE, name: s.metadata.name });
    }
    c.close();
  }
  const f = median(res.floor);
  // Each command against the floor of its own run (measured just before it), then the median of those ratios:
  // steadier than the ratio of two medians when the machine's speed drifts between runs.
  const row = (what: string, xs: number[]) => `| ${what} | ${median(xs).toFixed(2)} | ${(median(xs) / f).toFixed(2)} | ${median(xs.map((x, i) => x / res.floor[i])).toFixed(2)} |\n`;
  process.stdout.write(`| ${clusters} clusters × ${objects} objects (median of ${runs}) | seconds | × floor | × floor, median of each run's ratio |\n|---|---|---|---|\n` +
    `| floor: one LIST per (cluster, kind), clusters in parallel | ${f.toFixed(2)} | 1.00 | 1.00 |\n` +
    row(`cdkfed deploy, no-op (per cluster: ${avg('reads')} reads, ${avg('writes')} object writes, ${avg('leaseWrites')} lease writes)`, res.noop) +
    row('cdkfed drift', res.drift) + row('cdkfed plan, unchanged fleet', res.plan) + row('cdkfed plan, one image changed (the Deployment of every cluster)', res.changed));
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
