/**
 * Local Kubernetes control planes for tests and local try-out, without Docker.
 *
 * Each cluster `local-N` is a set of host processes bound to 127.0.0.1:
 *   etcd + kube-apiserver + kube-controller-manager + kube-scheduler + kwok (simulated nodes).
 * The binaries come from `npm run clusters:build` (test/localk8s/build.sh), cached in
 * $CDKFED_LOCALK8S_HOME (default ~/.cache/cdk-federation/localk8s).
 *
 * State (PKI, etcd data, logs, pids) lives in $CDKFED_LOCALK8S_STATE (default <repo>/.localk8s);
 * one kubeconfig with a context per cluster is written to <state>/kubeconfig.
 *
 * Node built-ins only, so this module runs under tsx, ts-jest and plain Node alike.
 */
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const LOCALK8S_DIR = path.join(REPO_ROOT, 'test', 'localk8s');

/** Number of simulated (kwok) nodes per cluster. */
export const NODES_PER_CLUSTER = 3;
/** Ports per cluster: cluster N uses basePort + (N-1)*PORT_STRIDE + offset. */
const PORT_STRIDE = 10;
const PORT = { apiserver: 0, etcdClient: 1, etcdPeer: 2, controllerManager: 3, scheduler: 4 } as const;
const COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'] as const;
export type Component = (typeof COMPONENTS)[number];

export interface Versions {
  readonly KUBERNETES_VERSION: string;
  readonly ETCD_VERSION: string;
  readonly KWOK_VERSION: string;
  readonly OPENTOFU_VERSION: string;
  readonly TFK8S_MIRROR_VERSION: string;
  readonly TFK8S_SOURCE_VERSION: string;
  /** Flux source-controller and kustomize-controller (test/localk8s/flux.ts). */
  readonly FLUX_VERSION: string;
}

export function versions(): Versions {
  const text = fs.readFileSync(path.join(LOCALK8S_DIR, 'versions.env'), 'utf8');
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out as unknown as Versions;
}

/** Where `npm run clusters:build` caches the toolchain. */
export function toolchainHome(): string {
  return process.env.CDKFED_LOCALK8S_HOME || path.join(os.homedir(), '.cache', 'cdk-federation', 'localk8s');
}

/** Where cluster state and the kubeconfig live. */
export function stateDir(): string {
  return process.env.CDKFED_LOCALK8S_STATE || path.join(REPO_ROOT, '.localk8s');
}

/** The kubeconfig with one context per local cluster (`local-1`, `local-2`, ...). */
export function kubeconfigPath(): string {
  return process.env.CDKFED_LOCALK8S_KUBECONFIG || path.join(stateDir(), 'kubeconfig');
}

const DEFAULT_BASE_PORT = 16400;

/**
 * The first port of local-1: CDKFED_LOCALK8S_BASE_PORT if set; else the base recorded when the
 * running clusters were started; else undefined (up() picks the first free one from 16400 in
 * steps of 100, so clusters left running by another checkout do not block this one).
 */
function configuredBasePort(): number | undefined {
  if (process.env.CDKFED_LOCALK8S_BASE_PORT) return Number(process.env.CDKFED_LOCALK8S_BASE_PORT);
  const running = existingClusters()[0];
  if (running) return running.info.ports.apiserver - (running.info.index - 1) * PORT_STRIDE;
  return undefined;
}

