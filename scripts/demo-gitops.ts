/**
 * `npm run demo:gitops`: the bundled example handed to a real Flux instead of deployed by
 * cdkfed. Starts the six local clusters (as `npm run demo`) and Flux's source-controller and
 * kustomize-controller on local-1 (the hub; built from Go modules by clusters:build), serves a
 * GitOps repository over HTTP, renders the shop with `cdkfed gitops`, and promotes release 1
 * wave by wave with `cdkfed gitops promote`; then release 2, whose web pods never become Ready
 * in eu-primary: the eu wave's gate fails and every wave it touched is rolled back through git.
 * Flux is stopped at the end (its objects removed, the workloads left running).
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { buildShop } from '../apps/shop';
import { Duration, FederationApp } from '../lib';
import { installCrds } from '../test/localk8s/crds';
import { gitRepo, kubeconfigSecret, serveGit, startFlux } from '../test/localk8s/flux';
import { kubeconfigPath, REPO_ROOT, up } from '../test/localk8s/localk8s';

const WORK = path.join(REPO_ROOT, 'demo', 'gitops');
const DIST = path.join(WORK, 'dist');
const LOCAL = path.join(REPO_ROOT, 'apps', 'clusters.local.yaml');
const say = (s: string) => process.stdout.write(`\n\x1b[1m== ${s}\x1b[0m\n`);

function synth(webImage: string, breakWebIn?: string): void {
  const app = new FederationApp({ outdir: DIST, terraformOutdir: false, exitOnError: false });
  buildShop(app, LOCAL, { healthTimeout: Duration.seconds(30), bakeTime: Duration.seconds(5), webImage, breakWebIn });
  app.synth();
}

/** The CLI as a child process that does not block this one: the git server Flux pulls from runs here. */
function cdkfed(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'cdkfed'), ...args], { stdio: 'inherit', cwd: REPO_ROOT }).on('close', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<void> {
  const registry = YAML.parse(fs.readFileSync(LOCAL, 'utf8')).clusters as { name: string; context: string }[];
  const hub = registry.find((c) => c.context === 'local-1')!;
  say('starting 6 local clusters and Flux (source-controller, kustomize-controller) on local-1, the hub');
  await up(6, (l) => process.stdout.write(`${l}\n`));
  await installCrds(registry.map((c) => c.context), kubeconfigPath());
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  const flux = await startFlux({ hub: 'local-1', stateDir: path.join(WORK, 'flux') });
  const repo = gitRepo(path.join(WORK, 'fleet'));
  repo.commit({ 'README.md': 'the shop\'s GitOps repository\n' }, 'init');
  const server = await serveGit(repo.dir);
  const clone = path.join(WORK, 'clone');
  try {
    // A kubeconfig Secret per remote cluster: never written by cdkfed gitops, created by whoever registers the clusters.
    await flux.apply(...registry.filter((c) => c !== hub).map((c) => kubeconfigSecret(c.context, { name: `${c.name}-kubeconfig` })));
    const render = () => cdkfed(['gitops', '--engine', 'flux', '--dist', DIST, '--out', path.join(repo.dir, 'gitops'), '--path-prefix', 'gitops', '--repo-url', server.url, '--hub', hub.name]);
    const promote = () => cdkfed(['gitops', 'promote', '--repo', clone, '--context', 'local-1', '--kubeconfig', kubeconfigPath()]);
    const status = () => cdkfed(['gitops', 'status', '--repo', clone, '--context', 'local-1', '--kubeconfig', kubeconfigPath()]);

    say('release 1: synthesize the shop, render it for Flux, merge it, apply gitops/flux/ to the hub');
    synth('ghcr.io/example/shop-web:1.8.0');
    if ((await render()) !== 0) process.exit(1);
    repo.commit({}, 'shop 1.8.0');
    const engineDir = path.join(repo.dir, 'gitops', 'flux');
    await flux.apply(...fs.readdirSync(engineDir).filter((f) => f !== 'kustomization.yaml').sort()
      .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(engineDir, f), 'utf8')).map((d) => d.toJS())));
    execFileSync('git', ['clone', '-q', repo.dir, clone]);

    say('cdkfed gitops promote: each wave\'s release branch advanced only when the previous wave is Ready at its commit and baked');
    if ((await promote()) !== 0) process.exit(1);
    await status();

    say('release 2: web 1.9.0, whose pods never become Ready in eu-primary; the eu gate fails and git rolls canary, us and eu back');
    synth('ghcr.io/example/shop-web:1.9.0', 'eu-primary');
    await render();
    repo.commit({}, 'shop 1.9.0');
    const code = await promote();
    say(`promote exited ${code}; apac never saw 1.9.0:`);
    await status();
  } finally {
    await flux.stop();
    await server.stop();
  }
  process.stdout.write(`The repository is ${repo.dir} (git log --all --graph shows every promotion and rollback).\nStop the clusters with: npm run clusters:down\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : e}\n`);
  process.exit(1);
});
