/**
 * The files `cdkfed init` writes: pinned versions from cdk-federation's own package.json, a
 * registry (two examples, or one cluster per kubeconfig context) that loads, and an app that
 * synthesizes.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { ClusterRegistry } from '../../../lib';
import { clusterNameFor, guessProvider, PROJECT_FILES, projectName, renderProject } from '../../../lib/init/project';
import { packageInfo } from '../../../lib/package-info';
import { readKubeconfig } from '../../../lib/registry/kubeconfig';
import { tmpdir } from '../../support/fixtures';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const OWN = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** Writes the files into a new folder. */
function write(files: { path: string; content: string }[]): string {
  const dir = tmpdir('cdkfed-init-');
  for (const f of files) fs.writeFileSync(path.join(dir, f.path), f.content);
  return dir;
}

/**
 * Runs the project's main.ts as `npx tsx main.ts` would, with `cdk-federation` resolved to
 * this repository's lib/ (the tarball install is tested in test/integration/init-package.test.ts).
 */
function synth(dir: string, env: NodeJS.ProcessEnv = {}) {
  const pkg = path.join(dir, 'node_modules', 'cdk-federation');
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(path.join(pkg, 'index.js'), `module.exports = require(${JSON.stringify(path.join(ROOT, 'lib', 'index.ts'))});\n`);
  const r = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), 'main.ts'], {
    cwd: dir, encoding: 'utf8', env: { ...process.env, KUBECONFIG: path.join(dir, 'no-kubeconfig'), CDKFED_TERRAFORM: '0', ...env },
  });
  const planFile = path.join(dir, 'dist', 'federation.json');
  return { ...r, plan: fs.existsSync(planFile) ? JSON.parse(fs.readFileSync(planFile, 'utf8')) : undefined };
}

