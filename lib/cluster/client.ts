/**
 * One API server, reached through one kubeconfig context: the only importer of
 * @kubernetes/client-node, which is used for what it does well (kubeconfig parsing,
 * credentials, exec plugins), and loaded only when a context needs it: a plain one (a
 * certificate or a static token, see kubeconfig.ts) is read without it. Requests themselves
 * go out as raw JSON over node's https: client-node 1.4 re-serializes bodies through
 * generated models and can drop fields of custom resources (kubernetes-client/javascript #2384).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- request and response bodies are untyped JSON of any kind */
import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as tls from 'tls';
import * as path from 'path';
import type * as K8s from '@kubernetes/client-node';
import { FederationError } from '../errors';
import { apiGroup, apiVersionName, describeRef, ObjectRef } from '../kube/object';
import { plainContext } from './kubeconfig';

/** client-node is ESM only; the integration tests hand it in from outside Jest's sandbox. */
function clientNode(): typeof K8s {
  const given = (globalThis as { __CDKFED_CLIENT_NODE__?: typeof K8s }).__CDKFED_CLIENT_NODE__;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return given ?? require('@kubernetes/client-node');
}

/** A failed API call: the HTTP status and the parsed metav1.Status, when there is one. */
export class KubeApiError extends Error {
  constructor(
    public readonly cluster: string,
    public readonly status: number,
    public readonly reason: string,
    message: string,
    public readonly causes: ReadonlyArray<{ reason?: string; type?: string; field?: string; message?: string }> = [],
    /** The server's Retry-After (429, 503), in milliseconds. */
    public readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

/** A connection-level failure (refused, reset, TLS) after retries. */
export class UnreachableError extends Error {
  constructor(public readonly cluster: string, public readonly server: string, message: string) {
    super(message);
    this.name = 'UnreachableError';
  }
}

export interface ClusterTarget {
  readonly name: string;
  readonly context: string;
  /** From federation.json: the registry's kubeconfig path, if it set one. */
  readonly kubeconfig?: string;
}

export interface ConnectOptions {
  /** --kubeconfig: wins over the cluster's own kubeconfig and $KUBECONFIG. */
  readonly kubeconfig?: string;
  /**
   * $KUBECONFIG as the caller read it from its environment (the library never reads it):
   * the files kubectl would merge when neither --kubeconfig nor the registry names one.
   * @default - ~/.kube/config
   */
  readonly kubeconfigEnv?: string;
  /** How long to keep retrying transient failures of one request. @default 20000 */
  readonly retryBudgetMs?: number;
  /** Per-request timeout. @default 30000 */
  readonly requestTimeoutMs?: number;
  /** Counts every request, for benchmarks. */
  readonly onRequest?: (method: string, path: string) => void;
}

export interface ApiResource {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

export type Query = Record<string, string | number | boolean | undefined>;

/**
 * Clusters that plan and drift read at once. Each holds one connection and one cluster's live
 * objects while it is read, and the reads are network waits, so a fleet of up to this many is
 * read in the time of its slowest cluster (the LIST floor runs every cluster at once).
 */
export const CLUSTERS_READ_AT_ONCE = 16;

/** Connections kept to one API server (HTTP/1.1 keep-alive): as many as a LIST per kind of a typical set needs at once. */
export const MAX_CONNECTIONS = 4;

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'ERR_TIMEOUT']);
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

/** A context's credentials: TLS material and headers for a request (client-node refreshes exec tokens per request). */
type Credentials = () => Promise<https.RequestOptions>;

/** The user of a context, for the client certificate's expiry check. */
interface ContextUser {
  readonly name?: string;
  readonly certData?: string | null;
  readonly certFile?: string | null;
}

export class ClusterClient {
  /**
   * Resolves the cluster's kubeconfig and context; fails with a FederationError naming the
   * cluster, the file and the fix. Makes no request.
   */
  public static connect(target: ClusterTarget, opts: ConnectOptions = {}): ClusterClient {
    const file = opts.kubeconfig ?? (target.kubeconfig ? expandHome(target.kubeconfig) : undefined);
    const env = opts.kubeconfigEnv;
    const source = file ?? (env ? `$KUBECONFIG (${env})` : '~/.kube/config');
    // One file (the common case): a plain context is read without client-node.
    const home = path.join(os.homedir(), '.kube', 'config');
    const envPaths = (env ?? home).split(path.delimiter).filter(Boolean);
    const single = file ?? (envPaths.length === 1 ? envPaths[0] : envPaths.length === 0 && !env ? home : undefined);
    const plain = single !== undefined ? plainContext(single, target.context) : undefined;
    if (plain) {
      checkClientCertificate(target.name, plain.user, source);
      const { ca, cert, key, servername, token } = plain;
      const credentials: Credentials = async () => ({ ca, cert, key, servername, headers: token ? { Authorization: `Bearer ${token}` } : {} });
      return new ClusterClient(target.name, credentials, plain.server.replace(/\/+$/, ''), plain.insecure, opts);
    }
    return ClusterClient.connectWithClientNode(target, opts, file, env, source);
  }

