/**
 * How deploy grows with the fleet (issue 11): 3, 6, 9, 12 local clusters (as many as fit: each
 * is ~550 MiB), one federation in 3 waves of N/3 clusters each (all of a wave at once), 3 apps
 * per cluster (Namespace + 3 × Deployment, Service, ConfigMap), bake 0.
 *
 *   npx tsx bench/fleet-deploy.ts [sizes=3,6,9,12] [runs=3] [ready-after=0s]
 *
 * Per size and run, from an empty fleet: `cdkfed deploy --yes --output json` as a process under
 * /usr/bin/time (wall time, peak RSS), the floor from its own report (Σ over waves of the
 * slowest cluster's apply + gate, same run), then a no-op deploy (wall, requests per cluster),
 * then — when kubectl is built (CDKFED_BUILD_KUBECTL=1 npm run clusters:build) — the loop users
 * write today: per cluster in wave order `kubectl apply --server-side` and `kubectl rollout
 * status` of each Deployment. Also the clusters' own resident memory and the machine's load,
 * since on 2 cores the control planes compete with the tool. Prints a markdown table of medians.
 *
 * ready-after: simulated pods become Ready at once by default; "3s" makes each pod take 3 s
 * (kwok stage, annotation cdk-federation.io/simulate-ready-after), as real rollouts take time.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClusterRegistry, Duration, FederatedApp, Federation, FederationApp } from '../lib';
import { ClusterClient } from '../lib/cluster/client';
import { SYSTEM_NAMESPACE } from '../lib/kube/ownership';
import { clusterName, kubeconfigPath, REPO_ROOT, status, toolchainHome, up, versions } from '../test/localk8s/localk8s';

const sizes = (process.argv[2] ?? '3,6,9,12').split(',').map(Number);
const runs = Number(process.argv[3] ?? 3);
const readyAfter = process.argv[4] ?? '0s';
const kubectl = path.join(toolchainHome(), `kubectl-${versions().KUBERNETES_VERSION}`, 'kubectl');
const FED = 'fleetbench';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

function synth(n: number, dist: string): void {
  const names = Array.from({ length: n }, (_, i) => clusterName(i + 1));
  const app = new FederationApp({ outdir: dist, terraformOutdir: false });
  const per = Math.ceil(n / 3);
  const fed = new Federation(app, FED, {
    registry: ClusterRegistry.fromClusters(names.map((c) => ({ name: c, region: c, provider: 'local', jurisdiction: 'local', context: c, kubeconfig: kubeconfigPath() }))),
    rollout: { waves: [0, 1, 2].map((w) => ({ name: `w${w + 1}`, clusters: names.slice(w * per, (w + 1) * per), maxParallel: per, healthTimeout: Duration.seconds(120) })).filter((w) => w.clusters.length) },
  });
  for (const a of ['web', 'api', 'worker']) {
    new FederatedApp(fed, a, {
      containers: [{ image: `registry.example/${a}:1.0.0`, ports: [{ name: 'http', containerPort: 8080 }] }], replicas: 2, config: { MODE: a },
      podAnnotations: { 'cdk-federation.io/simulate-ready-after': readyAfter },
    });
  }
  app.synth();
}

async function reset(n: number): Promise<void> {
  await Promise.all(Array.from({ length: n }, async (_, i) => {
    const c = ClusterClient.connect({ name: clusterName(i + 1), context: clusterName(i + 1) }, { kubeconfig: kubeconfigPath() });
    try {
      await c.delete({ apiVersion: 'v1', group: '', kind: 'Namespace', name: FED });
      const secrets = await c.list('v1', 'Secret', { namespace: SYSTEM_NAMESPACE, labelSelector: `cdk-federation.io/federation=${FED}` }).catch(() => []);
      for (const s of secrets) await c.delete({ apiVersion: 'v1', group: '', kind: 'Secret', namespace: SYSTEM_NAMESPACE, name: s.metadata.name });
      await c.delete({ apiVersion: 'v1', group: '', kind: 'Secret', namespace: SYSTEM_NAMESPACE, name: `applyset-${FED}` }).catch(() => false);
      await c.delete({ apiVersion: 'coordination.k8s.io/v1', group: 'coordination.k8s.io', kind: 'Lease', namespace: SYSTEM_NAMESPACE, name: `cdkfed-${FED}` }).catch(() => false);
      while (await c.get('v1', 'Namespace', undefined, FED)) await new Promise((r) => setTimeout(r, 250));
    } finally {
      c.close();
    }
  }));
}

/** The sequential kubectl loop over the clusters in wave order; wall seconds. */
function kubectlLoop(dist: string): number {
  const plan = JSON.parse(fs.readFileSync(path.join(dist, 'federation.json'), 'utf8'));
  const k = (args: string[]) => execFileSync(kubectl, ['--kubeconfig', kubeconfigPath(), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const t0 = process.hrtime.bigint();
  for (const cluster of plan.waves.flatMap((w: any) => w.clusters)) {
    k(['--context', cluster, 'apply', '--server-side', '--field-manager', 'bench-kubectl', '-f', path.join(dist, cluster)]);
    for (const a of ['web', 'api', 'worker']) k(['--context', cluster, '-n', FED, 'rollout', 'status', `deployment/${a}`, '--timeout=120s']);
  }
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** One `cdkfed deploy` under /usr/bin/time: wall seconds, peak RSS MiB, the JSON report. */
function deploy(dist: string): { wall: number; rssMiB: number; report: any } {
  const timeFile = path.join(os.tmpdir(), `cdkfed-fleet-time-${process.pid}`);
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', '-o', timeFile, process.execPath, 'bin/cdkfed', 'deploy', '--dist', dist, '--yes', '--output', 'json'],
    { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  const [wall, rss] = fs.readFileSync(timeFile, 'utf8').trim().split(/\s+/).map(Number);
  fs.rmSync(timeFile, { force: true });
  const report = JSON.parse(r.stdout);
  if (report.outcome === 'failed') throw new Error(`deploy failed: ${report.failure}`);
  return { wall, rssMiB: rss / 1024, report };
}

async function main(): Promise<void> {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const rows: string[] = [];
  let first: number | undefined;
  for (const n of sizes) {
    await up(n);
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkfed-fleet-'));
    synth(n, dist);
    const m: Record<'wall' | 'floor' | 'rss' | 'noop' | 'reads' | 'load' | 'loop', number[]> = { wall: [], floor: [], rss: [], noop: [], reads: [], load: [], loop: [] };
    for (let i = 0; i < runs; i++) {
      await reset(n);
      const d = deploy(dist);
      m.wall.push(d.wall);
      m.rss.push(d.rssMiB);
      m.floor.push(d.report.waves.reduce((s: number, w: any) => s + Math.max(...w.clusters.map((c: any) => c.seconds)), 0));
      m.load.push(os.loadavg()[0]);
      const noop = deploy(dist);
      if (noop.report.outcome !== 'up-to-date') throw new Error(`no-op deploy was ${noop.report.outcome}`);
      m.noop.push(noop.wall);
      const counts = Object.values(noop.report.requests) as Array<{ reads: number; writes: number }>;
      if (counts.some((c) => c.writes > 0)) throw new Error('the no-op deploy wrote objects');
      m.reads.push(counts.reduce((s, c) => s + c.reads, 0) / counts.length);
      if (fs.existsSync(kubectl)) {
        await reset(n);
        m.loop.push(kubectlLoop(dist));
      }
      process.stdout.write(`${n} clusters, run ${i + 1}: deploy ${d.wall.toFixed(2)}s (floor ${m.floor[i].toFixed(2)}s, ${d.rssMiB.toFixed(0)} MiB), no-op ${noop.wall.toFixed(2)}s` +
        `${m.loop.length ? `, kubectl loop ${m.loop[i].toFixed(2)}s` : ''}\n`);
    }
    await reset(n);
    fs.rmSync(dist, { recursive: true, force: true });
    const clusterMiB = (await status()).slice(0, n).reduce((s, c) => s + c.rssBytes, 0) / 2 ** 20;
    const wall = median(m.wall);
    first ??= wall / n;
    const loop = m.loop.length ? `${median(m.loop).toFixed(2)} (${(median(m.loop) / wall).toFixed(2)}×)` : 'not built';
    rows.push(`| ${n} | ${wall.toFixed(2)} | ${median(m.floor).toFixed(2)} | ${(wall / median(m.floor)).toFixed(2)}× | ${loop} | ${(wall / n).toFixed(2)} (${(wall / n / first).toFixed(2)}×) | ${median(m.rss).toFixed(0)} | ${median(m.noop).toFixed(2)} | ${median(m.reads).toFixed(0)} | ${(clusterMiB / 1024).toFixed(1)} | ${median(m.load).toFixed(1)} |`);
  }
  process.stdout.write(`\nmedian of ${runs} runs per size; 3 waves of N/3 clusters, each wave all at once; 10 objects per cluster; pods Ready after ${readyAfter}\n\n` +
    '| clusters | deploy s | floor s | deploy / floor | kubectl loop s (loop / deploy) | s per cluster (vs first) | cdkfed peak RSS MiB | no-op s | no-op reads per cluster | clusters\' RSS GiB | load (1 min) |\n' +
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n' + rows.join('\n') + '\n');
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