async function chooseBasePort(count: number): Promise<number> {
  const configured = configuredBasePort();
  if (configured !== undefined) return configured;
  for (let base = DEFAULT_BASE_PORT; base < DEFAULT_BASE_PORT + 20 * 100; base += 100) {
    const ports = Array.from({ length: count }, (_, i) => Object.values(clusterInfo(i + 1, base).ports)).flat();
    const free = await Promise.all(ports.map(portFree));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no free ports for ${count} clusters from ${DEFAULT_BASE_PORT} on; set CDKFED_LOCALK8S_BASE_PORT`);
}

export interface Toolchain {
  readonly etcd: string;
  readonly kubeApiserver: string;
  readonly kubeControllerManager: string;
  readonly kubeScheduler: string;
  readonly kwok: string;
  readonly pki: string;
  readonly tofu: string;
  /** Filesystem mirror holding the Terraform kubernetes provider. */
  readonly tfMirror: string;
}

export class ToolchainMissingError extends Error {}

/**
 * Paths of the built binaries; throws ToolchainMissingError (with how to build) if any of the
 * needed ones is missing: `clusters` (control plane + kwok), `tofu` (OpenTofu + mirror) or `all`.
 */
export function toolchain(need: 'clusters' | 'tofu' | 'all' = 'all'): Toolchain {
  const v = versions();
  const home = toolchainHome();
  const k8s = path.join(home, `kubernetes-${v.KUBERNETES_VERSION}`);
  const pkiDirs = fs.existsSync(home) ? fs.readdirSync(home).filter((d) => d.startsWith('localk8s-pki-')) : [];
  const pkiDir = pkiDirs.map((d) => path.join(home, d)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  const t: Toolchain = {
    etcd: path.join(home, `etcd-${v.ETCD_VERSION}`, 'etcd'),
    kubeApiserver: path.join(k8s, 'kube-apiserver'),
    kubeControllerManager: path.join(k8s, 'kube-controller-manager'),
    kubeScheduler: path.join(k8s, 'kube-scheduler'),
    kwok: path.join(home, `kwok-${v.KWOK_VERSION}`, 'kwok'),
    pki: pkiDir ? path.join(pkiDir, 'localk8s-pki') : path.join(home, 'localk8s-pki-<key>', 'localk8s-pki'),
    tofu: path.join(home, `opentofu-${v.OPENTOFU_VERSION}`, 'tofu'),
    tfMirror: path.join(home, 'tf-mirror'),
  };
  const providerBin = path.join(t.tfMirror, 'registry.opentofu.org', 'hashicorp', 'kubernetes', v.TFK8S_MIRROR_VERSION,
    'linux_amd64', `terraform-provider-kubernetes_v${v.TFK8S_MIRROR_VERSION}`);
  const clusterBins = [t.etcd, t.kubeApiserver, t.kubeControllerManager, t.kubeScheduler, t.kwok, t.pki];
  const tofuBins = [t.tofu, providerBin];
  const needed = need === 'clusters' ? clusterBins : need === 'tofu' ? tofuBins : [...clusterBins, ...tofuBins];
  const missing = needed.filter((p) => !fs.existsSync(p));
  if (missing.length > 0) {
    throw new ToolchainMissingError(
      `The local Kubernetes toolchain is not built (missing: ${missing.join(', ')}).\n` +
      `Build it once with:  npm run clusters:build\n` +
      `It compiles kube-apiserver, kube-controller-manager, kube-scheduler, etcd, kwok, OpenTofu and the ` +
      `Terraform kubernetes provider from Go modules (needs Go >= 1.26.6 and the Go module proxy; about ` +
      `35-50 minutes on 2 cores the first time, under a second afterwards) into ${home} ` +
      `(override with CDKFED_LOCALK8S_HOME). See test/localk8s/README.md.`,
    );
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// Cluster state

export interface ClusterInfo {
  readonly name: string;
  readonly index: number;
  readonly server: string;
  readonly ports: Record<keyof typeof PORT, number>;
  readonly dir: string;
}

/** A started process; `args` lets a fault test restart a component it stopped (restartComponent). */
interface ProcRecord { readonly pid: number; readonly bin: string; readonly args?: readonly string[] }
interface ClusterState { readonly info: ClusterInfo; readonly procs: Partial<Record<Component, ProcRecord>> }

export type ClusterHealth = 'running' | 'crashed' | 'starting';

export interface ClusterStatus {
  readonly info: ClusterInfo;
  readonly health: ClusterHealth;
  /** Components whose process is gone (for a crashed cluster). */
  readonly dead: readonly string[];
  /** Sum of the resident set sizes of the cluster's processes, in bytes. */
  readonly rssBytes: number;
  readonly nodesReady?: number;
}

export function clusterName(index: number): string {
  return `local-${index}`;
}

function clusterInfo(index: number, basePort: number): ClusterInfo {
  const base = basePort + (index - 1) * PORT_STRIDE;
  const ports = Object.fromEntries(Object.entries(PORT).map(([k, off]) => [k, base + off])) as ClusterInfo['ports'];
  const name = clusterName(index);
  return { name, index, server: `https://127.0.0.1:${ports.apiserver}`, ports, dir: path.join(stateDir(), 'clusters', name) };
}

function readState(dir: string): ClusterState | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

function writeState(s: ClusterState): void {
  const f = path.join(s.info.dir, 'state.json');
  fs.writeFileSync(f + '.tmp', JSON.stringify(s, null, 2));
  fs.renameSync(f + '.tmp', f);
}

/** True if pid is alive and runs bin (guards against pid reuse). */
function alive(p: ProcRecord): boolean {
  try {
    const exe = fs.readlinkSync(`/proc/${p.pid}/exe`);
    if (exe !== p.bin && exe !== `${p.bin} (deleted)`) return false;
    // A zombie (exited, not yet reaped by its new parent) is not alive.
    const stat = fs.readFileSync(`/proc/${p.pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /s.test(stat);
  } catch {
    return false;
  }
}

/**
 * Dead with its files and sockets closed: gone from /proc, a zombie, or its pid reused by
 * another program. A process being killed loses its exe link (alive() turns false) before the
 * kernel closes its files, so alive() alone does not say its port can be bound again.
 */
function exited(p: ProcRecord): boolean {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${p.pid}/stat`, 'utf8');
  } catch {
    return true;
  }
  if (/^\d+ \(.*\) [ZX] /s.test(stat)) return true;
  try {
    const exe = fs.readlinkSync(`/proc/${p.pid}/exe`);
    return exe !== p.bin && exe !== `${p.bin} (deleted)`;
  } catch {
    return false; // exiting: memory released, files not yet closed
  }
}

function rss(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Existing cluster directories, sorted by index. */
function existingClusters(): ClusterState[] {
  const root = path.join(stateDir(), 'clusters');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root)
    .map((d) => readState(path.join(root, d)))
    .filter((s): s is ClusterState => s !== undefined)
    .sort((a, b) => a.info.index - b.info.index);
}

function statusOf(s: ClusterState): ClusterStatus {
  const dead = COMPONENTS.filter((c) => s.procs[c] !== undefined && !alive(s.procs[c]!));
  const started = COMPONENTS.filter((c) => s.procs[c] !== undefined);
  const rssBytes = started.filter((c) => !dead.includes(c)).reduce((sum, c) => sum + rss(s.procs[c]!.pid), 0);
  const health: ClusterHealth = dead.length > 0 ? 'crashed' : started.length === COMPONENTS.length ? 'running' : 'starting';
  return { info: s.info, health, dead, rssBytes };
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers

interface Tls { ca: Buffer; cert: Buffer; key: Buffer }

function tlsFor(info: ClusterInfo): Tls {
  const pki = path.join(info.dir, 'pki');
  return {
    ca: fs.readFileSync(path.join(pki, 'ca.crt')),
    cert: fs.readFileSync(path.join(pki, 'admin.crt')),
    key: fs.readFileSync(path.join(pki, 'admin.key')),
  };
}

function request(url: string, opts: { tls?: Tls; method?: string; body?: unknown; insecure?: boolean } = {}):
Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const common = {
      method: opts.method ?? 'GET',
      headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
      timeout: 5000,
    };
    const req = u.protocol === 'https:'
      ? https.request(u, { ...common, ca: opts.tls?.ca, cert: opts.tls?.cert, key: opts.tls?.key, rejectUnauthorized: !opts.insecure })
      : http.request(u, common);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>, onTimeout?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (e) {
      lastErr = e;
    }
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}` +
    (lastErr ? ` (last error: ${(lastErr as Error).message})` : '') + (onTimeout ? `\n${onTimeout()}` : ''));
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

// ---------------------------------------------------------------------------------------------
// Kubeconfigs

function kubeconfigYaml(entries: { name: string; server: string; ca: Buffer; cert: Buffer; key: Buffer }[], current?: string): string {
  const b64 = (b: Buffer) => b.toString('base64');
  const lines = ['apiVersion: v1', 'kind: Config', 'preferences: {}', `current-context: ${current ?? entries[0]?.name ?? '""'}`, 'clusters:'];
  for (const e of entries) {
    lines.push(`- name: ${e.name}`, '  cluster:', `    server: ${e.server}`, `    certificate-authority-data: ${b64(e.ca)}`);
  }
  lines.push('users:');
  for (const e of entries) {
    lines.push(`- name: ${e.name}-admin`, '  user:', `    client-certificate-data: ${b64(e.cert)}`, `    client-key-data: ${b64(e.key)}`);
  }
  lines.push('contexts:');
  for (const e of entries) {
    lines.push(`- name: ${e.name}`, '  context:', `    cluster: ${e.name}`, `    user: ${e.name}-admin`, '    namespace: default');
  }
  return lines.join('\n') + '\n';
}

/** A kubeconfig for one component of a cluster, authenticating with <pki>/<user>.crt. */
function componentKubeconfig(info: ClusterInfo, user: string): string {
  const pki = path.join(info.dir, 'pki');
  const file = path.join(info.dir, `${user}.kubeconfig`);
  const yaml = kubeconfigYaml([{
    name: info.name,
    server: info.server,
    ca: fs.readFileSync(path.join(pki, 'ca.crt')),
    cert: fs.readFileSync(path.join(pki, `${user}.crt`)),
    key: fs.readFileSync(path.join(pki, `${user}.key`)),
  }]);
  fs.writeFileSync(file, yaml, { mode: 0o600 });
  return file;
}

/** Rewrites the shared kubeconfig from the clusters that exist now. */
function writeSharedKubeconfig(): string {
  const file = kubeconfigPath();
  const clusters = existingClusters();
  if (clusters.length === 0) {
    fs.rmSync(file, { force: true });
    return file;
  }
  const entries = clusters.map((s) => ({ name: s.info.name, server: s.info.server, ...tlsFor(s.info) }));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file + '.tmp', kubeconfigYaml(entries), { mode: 0o600 });
  fs.renameSync(file + '.tmp', file);
  return file;
}

// ---------------------------------------------------------------------------------------------
// Start / stop

function startProcess(info: ClusterInfo, name: Component, bin: string, args: string[]): ProcRecord {
  const logDir = path.join(info.dir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  const log = fs.openSync(path.join(logDir, `${name}.log`), 'a');
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', log, log], cwd: info.dir, env: { ...process.env, HOME: info.dir } });
  fs.closeSync(log);
  child.unref();
  if (child.pid === undefined) throw new Error(`${info.name}: failed to start ${bin}`);
  return { pid: child.pid, bin, args };
}

function logTail(info: ClusterInfo, name: string, lines = 15): string {
  try {
    const all = fs.readFileSync(path.join(info.dir, 'logs', `${name}.log`), 'utf8').trimEnd().split('\n');
    return `--- last lines of ${path.join(info.dir, 'logs', `${name}.log`)} ---\n${all.slice(-lines).join('\n')}`;
  } catch {
    return '';
  }
}

async function startCluster(info: ClusterInfo, t: Toolchain): Promise<void> {
  for (const [k, p] of Object.entries(info.ports)) {
    if (!(await portFree(p))) {
      throw new Error(`${info.name}: port ${p} (${k}) on 127.0.0.1 is in use; stop what uses it or set CDKFED_LOCALK8S_BASE_PORT`);
    }
  }
  fs.rmSync(info.dir, { recursive: true, force: true });
  fs.mkdirSync(info.dir, { recursive: true });
  const pki = path.join(info.dir, 'pki');
  execFileSync(t.pki, ['-dir', pki, '-name', info.name], { stdio: 'inherit' });
  const procs: Partial<Record<Component, ProcRecord>> = {};
  const save = () => writeState({ info, procs });
  save();
  const p = (f: string) => path.join(pki, f);
  const tls = tlsFor(info);
  const ensureAlive = (c: Component) => {
    if (!alive(procs[c]!)) throw new Error(`${info.name}: ${c} exited during start-up\n${logTail(info, c)}`);
  };

  // etcd
  const etcdUrl = `http://127.0.0.1:${info.ports.etcdClient}`;
  const peerUrl = `http://127.0.0.1:${info.ports.etcdPeer}`;
  procs.etcd = startProcess(info, 'etcd', t.etcd, [
    `--name=${info.name}`, `--data-dir=${path.join(info.dir, 'etcd')}`,
    `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
    `--listen-peer-urls=${peerUrl}`, `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=${info.name}=${peerUrl}`, '--initial-cluster-state=new',
    '--unsafe-no-fsync=true', // test data only: skipping fsync keeps slow CI disks out of the picture
    '--quota-backend-bytes=1073741824', '--log-level=warn',
  ]);
  save();
  await waitFor(`${info.name} etcd`, 30_000, async () => {
    ensureAlive('etcd');
    const r = await request(`${etcdUrl}/health`);
    return r.status === 200 && r.body.includes('true');
  }, () => logTail(info, 'etcd'));

  // kube-apiserver
  procs['kube-apiserver'] = startProcess(info, 'kube-apiserver', t.kubeApiserver, [
    `--etcd-servers=${etcdUrl}`, `--etcd-prefix=/registry`,
    '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${info.ports.apiserver}`,
    '--endpoint-reconciler-type=none',
    `--tls-cert-file=${p('apiserver.crt')}`, `--tls-private-key-file=${p('apiserver.key')}`,
    `--client-ca-file=${p('ca.crt')}`,
    `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
    `--service-account-key-file=${p('sa.pub')}`, `--service-account-signing-key-file=${p('sa.key')}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    '--authorization-mode=RBAC', '--allow-privileged=true', '--profiling=false',
    // New nodes would get the not-ready taint, which only the (disabled) node lifecycle controller removes.
    '--disable-admission-plugins=TaintNodesByCondition',
    '--enable-priority-and-fairness=false', // less background work for small test clusters
  ]);
  save();
  await waitFor(`${info.name} kube-apiserver /readyz`, 90_000, async () => {
    ensureAlive('kube-apiserver');
    return (await request(`${info.server}/readyz`, { tls })).status === 200;
  }, () => logTail(info, 'kube-apiserver'));

  // controller-manager, scheduler, kwok
  const kcmKubeconfig = componentKubeconfig(info, 'controller-manager');
  procs['kube-controller-manager'] = startProcess(info, 'kube-controller-manager', t.kubeControllerManager, [
    `--kubeconfig=${kcmKubeconfig}`, `--authentication-kubeconfig=${kcmKubeconfig}`, `--authorization-kubeconfig=${kcmKubeconfig}`,
    '--bind-address=127.0.0.1', `--secure-port=${info.ports.controllerManager}`, '--leader-elect=false',
    '--use-service-account-credentials=true', `--service-account-private-key-file=${p('sa.key')}`,
    `--root-ca-file=${p('ca.crt')}`, `--cluster-signing-cert-file=${p('ca.crt')}`, `--cluster-signing-key-file=${p('ca.key')}`,
    // Simulated nodes send no heartbeats; the node lifecycle controller would mark them NotReady and evict pods.
    '--controllers=*,-node-lifecycle-controller', '--profiling=false',
  ]);
  const schedKubeconfig = componentKubeconfig(info, 'scheduler');
  procs['kube-scheduler'] = startProcess(info, 'kube-scheduler', t.kubeScheduler, [
    `--kubeconfig=${schedKubeconfig}`, `--authentication-kubeconfig=${schedKubeconfig}`, `--authorization-kubeconfig=${schedKubeconfig}`,
    '--bind-address=127.0.0.1', `--secure-port=${info.ports.scheduler}`, '--leader-elect=false', '--profiling=false',
  ]);
  const kwokKubeconfig = componentKubeconfig(info, 'kwok');
  procs.kwok = startProcess(info, 'kwok', t.kwok, [
    `--kubeconfig=${kwokKubeconfig}`, `--config=${path.join(LOCALK8S_DIR, 'kwok-stages.yaml')}`,
    '--manage-all-nodes=true', '--node-lease-duration-seconds=0', '--cidr=10.244.0.1/16', '--node-ip=10.0.0.1',
  ]);
  save();

  // simulated nodes
  for (let n = 1; n <= NODES_PER_CLUSTER; n++) {
    const name = `kwok-node-${n}`;
    const zone = `zone-${String.fromCharCode(96 + n)}`;
    const r = await request(`${info.server}/api/v1/nodes`, {
      tls, method: 'POST',
      body: {
        apiVersion: 'v1', kind: 'Node',
        metadata: {
          name,
          annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
          labels: {
            'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64',
            'type': 'kwok', 'topology.kubernetes.io/zone': zone, 'topology.kubernetes.io/region': info.name,
          },
        },
      },
    });
    if (r.status !== 201 && r.status !== 409) throw new Error(`${info.name}: creating node ${name}: HTTP ${r.status} ${r.body}`);
  }
}

