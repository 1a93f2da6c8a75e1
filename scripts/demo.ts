/**
 * `npm run demo`: the whole product on one machine, no Docker. Builds the local Kubernetes
 * toolchain if it is not cached, starts one local cluster per cluster of the example
 * (apps/clusters.local.yaml maps them to local-1..6), synthesizes the shop, deploys it wave
 * by wave with the live progress view, then ships a release whose pods never become Ready in
 * the eu wave and shows the automatic rollback. Clusters stay up: `npm run clusters:down`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildShop } from '../apps/shop';
import { Duration, FederationApp } from '../lib';
import { installCrds } from '../test/localk8s/crds';
import { kubeconfigPath, REPO_ROOT, toolchain, ToolchainMissingError, up } from '../test/localk8s/localk8s';

const DIST = path.join(REPO_ROOT, 'demo', 'dist');
const say = (s: string) => process.stdout.write(`\n\x1b[1m== ${s}\x1b[0m\n`);

function synth(release: { webImage: string; breakWebIn?: string; healthSeconds: number }): void {
  const app = new FederationApp({ outdir: DIST, terraformOutdir: false });
  buildShop(app, path.join(REPO_ROOT, 'apps', 'clusters.local.yaml'), {
    healthTimeout: Duration.seconds(release.healthSeconds), bakeTime: Duration.seconds(5), webImage: release.webImage, breakWebIn: release.breakWebIn,
  });
  app.synth();
}

function cdkfed(args: string[]): number {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'cdkfed'), ...args], { stdio: 'inherit', cwd: REPO_ROOT });
  return r.status ?? 1;
}

async function main(): Promise<void> {
  try {
    toolchain('clusters');
  } catch (e) {
    if (!(e instanceof ToolchainMissingError)) throw e;
    say('building the local Kubernetes toolchain from Go modules (first time only: 15-50 minutes on 2 cores)');
    if (spawnSync('bash', [path.join(REPO_ROOT, 'test', 'localk8s', 'build.sh')], { stdio: 'inherit' }).status !== 0) process.exit(1);
  }
  say('starting 6 local clusters (etcd, kube-apiserver, controller-manager, scheduler, kwok nodes)');
  await up(6, (l) => process.stdout.write(`${l}\n`));
  await installCrds(['local-1', 'local-2', 'local-3', 'local-4', 'local-5', 'local-6'], kubeconfigPath());
  fs.mkdirSync(path.dirname(DIST), { recursive: true });

  say('release 1: synthesize the shop and deploy it, wave by wave (canary standbys, us, eu, apac)');
  synth({ webImage: 'ghcr.io/example/shop-web:1.8.0', healthSeconds: 60 });
  if (cdkfed(['deploy', '--dist', DIST, '--kubeconfig', kubeconfigPath(), '--yes']) !== 0) process.exit(1);

  say('release 1 again: every cluster is at its recorded revision, nothing is written');
  cdkfed(['deploy', '--dist', DIST, '--kubeconfig', kubeconfigPath(), '--yes']);

  say('release 2: web 1.9.0, whose pods never become Ready in eu-primary; watch the gate fail and every touched cluster roll back');
  synth({ webImage: 'ghcr.io/example/shop-web:1.9.0', breakWebIn: 'eu-primary', healthSeconds: 20 });
  const code = cdkfed(['deploy', '--dist', DIST, '--kubeconfig', kubeconfigPath(), '--yes']);
  say(`deploy exited ${code}: canary and us were restored to release 1, apac was never touched.`);
  process.stdout.write(`Look around: KUBECONFIG=${kubeconfigPath()} (contexts local-1..6); dist at ${path.relative(REPO_ROOT, DIST)}/.\nStop the clusters with: npm run clusters:down\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : e}\n`);
  process.exit(1);
});