  /** Any other kubeconfig: read by client-node (exec plugins, auth providers, several files merged, and its errors). */
  private static connectWithClientNode(target: ClusterTarget, opts: ConnectOptions, file: string | undefined, env: string | undefined, source: string): ClusterClient {
    const k8s = clientNode();
    const kc = new k8s.KubeConfig();
    try {
      if (file) {
        fs.accessSync(file, fs.constants.R_OK);
        kc.loadFromFile(file);
      } else {
        // What client-node's loadFromDefault does, from the value given instead of process.env:
        // the first file, then each further one merged in.
        const home = path.join(os.homedir(), '.kube', 'config');
        const paths = (env ?? home).split(path.delimiter).filter(Boolean);
        for (const p of paths) fs.accessSync(p, fs.constants.R_OK);
        const files = paths.length > 0 ? paths : fs.existsSync(home) ? [home] : []; // an empty $KUBECONFIG reads the default
        files.forEach((p, i) => {
          if (i === 0) return kc.loadFromFile(p);
          const more = new k8s.KubeConfig();
          more.loadFromFile(p);
          kc.mergeConfig(more);
        });
      }
    } catch (e) {
      throw new FederationError('KUBECONFIG_UNREADABLE', `cluster ${target.name}`, `cannot load kubeconfig ${source}: ${(e as Error).message.split('\n')[0]}`,
        'pass --kubeconfig <file>, set KUBECONFIG, or fix the `kubeconfig` of this cluster in the registry');
    }
    const ctx = kc.getContextObject(target.context);
    if (!ctx) {
      const have = kc.getContexts().map((c) => c.name);
      throw new FederationError('CONTEXT_MISSING', `cluster ${target.name}`, `context "${target.context}" is not in kubeconfig ${source} (it has: ${have.join(', ') || 'none'})`,
        'add the context to the kubeconfig, or fix `context` of this cluster in the registry and synth again');
    }
    kc.setCurrentContext(target.context);
    const cluster = kc.getCurrentCluster();
    if (!cluster || !cluster.server) {
      throw new FederationError('CONTEXT_MISSING', `cluster ${target.name}`, `context "${target.context}" in ${source} names no cluster with a server`,
        'fix the context\'s cluster entry in the kubeconfig');
    }
    checkClientCertificate(target.name, kc.getCurrentUser() ?? undefined, source);
    const credentials: Credentials = async () => {
      const o: https.RequestOptions = {};
      await kc.applyToHTTPSOptions(o);
      return o;
    };
    return new ClusterClient(target.name, credentials, cluster.server.replace(/\/+$/, ''), cluster.skipTLSVerify, opts);
  }

  /** Requests made: reads, writes to objects and records, writes of the deploy lease, and attempts retried after a transient failure. */
  public readonly stats = { reads: 0, writes: 0, leaseWrites: 0, retries: 0 };
  /** Keep-alive connections, made on the first request with the kubeconfig's TLS material. */
  private agent?: https.Agent;
  private readonly resources = new Map<string, Promise<ApiResource[]>>();