/** Waits until a cluster is fully usable: components healthy, nodes Ready, default service account present. */
async function waitReady(info: ClusterInfo, timeoutMs = 120_000): Promise<void> {
  const tls = tlsFor(info);
  const s = () => readState(info.dir)!;
  const check = (c: Component) => {
    const st = statusOf(s());
    if (st.dead.includes(c)) throw new Error(`${info.name}: ${c} exited\n${logTail(info, c)}`);
  };
  await waitFor(`${info.name} kube-controller-manager and kube-scheduler /healthz`, timeoutMs, async () => {
    check('kube-controller-manager'); check('kube-scheduler');
    const a = await request(`https://127.0.0.1:${info.ports.controllerManager}/healthz`, { insecure: true });
    const b = await request(`https://127.0.0.1:${info.ports.scheduler}/healthz`, { insecure: true });
    return a.status === 200 && b.status === 200;
  });
  await waitFor(`${info.name} ${NODES_PER_CLUSTER} Ready nodes`, timeoutMs, async () => {
    check('kwok');
    const r = await request(`${info.server}/api/v1/nodes`, { tls });
    return readyNodes(r.body) >= NODES_PER_CLUSTER;
  }, () => logTail(info, 'kwok'));
  await waitFor(`${info.name} default service account`, timeoutMs, async () =>
    (await request(`${info.server}/api/v1/namespaces/default/serviceaccounts/default`, { tls })).status === 200,
  () => logTail(info, 'kube-controller-manager'));
}

