/**
 * The user's path, outside this repository: `npm pack`, install the tarball into an empty
 * folder, `cdkfed init --clusters <kubeconfig>` a project, `npm install` it, synthesize it,
 * type-check it and plan it against the local clusters.
 *
 * npm runs with --prefer-offline: packages come from the cache `npm ci` filled; only package
 * metadata the cache lacks is fetched. Build first (`npm run build`; `npm test` does): the
 * tarball is packed from build/ as it is (--ignore-scripts), and a file in build/lib with no
 * source in lib/ (stale output) fails the test.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { clients, contexts, kubeconfigPath } from '../support/integration/k8s';

const REPO = path.resolve(__dirname, '..', '..');
const OWN = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
const CTX = contexts();

/** The environment of a user's shell: without the npm_* variables of the `npm test` that runs us. */
const ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...ENV, ...env }, timeout: 150_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

/** Runs and expects exit 0, showing the output otherwise. */
function ok(cmd: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const r = run(cmd, args, cwd);
  expect({ command: `${cmd} ${args.join(' ')}`, status: r.status, stderr: r.status === 0 ? '' : r.stderr.slice(-3000) })
    .toEqual({ command: `${cmd} ${args.join(' ')}`, status: 0, stderr: '' });
  return r;
}

const NPM_INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