const KUBECONFIG = YAML.stringify({
  apiVersion: 'v1', kind: 'Config', 'current-context': 'kind-dev',
  clusters: [
    { name: 'eks-prod', cluster: { server: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com' } },
    { name: 'gke-prod', cluster: { server: 'https://34.1.2.3' } },
    { name: 'kind-dev', cluster: { server: 'https://127.0.0.1:6443' } },
    { name: 'corp', cluster: { server: 'https://k8s.corp.example:6443' } },
  ],
  contexts: [
    { name: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu', context: { cluster: 'eks-prod', user: 'u' } },
    { name: 'gke_acme_europe-west1-b_prod-eu', context: { cluster: 'gke-prod', user: 'u' } },
    { name: 'kind-dev', context: { cluster: 'kind-dev', user: 'u' } },
    { name: 'Corp_Cluster #1', context: { cluster: 'corp', user: 'u' } },
  ],
  users: [{ name: 'u', user: { token: 't' } }],
});

describe('cdkfed init: the project files', () => {
  test('package.json pins the versions of cdk-federation\'s own package.json, with synth / plan / deploy scripts', () => {
    const files = renderProject({ name: 'my-fleet', package: packageInfo() });
    expect(files.map((f) => f.path)).toEqual([...PROJECT_FILES]);
    const pkg = JSON.parse(files[0].content);
    expect(pkg.dependencies).toEqual({
      'cdk-federation': OWN.version, 'cdk8s': OWN.dependencies.cdk8s, 'cdktf': OWN.dependencies.cdktf, 'constructs': OWN.dependencies.constructs,
    });
    expect(pkg.devDependencies).toEqual({ '@types/node': OWN.devDependencies['@types/node'], 'tsx': OWN.devDependencies.tsx, 'typescript': OWN.devDependencies.typescript });
    for (const v of [...Object.values(pkg.dependencies), ...Object.values(pkg.devDependencies)]) expect(v).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.scripts).toMatchObject({ synth: 'cdkfed synth', plan: 'cdkfed plan', deploy: 'cdkfed deploy', drift: 'cdkfed drift' });
    expect(pkg.name).toBe('my-fleet');
    // Read at run time: another release's package.json gives other pins.
    const other = renderProject({ name: 'x', package: { ...packageInfo(), version: '9.9.9', dependencies: { ...packageInfo().dependencies, cdk8s: '2.0.0' } } });
    expect(JSON.parse(other[0].content).dependencies).toMatchObject({ 'cdk-federation': '9.9.9', 'cdk8s': '2.0.0' });
  });

  test('cdk8s.yaml and cdktf.json run main.ts; .gitignore keeps dist/ (it is reviewed) and ignores node_modules and cdktf.out', () => {
    const files = Object.fromEntries(renderProject({ name: 'my-fleet', package: packageInfo() }).map((f) => [f.path, f.content]));
    expect(YAML.parse(files['cdk8s.yaml'])).toEqual({ language: 'typescript', app: 'npx tsx main.ts', output: 'dist' });
    expect(JSON.parse(files['cdktf.json'])).toMatchObject({ language: 'typescript', app: 'npx tsx main.ts', output: 'cdktf.out' });
    const ignored = files['.gitignore'].split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules/', 'cdktf.out/']));
    expect(ignored.some((l) => l.startsWith('dist'))).toBe(false);
    expect(JSON.parse(files['tsconfig.json']).compilerOptions).toMatchObject({ strict: true, noEmit: true });
  });

  test('two example clusters, one app, two waves: it synthesizes, and names the contexts the kubeconfig lacks as warnings', () => {
    const dir = write(renderProject({ name: 'my-fleet', package: packageInfo() }));
    expect(ClusterRegistry.fromFile(path.join(dir, 'clusters.yaml')).clusters.map((c) => [c.name, c.context, c.role])).toEqual([['eu-1', 'eu-1', 'canary'], ['us-1', 'us-1', 'primary']]);
    const main = fs.readFileSync(path.join(dir, 'main.ts'), 'utf8');
    expect(main.match(/new FederatedApp\(/g)).toHaveLength(1);
    const kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, YAML.stringify({ contexts: [{ name: 'us-1', context: { cluster: 'c' } }, { name: 'prod', context: { cluster: 'c' } }] }));
    const r = synth(dir, { KUBECONFIG: kubeconfig });
    expect(r.status).toBe(0);
    expect(r.plan.federation).toBe('my-fleet');
    expect(r.plan.waves.map((w: any) => [w.name, w.clusters])).toEqual([['canary', ['eu-1']], ['main', ['us-1']]]);
    expect(r.stderr.trim().split('\n')).toEqual([
      `warning CONTEXT_NOT_IN_KUBECONFIG: cluster eu-1: context "eu-1" is not in kubeconfig $KUBECONFIG (${kubeconfig}) (it has: prod, us-1); synth does not need it, but deploy, plan and drift will fail for this cluster`,
      '  hint: set `context` of this cluster in the registry to one of the kubeconfig\'s contexts (`kubectl config get-contexts`), or add the context to the kubeconfig',
    ]);
    // Without any kubeconfig (a pipeline's synth step) synth says nothing.
    expect(synth(dir).stderr).toBe('');
  });

  test('--clusters: one cluster per context, names from EKS / GKE / other contexts, provider guessed, region and jurisdiction marked TODO', () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'kubeconfig'), KUBECONFIG);
    const contexts = readKubeconfig(path.join(dir, 'kubeconfig')).contexts;
    const files = renderProject({ name: 'fleet', package: packageInfo(), clusters: { contexts, kubeconfig: '~/.kube/fleet', shown: '~/.kube/fleet' } });
    const yaml = files.find((f) => f.path === 'clusters.yaml')!.content;
    const project = write(files);
    const clusters = ClusterRegistry.fromFile(path.join(project, 'clusters.yaml')).clusters;
    expect(clusters.map((c) => [c.name, c.context, c.provider, c.region, c.jurisdiction, c.role, c.kubeconfig])).toEqual([
      ['corp-cluster-1', 'Corp_Cluster #1', 'todo', 'todo', 'todo', 'primary', '~/.kube/fleet'],
      ['kind-dev', 'kind-dev', 'local', 'todo', 'todo', 'primary', '~/.kube/fleet'],
      ['prod-eu', 'arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu', 'aws', 'todo', 'todo', 'canary', '~/.kube/fleet'],
      ['prod-eu-2', 'gke_acme_europe-west1-b_prod-eu', 'gcp', 'todo', 'todo', 'primary', '~/.kube/fleet'],
    ]);
    // Every placeholder is on a line that says TODO.
    for (const line of yaml.split('\n').filter((l) => /: todo\b/.test(l))) expect(line).toMatch(/# TODO: /);
    expect(yaml.split('\n').filter((l) => /^\s+(region|jurisdiction): todo +# TODO: /.test(l))).toHaveLength(8);
    expect(yaml).toMatch(/^# TODO: fill in every value marked TODO/m);
    const r = synth(project);
    expect(r.stderr).toMatch(/KUBECONFIG_NOT_FOUND: clusters corp-cluster-1, kind-dev, prod-eu, prod-eu-2: kubeconfig "~\/.kube\/fleet" named in the registry does not exist/);
    expect(r.status).toBe(0);
    expect(r.plan.waves.map((w: any) => [w.name, w.clusters])).toEqual([['canary', ['prod-eu']], ['main', ['corp-cluster-1', 'kind-dev', 'prod-eu-2']]]);
  });

  test('--clusters with a single context: one wave, and it synthesizes', () => {
    const files = renderProject({ name: 'solo', package: packageInfo(), clusters: { contexts: [{ name: 'kind-dev', server: 'https://127.0.0.1:1' }], shown: '~/.kube/config' } });
    const dir = write(files);
    expect(fs.readFileSync(path.join(dir, 'clusters.yaml'), 'utf8')).not.toMatch(/kubeconfig:/);
    const r = synth(dir);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.plan.waves.map((w: any) => [w.name, w.clusters])).toEqual([['main', ['kind-dev']]]);
  });

  test('names: folder names become DNS labels; a bad --name or an empty kubeconfig is an error before anything is rendered', () => {
    expect(projectName('My Fleet_2')).toBe('my-fleet-2');
    expect(projectName('---')).toBe('cdk-federation-app');
    expect(projectName('x'.repeat(80))).toHaveLength(63);
    expect(clusterNameFor('prod', new Set(['prod', 'prod-2']))).toBe('prod-3');
    expect(clusterNameFor('@@', new Set())).toBe('cluster');
    expect(guessProvider({ name: 'x', server: 'https://x.hcp.westeurope.azmk8s.io:443' })).toBe('azure');
    expect(guessProvider({ name: 'x', server: 'https://10.0.0.1' })).toBeUndefined();
    expect(() => renderProject({ name: 'My_Fleet', package: packageInfo() })).toThrow(/INIT_INVALID_NAME|is not a DNS label/);
    expect(() => renderProject({ name: 'ok', package: packageInfo(), clusters: { contexts: [], shown: 'k' } })).toThrow(/the kubeconfig has no contexts/);
  });
});
