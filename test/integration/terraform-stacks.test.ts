/**
 * cdktf stacks against real local clusters: synthTerraform → `tofu init` (offline mirror) →
 * `tofu apply` → the objects are in the cluster, workloads rolled out → a second
 * `tofu plan -detailed-exitcode` reports no changes → `tofu destroy`.
 * Then `cdktf deploy '*'` with OpenTofu applies two stacks in wave order.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildShop } from '../../apps/shop';
import { FederationApp } from '../../lib';
import { ClusterSpec } from '../../lib/registry/types';
import { FederationModel, KubeObject } from '../../lib/synth/model';
import { synthTerraform } from '../../lib/synth/terraform';
import { clients, condition, contexts, kubeconfigPath, uniqueName, waitUntil } from '../support/integration/k8s';
import { runTofu, tofuEnv, TofuResult } from '../support/integration/tofu';

// Any attempt to reach a registry fails fast through this dead proxy.
const OFFLINE = { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1,localhost' };
const REPO = path.resolve(__dirname, '..', '..');

function cluster(context: string): ClusterSpec {
  return {
    name: context, region: 'local', provider: 'local', jurisdiction: 'eu', labels: {}, context,
    kubeconfig: kubeconfigPath(), capacity: 1, role: 'primary',
  };
}

function wave(name: string, clusters: string[]) {
  return { name, clusters, maxParallel: 1, healthTimeoutSeconds: 120, bakeTimeSeconds: 0 };
}

/** Objects shaped like the example's (ownership labels, probes, HPA, PDB, quota), plus a CRD and a custom resource. */
function objects(ns: string, group: string): KubeObject[] {
  const labels = { 'app.kubernetes.io/managed-by': 'cdk-federation', 'app.kubernetes.io/name': 'web', 'cdk-federation.io/app': 'web' };
  const selector = { 'app.kubernetes.io/name': 'web', 'cdk-federation.io/app': 'web' };
  const meta = (name: string) => ({ name, namespace: ns, labels, annotations: { 'cdk-federation.io/cluster': 'local' } });
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'app.kubernetes.io/managed-by': 'cdk-federation' } } },
    {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `canaries.${group}` },
      spec: {
        group, scope: 'Namespaced', names: { kind: 'Canary', plural: 'canaries', singular: 'canary', listKind: 'CanaryList' },
        versions: [{
          name: 'v1', served: true, storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { weight: { type: 'integer' } } } } } },
        }],
      },
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('web-config'), data: { LOCALE_DEFAULT: 'en-US', 'start.sh': 'exec web --home ${HOME} %{literal}' } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('web') },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web'),
      spec: {
        replicas: 2,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: selector, annotations: { 'cdk-federation.io/config-digest': 'sha256:0123' } },
          spec: {
            serviceAccountName: 'web',
            containers: [{
              name: 'web', image: 'ghcr.io/example/shop-web:1.8.0',
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              envFrom: [{ configMapRef: { name: 'web-config' } }],
              env: [{ name: 'API_URL', value: 'http://api.shop.svc.clusterset.local' }],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
            }],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: meta('web'), spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] } },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('web'), spec: { maxUnavailable: 1, selector: { matchLabels: selector } } },
    { apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('quota'), spec: { hard: { 'requests.cpu': '40', 'requests.memory': '80Gi' } } },
    {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('web'),
      spec: {
        minReplicas: 2, maxReplicas: 4, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
      },
    },
    { apiVersion: `${group}/v1`, kind: 'Canary', metadata: meta('web'), spec: { weight: 10 } },
  ];
}

function model(name: string, clusters: { context: string; wave: string; objects: KubeObject[] }[], waves: ReturnType<typeof wave>[]): FederationModel {
  return { name, clusters: clusters.map((c) => ({ cluster: cluster(c.context), wave: c.wave, objects: c.objects })), waves, terraform: {} };
}

/** Fails with tofu's output, so a failing CI run shows why. */
function ok(r: TofuResult, what: string): TofuResult {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r;
}

