/**
 * Real Flux for tests: source-controller and kustomize-controller (built by
 * `npm run clusters:build` from Go modules) run as host processes against a local cluster (the
 * hub), a git smart-HTTP server they pull from, and helpers to read and wait for Flux objects.
 *
 *   const flux = await startFlux({ hub: 'local-1', stateDir });
 *   const git = await serveGit(repo.dir);
 *   await flux.apply(kubeconfigSecret('local-2'), gitRepository({ name: 'fleet', url: git.url }),
 *     kustomization({ name: 'local-2', path: './clusters/local-2', kubeConfigSecret: 'local-2-kubeconfig' }));
 *   await waitForReady(flux, 'Kustomization', 'local-2', { revision: gitRevision(sha) });
 *   await flux.stop(); await git.stop();
 *
 * One Flux per hub at a time (a second startFlux on the same hub is refused while the first
 * runs). The controllers watch only `flux-system` unless watchAllNamespaces is set.
 *
 * Node built-ins and `yaml` only, so this module runs under tsx, ts-jest and plain Node alike.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and Flux's status are read as loose JSON */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as YAML from 'yaml';
import { ToolchainMissingError, kubeconfigPath, toolchainHome, versions } from './localk8s';

export const FLUX_NAMESPACE = 'flux-system';
const FIELD_MANAGER = 'cdkfed-localk8s-flux';
/** ConfigMap in flux-system that records the running harness (one Flux per hub). */
const MARKER = 'cdkfed-flux-harness';

// ---------------------------------------------------------------------------------------------
// Toolchain

export interface FluxToolchain {
  readonly version: string;
  readonly sourceController: string;
  readonly kustomizeController: string;
  /** CRD files of both controllers (copied from their Go modules at build time). */
  readonly crds: readonly string[];
}

/** Paths of the built controllers and CRDs; throws ToolchainMissingError (with how to build) if missing. */
export function fluxToolchain(): FluxToolchain {
  const version = versions().FLUX_VERSION;
  if (!version) throw new ToolchainMissingError('FLUX_VERSION is missing from test/localk8s/versions.env');
  const home = toolchainHome();
  const dir = (c: string) => path.join(home, `flux-${c}-controller-${version}`);
  const missing: string[] = [];
  const crds: string[] = [];
  for (const c of ['source', 'kustomize']) {
    const bin = path.join(dir(c), `${c}-controller`);
    const crdDir = path.join(dir(c), 'crds');
    const files = fs.existsSync(crdDir) ? fs.readdirSync(crdDir).filter((f) => f.endsWith('.yaml')).sort() : [];
    if (!fs.existsSync(bin) || files.length === 0) missing.push(`flux-${c}-controller ${version} (${dir(c)})`);
    crds.push(...files.map((f) => path.join(crdDir, f)));
  }
  if (missing.length > 0) {
    throw new ToolchainMissingError(
      `${missing.join(' and ')} not built: run npm run clusters:build (without CDKFED_BUILD_FLUX=0). ` +
      `It compiles Flux's controllers from Go modules (test/localk8s/go/flux-*; 20-35 minutes for both on 2 ` +
      `cores the first time, under a second afterwards) and copies their CRDs into ${home} (CDKFED_LOCALK8S_HOME). See test/localk8s/README.md.`);
  }
  return {
    version, crds,
    sourceController: path.join(dir('source'), 'source-controller'),
    kustomizeController: path.join(dir('kustomize'), 'kustomize-controller'),
  };
}

// ---------------------------------------------------------------------------------------------
// Cluster access from a kubeconfig (certificates or a token; no exec plugins)

/** A local cluster: its context name in the shared kubeconfig, or a context in another kubeconfig file. */
export type ClusterRef = string | { readonly context: string; readonly kubeconfig?: string };

interface Access {
  readonly context: string;
  readonly server: string;
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly token?: string;
  readonly insecure?: boolean;
}

