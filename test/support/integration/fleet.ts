/**
 * A small federation over the local clusters (local-1..3, one wave each) synthesized with the
 * library into a temporary dist/, and the CLI run as a real process against it.
 * Each test gets its own federation name and namespace, so tests never see each other's objects.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { userKubeconfig } from '../../localk8s/localk8s';
import { ClusterRegistry, Duration, FederatedApp, FederatedResource, Federation, FederationApp } from '../../../lib';
import { SYSTEM_NAMESPACE } from '../../../lib/kube/ownership';
import { clients, contexts, kubeconfigPath } from './k8s';

export const REPO = path.resolve(__dirname, '..', '..', '..');

export interface FleetOptions {
  /** Federation name and namespace. */
  readonly name: string;
  /** Image tag of app web. @default '1.0.0' */
  readonly webTag?: string;
  /** Clusters whose web pods never become Ready. @default none */
  readonly failOn?: readonly string[];
  /** Include app api. @default true */
  readonly withApi?: boolean;
  /** Config value of web. @default 'a' */
  readonly config?: string;
  /** @default 0 */
  readonly bakeSeconds?: number;
  /** @default 25 */
  readonly healthTimeoutSeconds?: number;
  /** Extra objects per cluster (FederatedResource manifests). */
  readonly resources?: ReadonlyArray<Record<string, any>>;
  /** Override the context of a cluster (to test a missing one). */
  readonly contextOf?: (cluster: string) => string;
  /** residency of web. */
  readonly webResidency?: string;
  /** Env of web: literals or secret references. */
  readonly webEnv?: Readonly<Record<string, string | { secretKeyRef: { name: string; key: string } }>>;
  /** web scaled by an HPA (min 2, max 10). */
  readonly webAutoscaling?: boolean;
  /** Drift ignore rules of web. */
  readonly webIgnore?: ReadonlyArray<{ kind: string; jsonPointers: string[]; clusters?: string[]; reason?: string }>;
}

/** Synthesizes the fleet into `dist` (replacing it) and returns dist. */
export function synthFleet(dist: string, o: FleetOptions): string {
  const names = contexts();
  const app = new FederationApp({ outdir: dist, terraformOutdir: false });
  const fed = new Federation(app, o.name, {
    registry: ClusterRegistry.fromClusters(names.map((n) => ({
      name: n, region: n, provider: 'local', jurisdiction: o.webResidency ?? 'local', context: o.contextOf?.(n) ?? n, kubeconfig: kubeconfigPath(),
    }))),
    rollout: {
      waves: names.map((n, i) => ({
        name: `w${i + 1}`, clusters: [n], healthTimeout: Duration.seconds(o.healthTimeoutSeconds ?? 25),
        ...(o.bakeSeconds ? { bakeTime: Duration.seconds(o.bakeSeconds) } : {}),
      })),
    },
  });
  new FederatedApp(fed, 'web', {
    containers: [{ image: `registry.example/web:${o.webTag ?? '1.0.0'}`, ports: [{ name: 'http', containerPort: 8080 }], ...(o.webEnv ? { env: o.webEnv } : {}) }],
    replicas: 2,
    ...(o.webAutoscaling ? { autoscaling: { minReplicas: 2, maxReplicas: 10 } } : {}),
    ...(o.webIgnore ? { ignoreDifferences: o.webIgnore } : {}),
    config: { MODE: o.config ?? 'a' },
    ...(o.webResidency ? { residency: o.webResidency } : {}),
    overrides: { clusters: Object.fromEntries((o.failOn ?? []).map((c) => [c, { labels: { 'cdk-federation.io/simulate': 'fail' } }])) },
  });
  if (o.withApi !== false) {
    new FederatedApp(fed, 'api', { containers: [{ image: 'registry.example/api:2.0.0' }], replicas: 1 });
  }
  (o.resources ?? []).forEach((manifest, i) => new FederatedResource(fed, `extra-${i}`, { manifest: manifest as any }));
  app.synth();
  return dist;
}