function readyNodes(body: string): number {
  const list = JSON.parse(body) as { items?: { status?: { conditions?: { type: string; status: string }[] } }[] };
  return (list.items ?? []).filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
}

async function nodesReady(info: ClusterInfo): Promise<number | undefined> {
  try {
    const r = await request(`${info.server}/api/v1/nodes`, { tls: tlsFor(info) });
    return r.status === 200 ? readyNodes(r.body) : undefined;
  } catch {
    return undefined;
  }
}

export class CrashedClusterError extends Error {}

export interface UpResult {
  readonly kubeconfig: string;
  readonly clusters: readonly ClusterStatus[];
  /** Clusters that this call started (the others were already running and were reused). */
  readonly started: readonly string[];
}

/**
 * Ensures clusters local-1..local-count run and are ready. Running clusters are reused;
 * a crashed one (any process gone) is reported with CrashedClusterError and never restarted:
 * run `npm run clusters:down` first.
 */
export async function up(count: number, log: (line: string) => void = () => undefined): Promise<UpResult> {
  if (!Number.isInteger(count) || count < 1 || count > 50) throw new Error(`--count must be an integer from 1 to 50, got ${count}`);
  const t = toolchain('clusters');
  const existing = new Map(existingClusters().map((s) => [s.info.index, s]));
  const crashed = [...existing.values()].map(statusOf).filter((s) => s.health === 'crashed');
  if (crashed.length > 0) {
    throw new CrashedClusterError(crashed.map((c) =>
      `${c.info.name}: crashed (${c.dead.join(', ')} not running; logs in ${path.join(c.info.dir, 'logs')})`).join('\n') +
      `\nCrashed clusters are not restarted automatically. Run \`npm run clusters:down\` and then \`npm run clusters:up\` again.`);
  }
  const toStart: number[] = [];
  for (let i = 1; i <= count; i++) {
    const s = existing.get(i);
    if (!s || statusOf(s).health !== 'running') toStart.push(i);
  }
  // A half-started cluster (an earlier `up` was interrupted) has live processes: stop them first.
  for (const i of toStart) if (existing.has(i)) await stopCluster(existing.get(i)!);
  const base = await chooseBasePort(count);
  const t0 = Date.now();
  const startOne = async (i: number) => {
    const info = clusterInfo(i, base);
    try {
      await startCluster(info, t);
      await waitReady(info);
    } catch (e) {
      const s = readState(info.dir);
      if (s) await stopCluster(s);
      throw e;
    }
  };
  const results = await Promise.allSettled(toStart.map(startOne));
  const kubeconfig = writeSharedKubeconfig();
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0) throw new Error(failures.map((f) => (f.reason as Error).message).join('\n'));
  if (toStart.length > 0) log(`started ${toStart.map(clusterName).join(', ')} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  const clusters = await status();
  return { kubeconfig, clusters, started: toStart.map(clusterName) };
}

async function stopCluster(s: ClusterState): Promise<void> {
  const signal = (p: ProcRecord, sig: NodeJS.Signals) => {
    try { process.kill(-p.pid, sig); } catch { try { process.kill(p.pid, sig); } catch { /* gone */ } }
  };
  // The API server and its clients first, etcd last (an API server whose etcd is gone shuts down slowly).
  const stages: Component[][] = [['kwok', 'kube-scheduler', 'kube-controller-manager', 'kube-apiserver'], ['etcd']];
  for (const stage of stages) {
    const procs = stage.map((c) => s.procs[c]).filter((p): p is ProcRecord => p !== undefined && alive(p));
    procs.forEach((p) => signal(p, 'SIGTERM'));
    const deadline = Date.now() + 10_000;
    while (procs.some(alive) && Date.now() < deadline) await sleep(100);
    procs.filter(alive).forEach((p) => signal(p, 'SIGKILL'));
    // their ports are free only once they have exited, not merely stopped running
    while (procs.some((p) => !exited(p)) && Date.now() < deadline + 10_000) await sleep(50);
  }
  fs.rmSync(s.info.dir, { recursive: true, force: true });
}

/**
 * Stops local clusters and removes their state: all of them (and the kubeconfig) by default,
 * or only those named. Idempotent.
 */
export async function down(log: (line: string) => void = () => undefined, only?: readonly string[]): Promise<void> {
  const clusters = existingClusters().filter((s) => !only || only.includes(s.info.name));
  await Promise.all(clusters.map(async (s) => {
    await stopCluster(s);
    log(`${s.info.name}: stopped and removed`);
  }));
  if (only) {
    writeSharedKubeconfig();
    return;
  }
  // Remove directories without a readable state.json (interrupted starts) too.
  fs.rmSync(path.join(stateDir(), 'clusters'), { recursive: true, force: true });
  fs.rmSync(kubeconfigPath(), { force: true });
  if (clusters.length === 0) log('no local clusters');
}

// ---------------------------------------------------------------------------------------------
// Faults: one component of a running cluster stopped and started again, and test users

function runningState(name: string): ClusterState {
  const s = existingClusters().find((c) => c.info.name === name);
  if (!s) throw new Error(`${name}: no such local cluster (see npm run clusters:status)`);
  return s;
}

/**
 * Kills one component of a running cluster with SIGKILL, as a crash would, and waits until it is
 * gone. The cluster reads as crashed (and `up` refuses it) until restartComponent.
 */
export async function stopComponent(name: string, component: Component): Promise<void> {
  const p = runningState(name).procs[component];
  if (!p?.args) throw new Error(`${name}: ${component} was not started by this version of localk8s; run npm run clusters:down, then start again`);
  try { process.kill(-p.pid, 'SIGKILL'); } catch { try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ } }
  await waitFor(`${name} ${component} to exit`, 10_000, async () => exited(p));
}

/**
 * Starts a stopped component again with the arguments it first had (plus `extraArgs` for this
 * start only, e.g. a lower request limit), and waits until it serves. After an API server
 * outage its clients' informers back off for up to half a minute (and the first watches after
 * the restart can be refused before RBAC has synced), so a restarted kube-apiserver gets fresh
 * controller-manager, scheduler and kwok processes too, as a rebooted control-plane node would.
 */
export async function restartComponent(name: string, component: Component, extraArgs: readonly string[] = []): Promise<void> {
  let s = runningState(name);
  const p = s.procs[component];
  if (!p?.args) throw new Error(`${name}: ${component} was not started by this version of localk8s; run npm run clusters:down, then start again`);
  if (alive(p)) return;
  const ports: Partial<Record<Component, number[]>> = {
    'etcd': [s.info.ports.etcdClient, s.info.ports.etcdPeer], 'kube-apiserver': [s.info.ports.apiserver],
    'kube-controller-manager': [s.info.ports.controllerManager], 'kube-scheduler': [s.info.ports.scheduler],
  };
  const start = async (c: Component, extra: readonly string[] = []) => {
    await waitFor(`${name} ${c}'s ports to be free`, 10_000, async () => (await Promise.all((ports[c] ?? []).map(portFree))).every(Boolean));
    const rec = s.procs[c]!;
    // the recorded arguments stay the first ones, so the next restart is a normal one
    s = { info: s.info, procs: { ...s.procs, [c]: { ...startProcess(s.info, c, rec.bin, [...rec.args!, ...extra]), args: rec.args } } };
    writeState(s);
  };
  await start(component, extraArgs);
  const info = s.info;
  if (component === 'etcd') {
    await waitFor(`${name} etcd`, 30_000, async () => (await request(`http://127.0.0.1:${info.ports.etcdClient}/health`)).body.includes('true'), () => logTail(info, 'etcd'));
  }
  if (component === 'etcd' || component === 'kube-apiserver') {
    await waitFor(`${name} kube-apiserver /readyz`, 90_000, async () => (await request(`${info.server}/readyz`, { tls: tlsFor(info) })).status === 200, () => logTail(info, 'kube-apiserver'));
  }
  if (component === 'kube-apiserver') {
    const clients: Component[] = ['kube-controller-manager', 'kube-scheduler', 'kwok'];
    for (const c of clients) await stopComponent(name, c);
    for (const c of clients) await start(c);
    await waitReady(info);
  }
}

