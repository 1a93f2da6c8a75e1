/**
 * Deploy benchmark on 6 local clusters with the bundled example (3 waves would be the issue's
 * 6 clusters in 3 waves of 2; the example has 4 waves: canary ×3 in parallel, then us, eu, apac).
 *
 *   npx tsx bench/deploy.ts [runs=3] [--no-kubectl]   (bench/deploy.sh builds kubectl first;
 *   --no-kubectl leaves the kubectl loop out: cdkfed against its floor only)
 *
 * Per run, from an empty fleet (namespace and records removed, waited until gone):
 *   cdkfed   `cdkfed deploy --yes` as a process: wall time; its JSON report gives the floor =
 *            sum over waves of the slowest cluster's apply + health gate (+ prune and records),
 *            measured in the same run. Bake time is 0 so the floor is pure work.
 *   kubectl  the sequential loop users write today: per cluster in wave order,
 *            `kubectl apply --server-side -f dist/<cluster>/` then `kubectl rollout status` of
 *            each Deployment, with kubectl built from the same Kubernetes module as the API server.
 * Then a no-op deploy: wall time and the requests it made (its report counts them: no object writes).
 * Prints medians and the ratios cdkfed/floor and kubectl/cdkfed.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildShop } from '../apps/shop';
import { Duration, FederationApp } from '../lib';
import { ClusterClient } from '../lib/cluster/client';
import { readInventory } from '../lib/inventory/read';
import { SYSTEM_NAMESPACE } from '../lib/kube/ownership';
import { installCrds } from '../test/localk8s/crds';
import { kubeconfigPath, REPO_ROOT, toolchainHome, up, versions } from '../test/localk8s/localk8s';

const runs = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 3);
const withKubectl = !process.argv.includes('--no-kubectl');
const kc = kubeconfigPath();
const kubectl = path.join(toolchainHome(), `kubectl-${versions().KUBERNETES_VERSION}`, 'kubectl');
const SIX = ['local-1', 'local-2', 'local-3', 'local-4', 'local-5', 'local-6'];

function k(args: string[], opts: { allowFail?: boolean } = {}): string {
  const r = spawnSync(kubectl, ['--kubeconfig', kc, ...args], { encoding: 'utf8' });
  if (r.status !== 0 && !opts.allowFail) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The fleet emptied of the example: its namespace (waited until gone) and deploy's records and leases, through the tool's own client (no kubectl needed). */