export function tmpDist(prefix = 'cdkfed-it-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/cdkfed <args>` (the compiled CLI) with no terminal; killAfterMs / killWhen send `signal` (default SIGKILL). */
export function cdkfed(args: readonly string[], opts: { killAfterMs?: number; killWhen?: (stderr: string) => boolean; signal?: NodeJS.Signals; onStderr?: (stderr: string) => void; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'cdkfed'), ...args], { cwd: REPO, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const kill = () => {
      if (!killed) {
        killed = true;
        child.kill(opts.signal ?? 'SIGKILL');
      }
    };
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      opts.onStderr?.(stderr);
      if (opts.killWhen?.(stderr)) kill();
    });
    const t = opts.killAfterMs !== undefined ? setTimeout(kill, opts.killAfterMs) : undefined;
    child.on('close', (code, signal) => {
      if (t) clearTimeout(t);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** resourceVersion of every object of the federation's namespace (and its Namespace), per cluster. */
export async function resourceVersions(namespace: string): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {};
  for (const ctx of contexts()) {
    const c = clients(ctx);
    const rv: Record<string, string> = {};
    const ns = await c.core.readNamespace({ name: namespace }).catch(() => undefined);
    if (ns) rv[`Namespace/${namespace}`] = ns.metadata!.resourceVersion!;
    for (const d of (await c.apps.listNamespacedDeployment({ namespace })).items) rv[`Deployment/${d.metadata!.name}`] = d.metadata!.resourceVersion!;
    for (const s of (await c.core.listNamespacedService({ namespace })).items) rv[`Service/${s.metadata!.name}`] = s.metadata!.resourceVersion!;
    for (const m of (await c.core.listNamespacedConfigMap({ namespace })).items) rv[`ConfigMap/${m.metadata!.name}`] = m.metadata!.resourceVersion!;
    for (const s of (await c.core.listNamespacedSecret({ namespace: SYSTEM_NAMESPACE, labelSelector: `cdk-federation.io/federation=${namespace}` }).catch(() => ({ items: [] as any[] }))).items) {
      rv[`Secret/${SYSTEM_NAMESPACE}/${s.metadata!.name}`] = s.metadata!.resourceVersion!;
    }
    out[ctx] = rv;
  }
  return out;
}

/** Revision records of a federation in one cluster, decoded, oldest first. */
export async function revisions(ctx: string, federation: string): Promise<any[]> {
  const zlib = await import('node:zlib');
  const list = await clients(ctx).core.listNamespacedSecret({ namespace: SYSTEM_NAMESPACE, labelSelector: `cdk-federation.io/federation=${federation},cdk-federation.io/record=revision` })
    .catch(() => ({ items: [] as any[] }));
  return list.items.map((s: any) => ({
    ...JSON.parse(Buffer.from(s.data.meta, 'base64').toString()),
    objects: JSON.parse(zlib.gunzipSync(Buffer.from(s.data.objects, 'base64')).toString()),
  })).sort((a: any, b: any) => a.revision - b.revision);
}

/** Removes a test federation from every cluster: its namespace and its records. */
export async function cleanup(federation: string, on: readonly string[] = contexts()): Promise<void> {
  await Promise.all(on.map(async (ctx) => {
    const c = clients(ctx);
    await c.core.deleteNamespace({ name: federation }).catch(() => undefined);
    await c.core.deleteCollectionNamespacedSecret({ namespace: SYSTEM_NAMESPACE, fieldSelector: `metadata.name=applyset-${federation}` }).catch(() => undefined);
    await c.core.deleteCollectionNamespacedSecret({ namespace: SYSTEM_NAMESPACE, labelSelector: `cdk-federation.io/federation=${federation}` }).catch(() => undefined);
    await c.objects.delete({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: `cdkfed-${federation}`, namespace: SYSTEM_NAMESPACE } } as any).catch(() => undefined);
    // wait until the namespace is gone, so the next test does not apply into a terminating one
    for (let i = 0; i < 240 && (await c.core.readNamespace({ name: federation }).catch(() => undefined)); i++) await new Promise((r) => setTimeout(r, 250));
  }));
}

export function uniqueFederation(prefix: string): string {
  return `${prefix}-${Date.now().toString(36).slice(-5)}${Math.floor(Math.random() * 1296).toString(36)}`;
}

/** A copy of the shared kubeconfig (in dir) in which context `ctx` authenticates as one of localk8s's test users; returns its path. */
export function kubeconfigAs(ctx: string, user: 'nobody' | 'operator' | 'expired', dir = tmpDist()): string {
  const theirs = YAML.parse(fs.readFileSync(userKubeconfig(ctx, user), 'utf8')).users[0].user;
  const kc = YAML.parse(fs.readFileSync(kubeconfigPath(), 'utf8'));
  const ours = kc.users.find((u: any) => u.name === kc.contexts.find((x: any) => x.name === ctx).context.user).user;
  ours['client-certificate-data'] = theirs['client-certificate-data'];
  ours['client-key-data'] = theirs['client-key-data'];
  const file = path.join(dir, `kubeconfig-${ctx}-${user}`);
  fs.writeFileSync(file, YAML.stringify(kc), { mode: 0o600 });
  return file;
}