/**
 * A kubeconfig (context `<name>`) for one of the pki helper's test users of the cluster:
 * `nobody` (authenticated, granted nothing: every request is 403), `operator` (granted nothing
 * until a test binds it a role; unlike the admin it is not in system:masters, which the API
 * server exempts from its in-flight limits) or `expired` (a cluster admin whose certificate
 * expired yesterday). The helper is idempotent and adds missing files.
 */
export function userKubeconfig(name: string, user: 'nobody' | 'operator' | 'expired'): string {
  const { info } = runningState(name);
  execFileSync(toolchain('clusters').pki, ['-dir', path.join(info.dir, 'pki'), '-name', info.name], { stdio: 'inherit' });
  return componentKubeconfig(info, user);
}

/** Status of every existing cluster (process liveness, RSS, Ready nodes). */
export async function status(): Promise<ClusterStatus[]> {
  return Promise.all(existingClusters().map(async (s) => {
    const st = statusOf(s);
    return { ...st, nodesReady: st.health === 'running' ? await nodesReady(s.info) : undefined };
  }));
}

export function formatStatus(s: ClusterStatus): string {
  const mib = (s.rssBytes / 1024 / 1024).toFixed(0);
  const nodes = s.nodesReady === undefined ? 'nodes ?' : `nodes ${s.nodesReady}/${NODES_PER_CLUSTER} Ready`;
  const extra = s.health === 'crashed' ? `  not running: ${s.dead.join(', ')}  logs: ${path.join(s.info.dir, 'logs')}` : '';
  return `${s.info.name.padEnd(9)} ${s.health.padEnd(8)} ${s.info.server}  ${nodes}  rss ${mib} MiB${extra}`;
}