describe('terraform stacks (cdktf output) on a local cluster', () => {
  const ctx = contexts()[0];
  const c = clients(ctx);
  const ns = uniqueName('tfstack');
  const group = `${ns}.cdkfed.test`;
  let root: string;
  let stackDir: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkfed-tfstack-'));
    synthTerraform(model('it', [{ context: ctx, wave: 'one', objects: objects(ns, group) }], [wave('one', [ctx])]), path.join(root, 'cdktf.out'));
    stackDir = path.join(root, 'cdktf.out', 'stacks', ctx);
  });

  afterAll(async () => {
    if (stackDir && fs.existsSync(path.join(stackDir, '.terraform'))) await runTofu(['destroy', '-auto-approve', '-no-color'], stackDir);
    await c.core.deleteNamespace({ name: ns }).catch(() => undefined);
    await c.objects.delete({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `canaries.${group}` } }).catch(() => undefined);
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  test('tofu init installs the kubernetes provider from the offline mirror', async () => {
    const r = ok(await runTofu(['init', '-input=false', '-no-color'], stackDir, OFFLINE), 'tofu init');
    expect(r.stdout).toMatch(/Installed hashicorp\/kubernetes v2\.38\.0/);
  });

  test('tofu apply creates every object; workloads are rolled out when it returns', async () => {
    // The custom resource cannot be planned before its CRD exists (documented): bootstrap the CRD first.
    ok(await runTofu(['apply', '-auto-approve', '-no-color', `-target=kubernetes_manifest.customresourcedefinition_canaries_${group.replace(/[^a-z0-9-]/g, '_')}`], stackDir), 'tofu apply -target CRD');
    const r = ok(await runTofu(['apply', '-auto-approve', '-no-color'], stackDir), 'tofu apply');
    expect(r.stdout).toMatch(/Apply complete! Resources: 9 added, 0 changed, 0 destroyed/);

    // wait { rollout = true }: the Deployment is available the moment apply returns
    const dep = await c.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
    expect(dep.status?.readyReplicas).toBe(2);
    expect(condition(dep, 'Available')?.status).toBe('True');
    expect(dep.metadata?.managedFields?.some((m) => m.manager === 'cdkfed-terraform' && m.operation === 'Apply')).toBe(true);

    const cm = await c.core.readNamespacedConfigMap({ name: 'web-config', namespace: ns });
    expect(cm.data?.['start.sh']).toBe('exec web --home ${HOME} %{literal}'); // template sigils stayed literal
    for (const [kind, apiVersion, name] of [['Service', 'v1', 'web'], ['ServiceAccount', 'v1', 'web'], ['PodDisruptionBudget', 'policy/v1', 'web'],
      ['ResourceQuota', 'v1', 'quota'], ['HorizontalPodAutoscaler', 'autoscaling/v2', 'web'], ['Canary', `${group}/v1`, 'web']]) {
      const o = await c.objects.read({ apiVersion, kind, metadata: { name, namespace: ns } });
      expect(o.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('cdk-federation');
    }
  });

  test('a second plan reports no changes', async () => {
    const r = await runTofu(['plan', '-detailed-exitcode', '-input=false', '-no-color'], stackDir);
    if (r.code !== 0) throw new Error(`tofu plan -detailed-exitcode exited ${r.code} (2 = changes)\n${r.stdout}\n${r.stderr}`);
    expect(r.stdout).toMatch(/No changes/);
  });

  test('tofu destroy removes the objects', async () => {
    ok(await runTofu(['destroy', '-auto-approve', '-no-color'], stackDir), 'tofu destroy');
    await waitUntil(`namespace ${ns} gone`, 90_000, async () => (await c.core.readNamespace({ name: ns }).then(() => undefined, () => true)));
  });
});

