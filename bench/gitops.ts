/**
 * Time from a merged change to the last wave Ready, for the example (apps/shop.ts on six local
 * clusters, bake time 0), by `cdkfed deploy` and by GitOps (`cdkfed gitops` output committed,
 * then `cdkfed gitops promote` through a real Flux on local-1, the hub), measured in one run.
 * Each side first rolls out release 0 (not timed), then `runs` new web images one after the
 * other; the GitOps time counts the commit, promote and every wave becoming Ready at its
 * commit. Both sides use the same fleet in turn (the shop's namespace is removed in between).
 *
 *   npx tsx bench/gitops.ts [runs=3]
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { buildShop } from '../apps/shop';
import { Duration, FederationApp } from '../lib';
import { installCrds } from '../test/localk8s/crds';
import { gitRepo, kubeconfigSecret, serveGit, startFlux } from '../test/localk8s/flux';
import { kubeconfigPath, REPO_ROOT, up } from '../test/localk8s/localk8s';

const runs = Number(process.argv[2] ?? 3);
const LOCAL = path.join(REPO_ROOT, 'apps', 'clusters.local.yaml');
const registry = YAML.parse(fs.readFileSync(LOCAL, 'utf8')).clusters as { name: string; context: string }[];
const HUB = 'local-1';
const hubCluster = registry.find((c) => c.context === HUB)!.name;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkfed-bench-gitops-'));

function synth(dist: string, image: string): void {
  const app = new FederationApp({ outdir: dist, terraformOutdir: false, exitOnError: false });
  buildShop(app, LOCAL, { healthTimeout: Duration.seconds(60), bakeTime: Duration.seconds(0), webImage: image });
  app.synth();
}

/** Runs the CLI as a child process without blocking: the git server serving Flux lives in this process. */
function cdkfed(args: string[]): Promise<{ seconds: number; stdout: string }> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'cdkfed'), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) reject(new Error(`cdkfed ${args.join(' ')} exited ${code}:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
      else resolve({ seconds, stdout });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const contexts = registry.map((c) => c.context);

async function deleteShop(): Promise<void> {
  const { ClusterClient } = await import('../lib/cluster/client');
  await Promise.all(contexts.map(async (ctx) => {
    const c = ClusterClient.connect({ name: ctx, context: ctx }, { kubeconfig: kubeconfigPath() });
    try {
      await c.request('DELETE', '/api/v1/namespaces/shop').catch(() => undefined);
      const secrets = await c.list('v1', 'Secret', { namespace: 'cdk-federation-system', labelSelector: 'cdk-federation.io/federation=shop' }).catch(() => []);
      for (const s of secrets) await c.request('DELETE', `/api/v1/namespaces/cdk-federation-system/secrets/${s.metadata.name}`).catch(() => undefined);
      await c.request('DELETE', '/api/v1/namespaces/cdk-federation-system/secrets/applyset-shop').catch(() => undefined);
      for (let i = 0; i < 240 && (await c.get('v1', 'Namespace', undefined, 'shop')); i++) await new Promise((r) => setTimeout(r, 250));
    } finally {
      c.close();
    }
  }));
}

async function main(): Promise<void> {
  await up(6);
  await installCrds(contexts, kubeconfigPath());
  await deleteShop();
  const kc = ['--kubeconfig', kubeconfigPath()];

  // cdkfed deploy
  const dist = path.join(work, 'dist');
  synth(dist, 'ghcr.io/example/shop-web:1.8.0');
  await cdkfed(['deploy', '--dist', dist, ...kc, '--yes']);
  const deploy: number[] = [];
  for (let i = 1; i <= runs; i++) {
    synth(dist, `ghcr.io/example/shop-web:1.8.${i}`);
    deploy.push((await cdkfed(['deploy', '--dist', dist, ...kc, '--yes'])).seconds);
  }
  await deleteShop();

  // GitOps through Flux
  const flux = await startFlux({ hub: HUB, stateDir: path.join(work, 'flux') });
  const repo = gitRepo(path.join(work, 'fleet'));
  repo.commit({ 'README.md': 'fleet\n' }, 'init');
  const server = await serveGit(repo.dir);
  const clone = path.join(work, 'clone');
  try {
    await flux.apply(...registry.filter((c) => c.context !== HUB).map((c) => kubeconfigSecret(c.context, { name: `${c.name}-kubeconfig` })));
    const render = () => cdkfed(['gitops', '--engine', 'flux', '--dist', dist, '--out', path.join(repo.dir, 'gitops'), '--path-prefix', 'gitops', '--repo-url', server.url, '--hub', hubCluster]);
    synth(dist, 'ghcr.io/example/shop-web:1.8.0');
    await render();
    repo.commit({}, 'release 1.8.0');
    const engineDir = path.join(repo.dir, 'gitops', 'flux');
    await flux.apply(...fs.readdirSync(engineDir).filter((f) => f !== 'kustomization.yaml').sort()
      .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(engineDir, f), 'utf8')).map((d) => d.toJS())));
    execFileSync('git', ['clone', '-q', repo.dir, clone]);
    const promote = () => cdkfed(['gitops', 'promote', '--repo', clone, '--context', HUB, ...kc]);
    await promote();
    const gitops: number[] = [];
    for (let i = 1; i <= runs; i++) {
      synth(dist, `ghcr.io/example/shop-web:1.8.${i}`);
      await render();
      const t0 = process.hrtime.bigint();
      repo.commit({}, `release 1.8.${i}`);
      await promote();
      gitops.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
    const d = median(deploy);
    const g = median(gitops);
    process.stdout.write(`example (6 clusters, 4 waves, bake 0), median of ${runs}:\n`);
    process.stdout.write(`  cdkfed deploy:                          ${d.toFixed(2)} s  (${deploy.map((x) => x.toFixed(2)).join(', ')})\n`);
    process.stdout.write(`  commit + cdkfed gitops promote (Flux):  ${g.toFixed(2)} s  (${gitops.map((x) => x.toFixed(2)).join(', ')})  = ${(g / d).toFixed(2)}× deploy\n`);
  } finally {
    await flux.stop();
    await server.stop();
    await deleteShop();
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});