function access(ref: ClusterRef): Access {
  const { context, kubeconfig } = typeof ref === 'string' ? { context: ref, kubeconfig: undefined } : ref;
  const file = kubeconfig ?? kubeconfigPath();
  let doc: any;
  try {
    doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read kubeconfig ${file}: ${(e as Error).message} (are the local clusters up? npm run clusters:up)`, { cause: e });
  }
  const named = (list: any[] | undefined, name: string) => (list ?? []).find((x) => x?.name === name);
  const ctx = named(doc?.contexts, context)?.context;
  if (!ctx) throw new Error(`context ${context} not in ${file}`);
  const cluster = named(doc.clusters, ctx.cluster)?.cluster;
  if (!cluster?.server) throw new Error(`context ${context} in ${file}: cluster ${ctx.cluster} has no server`);
  const user = named(doc.users, ctx.user)?.user ?? {};
  if (user.exec || user['auth-provider']) {
    throw new Error(`context ${context} in ${file}: user ${ctx.user} uses an exec or auth-provider plugin; ` +
      'Flux needs a self-contained kubeconfig (embedded certificates or a token)');
  }
  const read = (data: string | undefined, f: string | undefined) =>
    data ? Buffer.from(data, 'base64') : f ? fs.readFileSync(path.resolve(path.dirname(file), f)) : undefined;
  return {
    context, server: cluster.server,
    ca: read(cluster['certificate-authority-data'], cluster['certificate-authority']),
    cert: read(user['client-certificate-data'], user['client-certificate']),
    key: read(user['client-key-data'], user['client-key']),
    token: user.token ?? (user.tokenFile ? fs.readFileSync(path.resolve(path.dirname(file), user.tokenFile), 'utf8').trim() : undefined),
    insecure: cluster['insecure-skip-tls-verify'] === true,
  };
}

/** A kubeconfig with one context (the cluster's name), certificates and token embedded. */
export function selfContainedKubeconfig(ref: ClusterRef): string {
  const a = access(ref);
  const b64 = (b: Buffer | undefined) => b?.toString('base64');
  const user: Record<string, string> = {};
  if (a.cert) user['client-certificate-data'] = b64(a.cert)!;
  if (a.key) user['client-key-data'] = b64(a.key)!;
  if (a.token) user.token = a.token;
  const cluster: Record<string, unknown> = { server: a.server };
  if (a.ca) cluster['certificate-authority-data'] = b64(a.ca);
  if (a.insecure) cluster['insecure-skip-tls-verify'] = true;
  return YAML.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': a.context,
    clusters: [{ name: a.context, cluster }],
    users: [{ name: `${a.context}-user`, user }],
    contexts: [{ name: a.context, context: { cluster: a.context, user: `${a.context}-user` } }],
  });
}

/**
 * A Secret holding a self-contained kubeconfig for `spoke` under the key `value`, for a
 * Kustomization's `spec.kubeConfig.secretRef` (hub and spoke: the hub's kustomize-controller
 * applies into the spoke). Default name `<context>-kubeconfig` in flux-system.
 */
export function kubeconfigSecret(spoke: ClusterRef, opts: { name?: string; namespace?: string } = {}): KubeObject {
  const context = typeof spoke === 'string' ? spoke : spoke.context;
  return {
    apiVersion: 'v1', kind: 'Secret',
    metadata: { name: opts.name ?? `${context}-kubeconfig`, namespace: opts.namespace ?? FLUX_NAMESPACE },
    type: 'Opaque',
    data: { value: Buffer.from(selfContainedKubeconfig(spoke)).toString('base64') },
  };
}

// ---------------------------------------------------------------------------------------------
// A minimal REST client (server-side apply, get, delete) for the hub

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: any };
  [k: string]: any;
}

export interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly observedGeneration?: number;
}

/** A Flux object as read from the hub. */
export interface FluxObject extends KubeObject {
  status?: {
    observedGeneration?: number;
    conditions?: Condition[];
    lastAppliedRevision?: string;
    lastAttemptedRevision?: string;
    inventory?: { entries?: { id: string; v: string }[] };
    artifact?: { revision?: string; url?: string; digest?: string };
    [k: string]: any;
  };
}

interface ResourceInfo { readonly group: string; readonly version: string; readonly plural: string; readonly namespaced: boolean }

const CORE: Record<string, ResourceInfo> = {
  Namespace: { group: '', version: 'v1', plural: 'namespaces', namespaced: false },
  ConfigMap: { group: '', version: 'v1', plural: 'configmaps', namespaced: true },
  Secret: { group: '', version: 'v1', plural: 'secrets', namespaced: true },
  CustomResourceDefinition: { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', namespaced: false },
};

/** Flux kinds (GitRepository, Kustomization, ...) read from the built CRDs: group, storage version, plural. */
function fluxKinds(t: FluxToolchain): Record<string, ResourceInfo> {
  const out: Record<string, ResourceInfo> = {};
  for (const f of t.crds) {
    const crd = YAML.parse(fs.readFileSync(f, 'utf8'));
    const version = (crd.spec.versions as { name: string; storage?: boolean }[]).find((v) => v.storage)?.name;
    if (!version) throw new Error(`${f}: no storage version`);
    out[crd.spec.names.kind] = { group: crd.spec.group, version, plural: crd.spec.names.plural, namespaced: crd.spec.scope === 'Namespaced' };
  }
  return out;
}

class KubeError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

/** A controller process has exited: waiting longer will not help. */
export class ControllerExitedError extends Error {}

class Kube {
  private readonly a: Access;
  constructor(ref: ClusterRef, private readonly kinds: Record<string, ResourceInfo>) { this.a = access(ref); }

  get context(): string { return this.a.context; }

  info(kind: string): ResourceInfo {
    const r = this.kinds[kind] ?? CORE[kind];
    if (!r) throw new Error(`unknown kind ${kind} (known: ${Object.keys({ ...CORE, ...this.kinds }).join(', ')})`);
    return r;
  }

  /** Collection path of a kind, in a namespace or across all of them (namespace undefined). */
  collection(kind: string, namespace?: string): string {
    const r = this.info(kind);
    const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
    return `${base}${r.namespaced && namespace ? `/namespaces/${namespace}` : ''}/${r.plural}`;
  }

  path(kind: string, name: string, namespace?: string): string {
    const r = this.info(kind);
    if (r.namespaced && !namespace) throw new Error(`${kind} ${name}: namespace required`);
    return `${this.collection(kind, namespace)}/${name}`;
  }

  /**
   * One request, retried for up to 20 s on 429, 5xx and connection errors: an API server answers
   * 429 "storage is (re)initializing" for a moment after a CRD became Established.
   */
  async request(method: string, p: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: any }> {
    const deadline = Date.now() + 20_000;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
      try {
        const r = await this.once(method, p, body, contentType);
        if ((r.status !== 429 && r.status < 500) || Date.now() > deadline) return r;
      } catch (e) {
        if (Date.now() > deadline) throw e;
      }
      await sleep(delay);
    }
  }

  private once(method: string, p: string, body: unknown, contentType: string): Promise<{ status: number; body: any }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { accept: 'application/json' };
      if (payload !== undefined) { headers['content-type'] = contentType; headers['content-length'] = Buffer.byteLength(payload); }
      if (this.a.token) headers.authorization = `Bearer ${this.a.token}`;
      const req = https.request(new URL(p, this.a.server), {
        method, headers, ca: this.a.ca, cert: this.a.cert, key: this.a.key, rejectUnauthorized: !this.a.insecure, timeout: 15_000, agent: false,
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try { parsed = JSON.parse(text); } catch { /* not JSON */ }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${this.a.server}${p}`)));
      req.on('error', (e) => reject(new Error(`${this.a.context}: ${method} ${p}: ${e.message}`)));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  private fail(what: string, r: { status: number; body: any }): never {
    throw new KubeError(r.status, `${this.a.context}: ${what}: HTTP ${r.status} ${typeof r.body === 'string' ? r.body : r.body?.message ?? JSON.stringify(r.body)}`);
  }

  async get<T = any>(p: string): Promise<T | undefined> {
    const r = await this.request('GET', p);
    if (r.status === 404) return undefined;
    if (r.status !== 200) this.fail(`GET ${p}`, r);
    return r.body as T;
  }

  async list<T = any>(kind: string, namespace?: string): Promise<T[]> {
    return (await this.get<{ items: T[] }>(this.collection(kind, namespace)))?.items ?? [];
  }

  /** Server-side apply (forcing conflicts: the harness owns what it applies). */
  async apply<T extends KubeObject>(obj: T): Promise<T> {
    const p = `${this.path(obj.kind, obj.metadata.name, obj.metadata.namespace)}?fieldManager=${FIELD_MANAGER}&force=true`;
    const r = await this.request('PATCH', p, obj, 'application/apply-patch+yaml');
    if (r.status !== 200 && r.status !== 201) this.fail(`apply ${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, r);
    return r.body as T;
  }

  async patch(p: string, body: unknown): Promise<void> {
    const r = await this.request('PATCH', p, body, 'application/merge-patch+json');
    if (r.status !== 200 && r.status !== 404) this.fail(`PATCH ${p}`, r);
  }

  /** Deletes; true if it existed. */
  async delete(p: string): Promise<boolean> {
    const r = await this.request('DELETE', p, { propagationPolicy: 'Background' });
    if (r.status === 404) return false;
    if (r.status !== 200 && r.status !== 202) this.fail(`DELETE ${p}`, r);
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Processes

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Free loopback ports (bound, read, released). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<net.Server>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve(s));
  })));
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** setpriv --pdeathsig: the kernel kills the controller when the Node process that started it exits (even by SIGKILL). */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));

interface Proc { readonly name: string; readonly child: ChildProcess; readonly bin: string; readonly log: string; exit?: string }

function spawnController(name: string, bin: string, args: string[], log: string, env: NodeJS.ProcessEnv, cwd: string): Proc {
  const fd = fs.openSync(log, 'a');
  const [cmd, argv] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'KILL', '--', bin, ...args]] : [bin, args];
  // Own process group (detached), so stop() can signal the controller and anything it started.
  const child = spawn(cmd, argv, { detached: true, stdio: ['ignore', fd, fd], env, cwd });
  fs.closeSync(fd);
  child.unref();
  if (child.pid === undefined) throw new Error(`failed to start ${bin}`);
  const p: Proc = { name, child, bin, log };
  child.on('exit', (code, signal) => { p.exit = signal ? `signal ${signal}` : `exit code ${code}`; });
  return p;
}

function killGroup(p: Proc, sig: NodeJS.Signals): void {
  if (p.exit || p.child.pid === undefined) return;
  try { process.kill(-p.child.pid, sig); } catch { try { process.kill(p.child.pid, sig); } catch { /* gone */ } }
}

function tail(file: string, lines: number): string {
  try {
    const all = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    return `--- last ${Math.min(lines, all.length)} lines of ${file} ---\n${all.slice(-lines).join('\n')}`;
  } catch {
    return `(no log at ${file})`;
  }
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** True if pid runs one of bins (guards against pid reuse). */
function runs(pid: number, bins: readonly string[]): boolean {
  try {
    const exe = fs.readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '');
    return bins.includes(exe);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// startFlux

export interface StartFluxOptions {
  /** The cluster the controllers run against (where GitRepositories and Kustomizations live). */
  readonly hub: ClusterRef;
  /** Directory for the controllers' logs, kubeconfig and artifact storage (created). */
  readonly stateDir: string;
  /** kustomize-controller --requeue-dependency: how often an unmet dependsOn is re-checked. @default '2s' */
  readonly requeueDependency?: string;
  /**
   * Watch every namespace instead of only flux-system. Then start and stop also clean up Flux
   * objects in every namespace of the hub, not only in flux-system. @default false
   */
  readonly watchAllNamespaces?: boolean;
  /** @default 'info' */
  readonly logLevel?: 'info' | 'debug';
  /** Extra command-line flags per controller. */
  readonly extraArgs?: { readonly source?: readonly string[]; readonly kustomize?: readonly string[] };
  /** How long to wait for CRDs and healthy controllers. @default 90_000 */
  readonly timeoutMs?: number;
}

export interface Flux {
  readonly namespace: typeof FLUX_NAMESPACE;
  readonly hub: ClusterRef;
  /** Hub context name. */
  readonly hubContext: string;
  /** The kubeconfig the controllers use (one context, self-contained). */
  readonly kubeconfig: string;
  /** Where source-controller serves artifacts (http://127.0.0.1:<port>). */
  readonly storageUrl: string;
  readonly logs: { readonly source: string; readonly kustomize: string };
  readonly pids: { readonly source: number; readonly kustomize: number };
  /** Server-side applies objects to the hub, in order (namespace defaults to flux-system for namespaced kinds). */
  apply(...objs: KubeObject[]): Promise<void>;
  /** A Flux object (or a Secret, ConfigMap, Namespace) from the hub; undefined if absent. */
  get(kind: string, name: string, namespace?: string): Promise<FluxObject | undefined>;
  /** Deletes an object from the hub and waits until it is gone (Flux finalizers run: a pruning Kustomization removes what it applied). */
  delete(kind: string, name: string, namespace?: string, timeoutMs?: number): Promise<void>;
  /** Asks the controller to reconcile now (annotation reconcile.fluxcd.io/requestedAt). */
  reconcile(kind: string, name: string, namespace?: string): Promise<void>;
  /** The last lines of both controllers' logs, for error messages. */
  logTail(lines?: number): string;
  /** Throws if a controller process has exited. */
  assertRunning(): void;
  /**
   * Deletes every Flux object in the watched namespaces (letting the controllers run their
   * finalizers, e.g. prune what a Kustomization applied), stops both controllers (process
   * group, SIGTERM then SIGKILL), and deletes the flux-system namespace. Idempotent.
   */
  stop(): Promise<void>;
}

const SOURCE_KINDS = ['GitRepository', 'OCIRepository', 'Bucket', 'HelmRepository', 'HelmChart', 'ExternalArtifact'];

/**
 * Installs Flux's CRDs into the hub (server-side apply), creates flux-system and starts
 * source-controller and kustomize-controller as host processes (KUBECONFIG = the hub; loopback
 * ports; short requeue intervals for tests; logs in stateDir), then waits until both are ready.
 */
export async function startFlux(o: StartFluxOptions): Promise<Flux> {
  const t = fluxToolchain();
  const kinds = fluxKinds(t);
  const kube = new Kube(o.hub, kinds);
  const timeoutMs = o.timeoutMs ?? 90_000;
  const stateDir = path.resolve(o.stateDir);
  for (const d of ['tmp', 'storage']) fs.mkdirSync(path.join(stateDir, d), { recursive: true }); // source-controller wants storage to exist

  // One harness per hub: a live one is refused, a dead one's marker (and objects) taken over.
  const ns = FLUX_NAMESPACE;
  const markerPath = kube.path('ConfigMap', MARKER, ns);
  const marker = await kube.get<{ data?: Record<string, string> }>(markerPath);
  if (marker?.data) {
    const pids = [marker.data.sourcePid, marker.data.kustomizePid].map(Number);
    if (marker.data.host === os.hostname() && pids.some((pid) => runs(pid, [t.sourceController, t.kustomizeController]))) {
      throw new Error(`Flux is already running against ${kube.context} (pids ${pids.join(', ')}, state ${marker.data.stateDir}); ` +
        'stop it first (flux.stop()), or use another hub: two Flux instances on one hub would fight over the same objects');
    }
  }
  if ((await kube.get(kube.path('Namespace', ns)))?.metadata?.deletionTimestamp) {
    await waitGone(kube, kube.path('Namespace', ns), `namespace ${ns} (terminating, from an earlier run) to be gone`, 120_000);
  }

  // CRDs
  for (const f of t.crds) await kube.apply(YAML.parse(fs.readFileSync(f, 'utf8')));
  const crdNames = t.crds.map((f) => YAML.parse(fs.readFileSync(f, 'utf8')).metadata.name as string);
  await waitUntil(`Flux CRDs Established in ${kube.context}`, timeoutMs, async () => {
    for (const n of crdNames) {
      const crd = await kube.get(kube.path('CustomResourceDefinition', n));
      if (!crd?.status?.conditions?.some((c: Condition) => c.type === 'Established' && c.status === 'True')) return undefined;
    }
    return true;
  });
  await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  // Objects left by a run that died without stop(): removed without running their finalizers,
  // so that these controllers do not act on another run's objects.
  await removeFluxObjects(kube, kinds, o.watchAllNamespaces ? undefined : ns);

  const kubeconfig = path.join(stateDir, 'hub.kubeconfig');
  fs.writeFileSync(kubeconfig, selfContainedKubeconfig(o.hub), { mode: 0o600 });
  const [sMetrics, sHealth, sStorage, kMetrics, kHealth] = await freePorts(5);
  const storageUrl = `http://127.0.0.1:${sStorage}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env, KUBECONFIG: kubeconfig, RUNTIME_NAMESPACE: ns, HOME: stateDir, TMPDIR: path.join(stateDir, 'tmp'),
  };
  const common = [
    `--watch-all-namespaces=${o.watchAllNamespaces ?? false}`, '--log-encoding=console', `--log-level=${o.logLevel ?? 'info'}`,
    `--requeue-dependency=${o.requeueDependency ?? '2s'}`,
  ];
  const logs = { source: path.join(stateDir, 'source-controller.log'), kustomize: path.join(stateDir, 'kustomize-controller.log') };
  const procs: Proc[] = [];
  const exitHook = () => procs.forEach((p) => killGroup(p, 'SIGKILL'));
  process.on('exit', exitHook);
  const logTail = (lines = 20) => `${tail(logs.source, lines)}\n${tail(logs.kustomize, lines)}`;
  const assertRunning = () => {
    const dead = procs.filter((p) => p.exit);
    if (dead.length > 0) {
      throw new ControllerExitedError(`${dead.map((p) => `${p.name} exited (${p.exit})`).join(', ')}\n${dead.map((p) => tail(p.log, 30)).join('\n')}`);
    }
  };
  try {
    procs.push(spawnController('source-controller', t.sourceController, [
      ...common,
      `--metrics-addr=127.0.0.1:${sMetrics}`, `--health-addr=127.0.0.1:${sHealth}`,
      `--storage-path=${path.join(stateDir, 'storage')}`, `--storage-addr=127.0.0.1:${sStorage}`, `--storage-adv-addr=127.0.0.1:${sStorage}`,
      ...(o.extraArgs?.source ?? []),
    ], logs.source, env, stateDir));
    procs.push(spawnController('kustomize-controller', t.kustomizeController, [
      ...common,
      `--metrics-addr=127.0.0.1:${kMetrics}`, `--health-addr=127.0.0.1:${kHealth}`,
      '--no-remote-bases=true', // tests never fetch kustomize bases from the network
      ...(o.extraArgs?.kustomize ?? []),
    ], logs.kustomize, env, stateDir));
    await waitUntil('source-controller and kustomize-controller /readyz', timeoutMs, async () => {
      assertRunning();
      const s = await Promise.all([sHealth, kHealth].map((p) => httpStatus(`http://127.0.0.1:${p}/readyz`)));
      return s.every((c) => c === 200) ? true : undefined;
    }, logTail);
    await kube.apply({
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: MARKER, namespace: ns },
      data: { host: os.hostname(), stateDir, sourcePid: String(procs[0].child.pid), kustomizePid: String(procs[1].child.pid) },
    });
  } catch (e) {
    exitHook();
    process.off('exit', exitHook);
    throw e;
  }

  let stopped = false;
  const withNs = (kind: string, namespace?: string) => (kube.info(kind).namespaced ? namespace ?? ns : undefined);
  const flux: Flux = {
    namespace: ns, hub: o.hub, hubContext: kube.context, kubeconfig, storageUrl, logs,
    pids: { source: procs[0].child.pid!, kustomize: procs[1].child.pid! },
    async apply(...objs) {
      for (const obj of objs) {
        await kube.apply({ ...obj, metadata: { ...obj.metadata, namespace: withNs(obj.kind, obj.metadata.namespace) } });
      }
    },
    async get(kind, name, namespace) {
      return kube.get<FluxObject>(kube.path(kind, name, withNs(kind, namespace)));
    },
    async delete(kind, name, namespace, deleteTimeoutMs = 60_000) {
      const p = kube.path(kind, name, withNs(kind, namespace));
      await kube.delete(p);
      await waitGone(kube, p, `${kind} ${name} to be deleted`, deleteTimeoutMs, logTail);
    },
    async reconcile(kind, name, namespace) {
      await kube.patch(kube.path(kind, name, withNs(kind, namespace)),
        { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': new Date().toISOString() } } });
    },
    logTail,
    assertRunning,
    async stop() {
      if (stopped) return;
      stopped = true;
      const scope = o.watchAllNamespaces ? undefined : ns;
      try {
        // Kustomizations first, while their sources and kubeconfig Secrets still exist (their finalizers prune).
        const errors: string[] = [];
        for (const group of [['Kustomization'], SOURCE_KINDS.filter((k) => kinds[k])]) {
          const objs = (await Promise.all(group.map(async (k) =>
            (await kube.list<FluxObject>(k, scope)).map((x) => kube.path(k, x.metadata.name, x.metadata.namespace))))).flat();
          await Promise.all(objs.map((p) => kube.delete(p)));
          await Promise.all(objs.map((p) => waitGone(kube, p, p, 30_000).catch((e: Error) => { errors.push(e.message); })));
        }
        if (errors.length > 0) process.stderr.write(`[flux] some Flux objects were not deleted in time (their finalizers are removed):\n${errors.join('\n')}\n${logTail(10)}\n`);
      } finally {
        await stopProcs(procs);
        process.off('exit', exitHook);
      }
      await removeFluxObjects(kube, kinds, scope);
      await kube.delete(kube.path('Namespace', ns));
      await waitGone(kube, kube.path('Namespace', ns), `namespace ${ns} to be deleted`, 120_000);
    },
  };
  return flux;
}

async function stopProcs(procs: readonly Proc[]): Promise<void> {
  procs.forEach((p) => killGroup(p, 'SIGTERM'));
  const deadline = Date.now() + 10_000;
  while (procs.some((p) => !p.exit) && Date.now() < deadline) await sleep(100);
  procs.forEach((p) => killGroup(p, 'SIGKILL'));
  while (procs.some((p) => !p.exit) && Date.now() < deadline + 5_000) await sleep(50);
}

/** Deletes Flux objects without running their finalizers (the controllers are not, or no longer, running). */
async function removeFluxObjects(kube: Kube, kinds: Record<string, ResourceInfo>, namespace: string | undefined): Promise<void> {
  for (const kind of ['Kustomization', ...SOURCE_KINDS].filter((k) => kinds[k])) {
    for (const obj of await kube.list<FluxObject>(kind, namespace)) {
      const p = kube.path(kind, obj.metadata.name, obj.metadata.namespace);
      await kube.patch(p, { metadata: { finalizers: null } });
      await kube.delete(p);
    }
  }
}

async function waitGone(kube: Kube, p: string, what: string, timeoutMs: number, detail?: () => string): Promise<void> {
  await waitUntil(what, timeoutMs, async () => ((await kube.get(p)) === undefined ? true : undefined), detail);
}

async function waitUntil<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, detail?: () => string | Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: Error | undefined;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
      lastErr = undefined;
    } catch (e) {
      if (e instanceof ControllerExitedError) throw e;
      lastErr = e as Error;
    }
    if (Date.now() > deadline) {
      const d = detail ? await Promise.resolve(detail()).catch((e: Error) => `(detail failed: ${e.message})`) : '';
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}` + (lastErr ? `; last error: ${lastErr.message}` : '') + (d ? `\n${d}` : ''));
    }
    await sleep(250);
  }
}

// ---------------------------------------------------------------------------------------------
// Manifests

/** A GitRepository following a branch. */
export function gitRepository(o: { name: string; url: string; branch?: string; interval?: string; namespace?: string }): KubeObject {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository',
    metadata: { name: o.name, namespace: o.namespace ?? FLUX_NAMESPACE },
    spec: { url: o.url, ref: { branch: o.branch ?? 'main' }, interval: o.interval ?? '2s', timeout: '20s' },
  };
}

export interface KustomizationOptions {
  readonly name: string;
  /** Path in the source, e.g. './clusters/local-2'. */
  readonly path: string;
  /** GitRepository name (in the same namespace). */
  readonly source: string;
  readonly namespace?: string;
  /** @default '5s' */
  readonly interval?: string;
  /** @default '2s' */
  readonly retryInterval?: string;
  /** @default '30s' */
  readonly timeout?: string;
  /** @default true */
  readonly prune?: boolean;
  /** @default true */
  readonly wait?: boolean;
  /** Secret (key `value`) with the kubeconfig of the cluster to apply into (see kubeconfigSecret). */
  readonly kubeConfigSecret?: string;
  readonly dependsOn?: readonly string[];
  readonly targetNamespace?: string;
}

export function kustomization(o: KustomizationOptions): KubeObject {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization',
    metadata: { name: o.name, namespace: o.namespace ?? FLUX_NAMESPACE },
    spec: {
      sourceRef: { kind: 'GitRepository', name: o.source },
      path: o.path,
      interval: o.interval ?? '5s',
      retryInterval: o.retryInterval ?? '2s',
      timeout: o.timeout ?? '30s',
      prune: o.prune ?? true,
      wait: o.wait ?? true,
      ...(o.kubeConfigSecret ? { kubeConfig: { secretRef: { name: o.kubeConfigSecret, key: 'value' } } } : {}),
      ...(o.dependsOn?.length ? { dependsOn: o.dependsOn.map((name) => ({ name })) } : {}),
      ...(o.targetNamespace ? { targetNamespace: o.targetNamespace } : {}),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Reading and waiting

export function condition(obj: FluxObject | undefined, type = 'Ready'): Condition | undefined {
  return obj?.status?.conditions?.find((c) => c.type === type);
}

/** Flux's revision string of a commit on a branch: `main@sha1:<sha>`. */
export function gitRevision(sha: string, branch = 'main'): string {
  return `${branch}@sha1:${sha}`;
}

/** An inventory entry id as kustomize-controller writes it: `<namespace>_<name>_<group>_<kind>`. */
export function inventoryId(o: { namespace?: string; name: string; group?: string; kind: string }): string {
  return `${o.namespace ?? ''}_${o.name}_${o.group ?? ''}_${o.kind}`;
}

export interface KustomizationStatus {
  readonly ready?: Condition;
  readonly lastAppliedRevision?: string;
  readonly lastAttemptedRevision?: string;
  /** status.inventory.entries ids, sorted. */
  readonly inventory: readonly string[];
  /** observedGeneration === metadata.generation */
  readonly current: boolean;
}

export function kustomizationStatus(k: FluxObject): KustomizationStatus {
  return {
    ready: condition(k),
    lastAppliedRevision: k.status?.lastAppliedRevision,
    lastAttemptedRevision: k.status?.lastAttemptedRevision,
    inventory: (k.status?.inventory?.entries ?? []).map((e) => e.id).sort(),
    current: k.status?.observedGeneration === k.metadata.generation,
  };
}

function describe(obj: FluxObject | undefined): string {
  if (!obj) return '(object not found)';
  const s = obj.status ?? {};
  return YAML.stringify({
    generation: obj.metadata.generation, observedGeneration: s.observedGeneration,
    conditions: s.conditions, lastAppliedRevision: s.lastAppliedRevision, lastAttemptedRevision: s.lastAttemptedRevision,
    artifactRevision: s.artifact?.revision, inventory: s.inventory?.entries?.map((e) => e.id),
  }).trimEnd();
}

/**
 * Polls a Flux object until `check` returns a value; on timeout the error names what was awaited
 * and holds the object's status and the tails of both controller logs. Fails at once if a
 * controller died.
 */
export async function waitForFlux<T>(flux: Flux, kind: string, name: string, what: string,
  check: (obj: FluxObject) => T | undefined, opts: { timeoutMs?: number; namespace?: string } = {}): Promise<T> {
  let last: FluxObject | undefined;
  return waitUntil(`${kind} ${name} in ${flux.hubContext}: ${what}`, opts.timeoutMs ?? 60_000, async () => {
    flux.assertRunning();
    last = await flux.get(kind, name, opts.namespace);
    return last ? check(last) : undefined;
  }, () => `status of ${kind} ${name}:\n${describe(last)}\n${flux.logTail()}`);
}

/**
 * Waits until a Flux object is Ready=True at its current generation; with `revision`, also until
 * it holds that revision (Kustomization: lastAppliedRevision; a source: status.artifact.revision).
 */
export async function waitForReady(flux: Flux, kind: string, name: string,
  opts: { revision?: string; timeoutMs?: number; namespace?: string } = {}): Promise<FluxObject> {
  const what = `Ready${opts.revision ? ` at ${opts.revision}` : ''}`;
  return waitForFlux(flux, kind, name, what, (obj) => {
    const ready = condition(obj)?.status === 'True' && obj.status?.observedGeneration === obj.metadata.generation;
    const rev = kind === 'Kustomization' ? obj.status?.lastAppliedRevision : obj.status?.artifact?.revision;
    return ready && (!opts.revision || rev === opts.revision) ? obj : undefined;
  }, opts);
}

// ---------------------------------------------------------------------------------------------
// Git: a local repository and a smart-HTTP server for it

/** git with no user or system configuration in the way. */
function git(cwd: string, args: string[], input?: string): string {
  return execFileSync('git', args, {
    cwd, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' },
  }).trim();
}

export interface GitRepo {
  readonly dir: string;
  /**
   * Writes files (a string, or objects written as a multi-document YAML stream), deletes those
   * given as null, commits everything and returns the new commit's sha.
   */
  commit(files: Readonly<Record<string, string | readonly object[] | null>>, message: string): string;
  head(): string;
}

/** Creates (or opens) a git repository with branch main and a local committer identity. */
export function gitRepo(dir: string): GitRepo {
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(path.join(dir, '.git'))) {
    git(dir, ['init', '-q', '-b', 'main']);
    git(dir, ['config', 'user.name', 'cdkfed test']);
    git(dir, ['config', 'user.email', 'cdkfed-test@example.invalid']);
    git(dir, ['config', 'commit.gpgsign', 'false']);
  }
  return {
    dir,
    commit(files, message) {
      for (const [rel, content] of Object.entries(files)) {
        const f = path.join(dir, rel);
        if (content === null) {
          fs.rmSync(f, { force: true });
          continue;
        }
        fs.mkdirSync(path.dirname(f), { recursive: true });
        fs.writeFileSync(f, typeof content === 'string' ? content : content.map((d) => YAML.stringify(d)).join('---\n'));
      }
      git(dir, ['add', '-A']);
      git(dir, ['commit', '-q', '-m', message]);
      return git(dir, ['rev-parse', 'HEAD']);
    },
    head: () => git(dir, ['rev-parse', 'HEAD']),
  };
}

export interface GitServer {
  /** Clone URL: http://127.0.0.1:<port>/<basename of the repository>. */
  readonly url: string;
  /** Requests served so far. */
  readonly requests: () => number;
  stop(): Promise<void>;
}

/**
 * Serves one repository read-only over git's smart HTTP protocol with `git http-backend` (CGI)
 * behind a Node HTTP server on 127.0.0.1, so source-controller (go-git) clones and fetches it.
 */
export async function serveGit(repoDir: string): Promise<GitServer> {
  const root = path.dirname(path.resolve(repoDir));
  const name = path.basename(path.resolve(repoDir));
  let served = 0;
  const server = http.createServer((req, res) => {
    served++;
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(`/${name}/`)) {
      res.writeHead(404).end(`only /${name} is served here\n`);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      try {
        if (/gzip/i.test(req.headers['content-encoding'] ?? '')) body = zlib.gunzipSync(body);
      } catch (e) {
        res.writeHead(400).end(`bad gzip body: ${(e as Error).message}\n`);
        return;
      }
      const cgi = spawn('git', ['http-backend'], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: {
          PATH: process.env.PATH, HOME: root, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
          GIT_PROJECT_ROOT: root, GIT_HTTP_EXPORT_ALL: '1',
          PATH_INFO: url.pathname, QUERY_STRING: url.search.replace(/^\?/, ''),
          REQUEST_METHOD: req.method ?? 'GET', CONTENT_TYPE: req.headers['content-type'] ?? '',
          CONTENT_LENGTH: String(body.length), REMOTE_ADDR: '127.0.0.1',
          ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
        },
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      cgi.stdout.on('data', (c: Buffer) => out.push(c));
      cgi.stderr.on('data', (c: Buffer) => err.push(c));
      cgi.stdin.on('error', () => undefined); // the backend may exit before reading everything
      cgi.on('error', (e) => { if (!res.headersSent) res.writeHead(500).end(`git http-backend: ${e.message}\n`); });
      cgi.on('close', (code) => {
        const all = Buffer.concat(out);
        const sep = all.indexOf('\r\n\r\n') >= 0 ? all.indexOf('\r\n\r\n') : all.indexOf('\n\n');
        if (sep < 0) {
          res.writeHead(500).end(`git http-backend exited with ${code}: ${Buffer.concat(err).toString()}\n`);
          return;
        }
        let status = 200;
        const headers: Record<string, string> = {};
        for (const line of all.subarray(0, sep).toString('latin1').split(/\r?\n/)) {
          const i = line.indexOf(':');
          if (i < 0) continue;
          const k = line.slice(0, i).trim();
          const v = line.slice(i + 1).trim();
          if (k.toLowerCase() === 'status') status = Number(v.split(' ')[0]);
          else headers[k] = v;
        }
        const payload = all.subarray(sep + (all[sep] === 0x0d ? 4 : 2));
        res.writeHead(status, { ...headers, 'content-length': payload.length });
        res.end(payload);
      });
      cgi.stdin.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/${name}`,
    requests: () => served,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