describe("cdktf deploy '*' with OpenTofu applies the stacks wave by wave", () => {
  const [first, second] = contexts();
  const ns = uniqueName('tfwaves');
  const one = objects(ns, 'unused.test').filter((o) => ['Namespace', 'ConfigMap', 'ServiceAccount', 'Deployment'].includes(o.kind));
  let root: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkfed-tfwaves-'));
    // the project folder cdktf expects; --skip-synth deploys the synthesized stacks as they are
    fs.writeFileSync(path.join(root, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: 'true', output: 'cdktf.out', sendCrashReports: 'false' }));
    synthTerraform(model('waves', [{ context: first, wave: 'canary', objects: one }, { context: second, wave: 'rest', objects: one }],
      [wave('canary', [first]), wave('rest', [second])]), path.join(root, 'cdktf.out'));
  });

  afterAll(async () => {
    for (const ctx of [first, second]) {
      const dir = path.join(root, 'cdktf.out', 'stacks', ctx);
      if (fs.existsSync(path.join(dir, '.terraform'))) await runTofu(['destroy', '-auto-approve', '-no-color'], dir);
      await clients(ctx).core.deleteNamespace({ name: ns }).catch(() => undefined);
    }
    fs.rmSync(root, { recursive: true, force: true });
  });

  test(`${first} (wave canary) is rolled out before ${second} (wave rest) starts`, async () => {
    const { env } = tofuEnv();
    const cdktf = path.join(REPO, 'node_modules', '.bin', 'cdktf');
    const r = await new Promise<TofuResult>((resolve) => {
      execFile(cdktf, ['deploy', '*', '--skip-synth', '--skip-provider-lock', '--auto-approve', '--output', 'cdktf.out'],
        { cwd: root, env: { ...process.env, ...env, ...OFFLINE, CI: '1', FORCE_COLOR: '0' }, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) }));
    });
    ok(r, "cdktf deploy '*'");

    const a = clients(first);
    const b = clients(second);
    const depA = await a.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
    const nsB = await b.core.readNamespace({ name: ns });
    const availableA = condition(depA, 'Available') as { status: string; lastTransitionTime?: string | Date } | undefined;
    expect(availableA?.status).toBe('True');
    // creation timestamps have one-second resolution
    expect(new Date(nsB.metadata!.creationTimestamp!).getTime()).toBeGreaterThanOrEqual(Math.floor(new Date(availableA!.lastTransitionTime!).getTime() / 1000) * 1000);
    expect((await b.apps.readNamespacedDeployment({ name: 'web', namespace: ns })).status?.readyReplicas).toBe(2);
  });
});

describe('the example (apps/shop.ts): a cluster stack applies and then plans clean', () => {
  const ctx = contexts()[1];
  const c = clients(ctx);
  const ns = uniqueName('tfshop');
  let root: string;
  let stackDir: string;
  let deployments: string[];

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkfed-tfshop-'));
    const shop = buildShop(new FederationApp({ outdir: path.join(root, 'dist'), terraformOutdir: false })).toModel();
    const eu = shop.clusters.find((m) => m.cluster.name === 'eu-primary')!;
    // Left out: custom resources whose CRDs (external-dns, MCS API) the local clusters do not
    // have. The namespace is made unique so that runs and other suites do not collide.
    const leftOut = ['DNSEndpoint', 'ServiceExport', 'ServiceImport'];
    const objs = eu.objects.filter((o) => !leftOut.includes(o.kind)).map((o) => {
      const copy = JSON.parse(JSON.stringify(o)) as { kind: string; metadata: { name: string; namespace?: string } };
      if (copy.kind === 'Namespace') copy.metadata.name = ns;
      if (copy.metadata.namespace) copy.metadata.namespace = ns;
      return copy as KubeObject;
    });
    deployments = objs.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
    synthTerraform(model('shop', [{ context: ctx, wave: 'eu', objects: objs }], [wave('eu', [ctx])]), path.join(root, 'cdktf.out'));
    stackDir = path.join(root, 'cdktf.out', 'stacks', ctx);
  });

  afterAll(async () => {
    if (stackDir && fs.existsSync(path.join(stackDir, '.terraform'))) await runTofu(['destroy', '-auto-approve', '-no-color'], stackDir);
    await c.core.deleteNamespace({ name: ns }).catch(() => undefined);
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  test('init, apply, every Deployment available, second plan: no changes', async () => {
    ok(await runTofu(['init', '-input=false', '-no-color'], stackDir, OFFLINE), 'tofu init');
    ok(await runTofu(['apply', '-auto-approve', '-no-color'], stackDir), 'tofu apply');
    expect(deployments.length).toBeGreaterThan(0);
    for (const name of deployments) {
      const d = await c.apps.readNamespacedDeployment({ name, namespace: ns });
      expect([name, condition(d, 'Available')?.status]).toEqual([name, 'True']);
    }
    const plan = await runTofu(['plan', '-detailed-exitcode', '-input=false', '-no-color'], stackDir);
    if (plan.code !== 0) throw new Error(`tofu plan -detailed-exitcode exited ${plan.code} (2 = changes)\n${plan.stdout}\n${plan.stderr}`);
  });
});