describe('from the packed tarball to a plan against the local clusters', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkfed-pkg-'));
  const tool = path.join(tmp, 'tool');
  const project = path.join(tmp, 'project');
  const federation = `init-${process.pid}`;
  let tgz = '';
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('npm pack ships build/lib, bin, schema, README and LICENSE only, with no stale build output', () => {
    expect(fs.existsSync(path.join(REPO, 'build', 'lib', 'cli', 'main.js'))).toBe(true);
    const r = ok('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], REPO);
    const [info] = JSON.parse(r.stdout);
    tgz = path.join(tmp, info.filename);
    expect(info.filename).toBe(`cdk-federation-${OWN.version}.tgz`);
    const files: string[] = info.files.map((f: { path: string }) => f.path).sort();
    const outside = files.filter((f) => !/^(build\/lib\/.+\.(js|d\.ts)|bin\/cdkfed|schema\/federation\.schema\.json|README\.md|LICENSE|package\.json)$/.test(f));
    expect(outside).toEqual([]);
    for (const f of ['LICENSE', 'README.md', 'bin/cdkfed', 'package.json', 'schema/federation.schema.json', 'build/lib/index.js', 'build/lib/index.d.ts', 'build/lib/cli/main.js']) {
      expect(files).toContain(f);
    }
    // The bundle of plan, deploy and drift (scripts/bundle.js) is the one built file without a source file of its own.
    const bundle = 'build/lib/cli/remote.bundle.js';
    expect(files).toContain(bundle);
    const stale = files.filter((f) => f.startsWith('build/lib/') && f !== bundle && !fs.existsSync(path.join(REPO, f.replace(/^build\//, '').replace(/(\.d)?\.ts$|\.js$/, '.ts'))));
    expect(stale).toEqual([]);
    const sources = (dir: string): number => fs.readdirSync(dir, { withFileTypes: true })
      .reduce((n, e) => n + (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? 1 : 0), 0);
    // One .js and one .d.ts per source file of lib/, the bundle, and bin, schema, README, LICENSE and package.json: no more.
    expect(info.entryCount).toBe(2 * sources(path.join(REPO, 'lib')) + 6);
    expect(fs.readFileSync(path.join(REPO, 'LICENSE'), 'utf8')).toMatch(/^\s+Apache License\n\s+Version 2\.0, January 2004\n/);
  });

  test('installed from the tarball into an empty folder: cdkfed --version, and init refuses the (now non-empty) folder', () => {
    fs.mkdirSync(tool);
    fs.writeFileSync(path.join(tool, 'package.json'), '{ "private": true }\n');
    ok('npm', [...NPM_INSTALL, tgz], tool);
    const bin = path.join(tool, 'node_modules', '.bin', 'cdkfed');
    expect(ok(bin, ['--version'], tool).stdout).toBe(`${OWN.version}\n`);
    const refused = run(bin, ['init'], tool);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^error INIT_NOT_EMPTY: .*tool: is not empty \(3 entries: node_modules, package-lock\.json, package\.json\); .*\(it would overwrite package\.json\)/);
  });

  test('cdkfed init --clusters <kubeconfig> writes a project whose npm install, synth and type check succeed', () => {
    // The user's kubeconfig: the local clusters' contexts.
    const kc = YAML.parse(fs.readFileSync(kubeconfigPath(), 'utf8'));
    kc.contexts = kc.contexts.filter((c: { name: string }) => CTX.includes(c.name));
    const kubeconfig = path.join(tmp, 'kubeconfig');
    fs.writeFileSync(kubeconfig, YAML.stringify(kc));

    const init = ok(path.join(tool, 'node_modules', '.bin', 'cdkfed'), ['init', 'project', '--clusters', kubeconfig, '--name', federation], tmp);
    expect(init.stdout).toContain(`created project "${federation}" in ${project}: package.json, tsconfig.json, cdk8s.yaml, cdktf.json, clusters.yaml, main.ts, .gitignore (${CTX.length} clusters from ${kubeconfig})`);
    const registry = YAML.parse(fs.readFileSync(path.join(project, 'clusters.yaml'), 'utf8'));
    expect(registry.clusters.map((c: any) => [c.name, c.context, c.provider, c.region, c.kubeconfig])).toEqual(CTX.map((c) => [c, c, 'local', 'todo', kubeconfig]));
    const pins = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8'));
    expect(pins.dependencies).toEqual({ 'cdk-federation': OWN.version, 'cdk8s': OWN.dependencies.cdk8s, 'cdktf': OWN.dependencies.cdktf, 'constructs': OWN.dependencies.constructs });

    // From a tarball, the user installs it by path (npm writes file:… in place of the version).
    ok('npm', [...NPM_INSTALL, tgz], project);
    for (const dep of ['cdk8s', 'constructs', 'cdktf']) {
      expect(JSON.parse(fs.readFileSync(path.join(project, 'node_modules', dep, 'package.json'), 'utf8')).version).toBe(OWN.dependencies[dep]);
    }
    expect(JSON.parse(fs.readFileSync(path.join(project, 'node_modules', 'tsx', 'package.json'), 'utf8')).version).toBe(OWN.devDependencies.tsx);

    const synth = ok('npm', ['run', '--silent', 'synth'], project);
    expect(synth.stderr).toBe(''); // every context is in the kubeconfig: no warning
    expect(synth.stdout).toMatch(new RegExp(`synthesized federation "${federation}": ${CTX.length} clusters, \\d+ objects, 2 waves → dist/ and cdktf\\.out/`));
    const plan = JSON.parse(fs.readFileSync(path.join(project, 'dist', 'federation.json'), 'utf8'));
    expect(plan.waves.map((w: any) => [w.name, w.clusters])).toEqual([['canary', [CTX[0]]], ['main', CTX.slice(1)]]);
    for (const c of CTX) {
      expect(fs.readdirSync(path.join(project, 'dist', c)).sort()).toEqual([`00-namespace_${federation}.yaml`, `08-configmap_${federation}_web-config.yaml`, `16-service_${federation}_web.yaml`, `20-deployment.apps_${federation}_web.yaml`]);
      expect(fs.existsSync(path.join(project, 'cdktf.out', 'stacks', c, 'cdk.tf.json'))).toBe(true);
    }
    ok('npm', ['run', '--silent', 'typecheck'], project);
  });

  test('cdkfed plan of the new project against the local clusters: every object a create, exit 2 with --detailed-exitcode; nothing written', async () => {
    const r = run(path.join(project, 'node_modules', '.bin', 'cdkfed'), ['plan', '--detailed-exitcode', '--output', 'json'], project);
    expect([r.status, r.stderr]).toEqual([2, '']);
    const rows = JSON.parse(r.stdout).clusters;
    expect(rows.map((c: any) => [c.cluster, c.counts])).toEqual(CTX.map((c) => [c, { create: 4, update: 0, delete: 0, unchanged: 0, error: 0 }]));
    const md = run('npm', ['run', '--silent', 'plan', '--', '--output', 'markdown'], project);
    expect(md.status).toBe(0);
    expect(md.stdout).toContain(`## cdkfed plan: federation \`${federation}\``);
    // A plan writes nothing: the federation's namespace exists in no cluster.
    for (const ctx of CTX) expect(await clients(ctx).core.readNamespace({ name: federation }).catch(() => undefined)).toBeUndefined();
  });
});