async function reset(): Promise<void> {
  await Promise.all(SIX.map(async (ctx) => {
    const c = ClusterClient.connect({ name: ctx, context: ctx }, { kubeconfig: kc });
    try {
      await c.delete({ apiVersion: 'v1', group: '', kind: 'Namespace', name: 'shop' });
      for (const [apiVersion, group, kind] of [['v1', '', 'Secret'], ['coordination.k8s.io/v1', 'coordination.k8s.io', 'Lease']]) {
        for (const o of await c.list(apiVersion, kind, { namespace: SYSTEM_NAMESPACE, labelSelector: 'cdk-federation.io/federation=shop' })) {
          await c.delete({ apiVersion, group, kind, namespace: SYSTEM_NAMESPACE, name: o.metadata.name });
        }
      }
      for (let i = 0; i < 240 && await c.get('v1', 'Namespace', undefined, 'shop'); i++) await new Promise((r) => setTimeout(r, 500));
    } finally {
      c.close();
    }
  }));
}

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function main(): Promise<void> {
  if (withKubectl && !fs.existsSync(kubectl)) throw new Error(`no kubectl at ${kubectl}: run bash bench/deploy.sh (builds it with CDKFED_BUILD_KUBECTL=1)`);
  await up(6);
  await installCrds(SIX, kc);
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkfed-bench-'));
  const app = new FederationApp({ outdir: dist, terraformOutdir: false });
  buildShop(app, path.join(REPO_ROOT, 'apps', 'clusters.local.yaml'), { healthTimeout: Duration.seconds(120), bakeTime: Duration.seconds(0) });
  app.synth();
  const inv = readInventory(dist);
  const ctxOf = new Map([...inv.clusters.values()].map((c) => [c.spec.name, c.spec.context]));
  const order = inv.waves.flatMap((w) => w.clusters);
  const noopReads: number[] = [];
  const res: { cdkfed: number[]; floor: number[]; kubectl: number[]; noop: number[]; noopWrites: boolean[] } = { cdkfed: [], floor: [], kubectl: [], noop: [], noopWrites: [] };

  for (let i = 0; i < runs; i++) {
    await reset();
    let report: any;
    res.cdkfed.push(time(() => {
      report = JSON.parse(execFileSync(process.execPath, ['bin/cdkfed', 'deploy', '--dist', dist, '--kubeconfig', kc, '--yes', '--output', 'json'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    }));
    if (report.outcome !== 'succeeded') throw new Error(`deploy ${report.outcome}: ${report.failure}`);
    res.floor.push(report.waves.reduce((s: number, w: any) => s + Math.max(...w.clusters.map((c: any) => c.seconds)), 0));
    let noop: any;
    res.noop.push(time(() => {
      noop = JSON.parse(execFileSync(process.execPath, ['bin/cdkfed', 'deploy', '--dist', dist, '--kubeconfig', kc, '--yes', '--output', 'json'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    }));
    const counts = Object.values(noop.requests) as Array<{ reads: number; writes: number }>;
    res.noopWrites.push(counts.some((c) => c.writes > 0));
    noopReads.push(counts.reduce((s, c) => s + c.reads, 0) / counts.length);

    if (withKubectl) await reset();
    if (withKubectl) res.kubectl.push(time(() => {
      for (const cluster of order) {
        const ctx = ctxOf.get(cluster)!;
        k(['--context', ctx, 'apply', '--server-side', '--field-manager', 'bench-kubectl', '-f', path.join(dist, cluster)]);
        for (const o of inv.clusters.get(cluster)!.objects.filter((x) => x.manifest.kind === 'Deployment')) {
          k(['--context', ctx, '-n', o.manifest.metadata.namespace!, 'rollout', 'status', `deployment/${o.manifest.metadata.name}`, '--timeout=120s']);
        }
      }
    }));
    process.stdout.write(`run ${i + 1}: cdkfed ${res.cdkfed[i].toFixed(2)}s (floor ${res.floor[i].toFixed(2)}s), kubectl loop ${withKubectl ? `${res.kubectl[i].toFixed(2)}s` : '-'}, no-op ${res.noop[i].toFixed(2)}s${res.noopWrites[i] ? ' WROTE' : ''}\n`);
  }
  await reset();
  const c = median(res.cdkfed);
  const f = median(res.floor);
  const kl = withKubectl ? median(res.kubectl) : NaN;
  process.stdout.write(`\n| what (median of ${runs}) | seconds |\n|---|---|\n` +
    `| cdkfed deploy, example on 6 clusters, 4 waves (process wall time) | ${c.toFixed(2)} |\n` +
    `| floor: Σ waves of the slowest cluster's apply + gate, same run | ${f.toFixed(2)} |\n` +
    (withKubectl ? `| sequential kubectl apply --server-side + rollout status loop | ${kl.toFixed(2)} |\n` : '') +
    `| no-op deploy (object writes: ${res.noopWrites.every((w) => !w) ? '0' : 'SOME'}; ${median(noopReads).toFixed(0)} reads per cluster) | ${median(res.noop).toFixed(2)} |\n` +
    `\ncdkfed / floor = ${(c / f).toFixed(2)}× (median of each run's ratio: ${median(res.cdkfed.map((x, i) => x / res.floor[i])).toFixed(2)}×)${withKubectl ? `; kubectl loop / cdkfed = ${(kl / c).toFixed(2)}×` : ''}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