  private constructor(
    public readonly name: string,
    private readonly credentials: Credentials,
    public readonly server: string,
    /** True only when the kubeconfig itself opts out of TLS verification. */
    public readonly insecure: boolean,
    private readonly opts: ConnectOptions,
  ) {}

  /** Credentials and TLS material from the kubeconfig, refreshed per request (tokens from exec plugins expire). */
  private async requestOptions(): Promise<https.RequestOptions> {
    const o = await this.credentials();
    // TLS is verified unless the kubeconfig says insecure-skip-tls-verify: never from the environment.
    // One TLS context for every connection to this cluster: built per connection (Node's default
    // when ca, cert and key are given), parsing the CA and key cost more than the handshake.
    // At most MAX_CONNECTIONS sockets: each more is one more TLS handshake, CPU here and on the API
    // server, for a few requests it would carry; the others wait for a free socket instead.
    this.agent ??= new https.Agent({
      keepAlive: true, maxSockets: MAX_CONNECTIONS, secureContext: tls.createSecureContext({ ca: o.ca, cert: o.cert, key: o.key }), servername: o.servername, rejectUnauthorized: !this.insecure,
    });
    return { agent: this.agent, headers: { ...(o.headers as Record<string, string> | undefined) }, auth: o.auth };
  }

  /**
   * One HTTP request with retries of transient failures (connection refused/reset, 429, 5xx)
   * under a time budget (`budgetMs`, default the client's). Anything else (400, 401, 403, 404,
   * 409, 422, TLS) fails at once: retrying cannot change the answer.
   */
  public async request<T = any>(method: string, urlPath: string, body?: unknown, query: Query = {}, contentType = 'application/json', budgetMs?: number): Promise<T> {
    const budget = budgetMs ?? this.opts.retryBudgetMs ?? 20_000;
    const deadline = Date.now() + budget;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(method, urlPath, body, query, contentType);
      } catch (e) {
        const transient = e instanceof KubeApiError ? TRANSIENT_STATUS.has(e.status) : isTransient(e);
        // The server's Retry-After, when it gives one, within the same 4 s cap.
        const wait = Math.min(Math.max(250 * 2 ** attempt, e instanceof KubeApiError ? e.retryAfterMs ?? 0 : 0), 4000);
        if (!transient || Date.now() + wait > deadline) {
          if (e instanceof KubeApiError) throw e;
          const code = String((e as NodeJS.ErrnoException)?.code ?? '');
          throw new UnreachableError(this.name, this.server, /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/.test(code)
            ? `cluster ${this.name} (${this.server}): TLS verification failed: ${describeNetError(e)}; check the cluster's CA in the kubeconfig (verification is never turned off)`
            : `cluster ${this.name} (${this.server}) is unreachable: ${describeNetError(e)}`);
        }
        this.stats.retries++;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  private async once<T>(method: string, urlPath: string, body: unknown, query: Query, contentType: string): Promise<T> {
    const base = await this.requestOptions();
    const qs = Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
    const url = new URL(`${this.server}${urlPath}${qs ? `?${qs}` : ''}`);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    this.opts.onRequest?.(method, urlPath);
    if (method === 'GET') this.stats.reads++;
    else if (urlPath.includes('/leases')) this.stats.leaseWrites++;
    else this.stats.writes++;
    return new Promise<T>((resolve, reject) => {
      const req = https.request(url, {
        method,
        agent: base.agent,
        auth: base.auth,
        timeout: this.opts.requestTimeoutMs ?? 30_000,
        headers: { ...base.headers, Accept: 'application/json', ...(payload ? { 'Content-Type': contentType, 'Content-Length': payload.length } : {}) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          let json: any;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          if (status >= 200 && status < 300) return resolve(json as T);
          const reason = json?.reason ?? `HTTP${status}`;
          const message = json?.message ?? (text.slice(0, 200) || `HTTP ${status}`);
          const retryAfter = Number(res.headers['retry-after']);
          reject(new KubeApiError(this.name, status, reason, message, json?.details?.causes ?? [], Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined));
        });
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** GET /version: proves the server answers and our credentials and TLS work. */
  public async version(): Promise<{ gitVersion: string }> {
    return this.request('GET', '/version');
  }

  /** The served resources of one group/version, from discovery (cached). */
  private groupVersion(apiVersion: string): Promise<ApiResource[]> {
    let p = this.resources.get(apiVersion);
    if (!p) {
      const group = apiGroup(apiVersion);
      const version = apiVersionName(apiVersion);
      const url = group ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      p = this.request<{ resources: Array<{ name: string; kind: string; namespaced: boolean }> }>('GET', url)
        .then((list) => list.resources.filter((r) => !r.name.includes('/')).map((r) => ({ group, version, kind: r.kind, plural: r.name, namespaced: r.namespaced })))
        .catch((e) => {
          this.resources.delete(apiVersion);
          if (e instanceof KubeApiError && e.status === 404) return [];
          throw e;
        });
      this.resources.set(apiVersion, p);
    }
    return p;
  }

  /** Forgets discovery results, e.g. after a CRD was established. */
  public forgetDiscovery(): void {
    this.resources.clear();
    this.preferred.clear();
  }

  private readonly preferred = new Map<string, Promise<string | undefined>>();

  /** The preferred `group/version` of an API group (`v1` for core); undefined if the group is not served. */
  public preferredVersion(group: string): Promise<string | undefined> {
    if (!group) return Promise.resolve('v1');
    let p = this.preferred.get(group);
    if (!p) {
      p = this.request<{ preferredVersion?: { groupVersion: string } }>('GET', `/apis/${group}`)
        .then((g) => g.preferredVersion?.groupVersion)
        .catch((e) => {
          this.preferred.delete(group);
          if (e instanceof KubeApiError && e.status === 404) return undefined;
          throw e;
        });
      this.preferred.set(group, p);
    }
    return p;
  }

  /** The resource serving `kind` of `apiVersion`; a FederationError if the cluster does not serve it. */
  public async resource(apiVersion: string, kind: string): Promise<ApiResource> {
    const found = (await this.groupVersion(apiVersion)).find((r) => r.kind === kind);
    if (!found) {
      throw new FederationError('KIND_NOT_SERVED', `cluster ${this.name}`, `the API server does not serve ${kind} in ${apiVersion}`,
        'install the CRD (or API) that defines it on this cluster, or add the CRD to the federation so it is applied first');
    }
    return found;
  }

  /** Whether the cluster serves kind in apiVersion (no error). */
  public async serves(apiVersion: string, kind: string): Promise<boolean> {
    return (await this.groupVersion(apiVersion)).some((r) => r.kind === kind);
  }

  /** REST path of an object, or of its collection when name is omitted. */
  public async pathOf(apiVersion: string, kind: string, namespace: string | undefined, name?: string): Promise<string> {
    const r = await this.resource(apiVersion, kind);
    const root = r.group ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${root}${ns}/${r.plural}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
  }

  /** The live object, or undefined if it does not exist. */
  public async get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<any | undefined> {
    try {
      return await this.request('GET', await this.pathOf(apiVersion, kind, namespace, name));
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** All objects of a kind (in every namespace, or in one) matching a label selector. */
  public async list(apiVersion: string, kind: string, opts: { namespace?: string; labelSelector?: string } = {}): Promise<any[]> {
    const base = await this.pathOf(apiVersion, kind, opts.namespace);
    const items: any[] = [];
    let cont: string | undefined;
    do {
      const page: any = await this.request('GET', base, undefined, { labelSelector: opts.labelSelector, limit: 500, continue: cont });
      for (const item of page.items ?? []) items.push({ apiVersion, kind, ...item });
      cont = page.metadata?.continue || undefined;
    } while (cont);
    return items;
  }

  /** Server-side apply of one object as raw JSON (apply-patch+yaml accepts JSON). */
  public async apply(obj: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }, opts: { fieldManager: string; force?: boolean; dryRun?: boolean }): Promise<any> {
    const p = await this.pathOf(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name);
    return this.request('PATCH', p, obj, { fieldManager: opts.fieldManager, force: opts.force ? true : undefined, dryRun: opts.dryRun ? 'All' : undefined },
      'application/apply-patch+yaml');
  }

  /** Deletes an object; true if it was there. */
  public async delete(ref: ObjectRef & { apiVersion: string }, propagationPolicy: 'Background' | 'Foreground' | 'Orphan' = 'Background'): Promise<boolean> {
    try {
      await this.request('DELETE', await this.pathOf(ref.apiVersion, ref.kind, ref.namespace, ref.name), { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy });
      return true;
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return false;
      throw e;
    }
  }

  /** Every namespaced resource that can be listed (for counting what a namespace holds); throws if any group's discovery fails. */
  public async namespacedListable(): Promise<Array<ApiResource & { apiVersion: string }>> {
    const core = await this.request<{ resources: Array<{ name: string; kind: string; namespaced: boolean; verbs: string[] }> }>('GET', '/api/v1');
    const groups = await this.request<{ groups: Array<{ preferredVersion: { groupVersion: string } }> }>('GET', '/apis');
    const lists = [{ gv: 'v1', resources: core.resources }];
    for (const g of groups.groups) {
      const gv = g.preferredVersion.groupVersion;
      // A group that cannot be read (an aggregated API whose backend is down) is an error, not "nothing there":
      // prune fails closed on it rather than deleting a namespace that may hold its objects.
      const r = await this.request<{ resources: Array<{ name: string; kind: string; namespaced: boolean; verbs: string[] }> }>('GET', `/apis/${gv}`).catch((e) => {
        throw new Error(`discovery of ${gv} failed: ${e instanceof KubeApiError ? `${e.reason} (HTTP ${e.status}): ${e.message}` : (e as Error).message}`);
      });
      lists.push({ gv, resources: r.resources });
    }
    return lists.flatMap(({ gv, resources }) => resources
      .filter((r) => r.namespaced && !r.name.includes('/') && r.verbs.includes('list'))
      .map((r) => ({ apiVersion: gv, group: apiGroup(gv), version: apiVersionName(gv), kind: r.kind, plural: r.name, namespaced: true })));
  }

  public close(): void {
    this.agent?.destroy();
  }

  public describe(ref: ObjectRef): string {
    return `${this.name}: ${describeRef(ref)}`;
  }
}

/**
 * A client certificate that has expired (or is not valid yet) is refused by the API server
 * with a bare 401; say what it is before any request, naming the user and the date.
 */
function checkClientCertificate(cluster: string, user: ContextUser | undefined, source: string): void {
  let pem: string | Buffer | undefined;
  try {
    pem = user?.certData ? Buffer.from(user.certData, 'base64') : user?.certFile ? fs.readFileSync(expandHome(user.certFile)) : undefined;
  } catch (e) {
    throw new FederationError('KUBECONFIG_UNREADABLE', `cluster ${cluster}`, `cannot read the client certificate of user "${user?.name}" in kubeconfig ${source}: ${(e as Error).message}`,
      'fix `client-certificate` of this user in the kubeconfig');
  }
  if (!pem) return;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    throw new FederationError('KUBECONFIG_UNREADABLE', `cluster ${cluster}`, `the client certificate of user "${user?.name}" in kubeconfig ${source} is not a PEM certificate`,
      'fix `client-certificate-data` of this user in the kubeconfig');
  }
  const now = Date.now();
  const [from, to] = [Date.parse(cert.validFrom), Date.parse(cert.validTo)];
  if (now > to || now < from) {
    const when = now > to ? `expired on ${new Date(to).toISOString()}` : `is not valid before ${new Date(from).toISOString()}`;
    throw new FederationError('CLIENT_CERT_EXPIRED', `cluster ${cluster}`, `the client certificate of user "${user?.name}" in kubeconfig ${source} ${when}; the API server would refuse it`,
      'renew the credentials of this cluster (get a new kubeconfig from your cluster provider) and run again');
  }
}

function isTransient(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code && TRANSIENT_CODES.has(code)) return true;
  return /socket hang up/i.test((e as Error)?.message ?? '');
}

function describeNetError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code ? `${err.code}${err.message && !err.message.includes(err.code) ? ` (${err.message})` : err.message ? ` ${err.message.replace(err.code, '').trim()}` : ''}` : String(err?.message ?? e);
}
