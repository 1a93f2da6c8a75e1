/**
 * A kubeconfig context read without @kubernetes/client-node, when nothing in it needs
 * client-node: one file, a server over https, a CA, a client certificate and key, a static
 * token. Loading client-node costs about 1.5 s of CPU per run (its KubeConfig module
 * imports the whole generated API: loading only the config module costs the same), more
 * than a no-op deploy's own work. Anything else (exec plugins, auth providers, token files,
 * basic auth, impersonation, proxies, several files, an entry client-node would reject)
 * answers undefined, and the caller uses client-node exactly as before, with its errors.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- a kubeconfig is untyped YAML, checked field by field */
import * as fs from 'fs';
import * as path from 'path';
import { load as loadYaml } from 'js-yaml';

/** What ClusterClient needs of one context: as client-node's KubeConfig.applyToHTTPSOptions gives it. */
export interface PlainContext {
  readonly server: string;
  /** insecure-skip-tls-verify: true. */
  readonly insecure: boolean;
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly servername?: string;
  readonly token?: string;
  /** The user, for the client certificate's expiry check. */
  readonly user: { readonly name: string; readonly certData?: string; readonly certFile?: string };
}

const CLUSTER_KEYS = new Set(['server', 'certificate-authority', 'certificate-authority-data', 'insecure-skip-tls-verify', 'tls-server-name']);
const USER_KEYS = new Set(['client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'token']);

const isMap = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);
const optionalString = (v: unknown) => v === undefined || v === null || typeof v === 'string';

/** Every entry of a list valid as client-node requires it (it throws on the first that is not). */
function entriesValid(list: unknown, ok: (e: any) => boolean): list is any[] {
  return Array.isArray(list) && list.every((e) => isMap(e) && ok(e));
}

// Every cluster of a fleet usually names the same kubeconfig: the same text is parsed once.
const parsed = new Map<string, { text: string; doc: unknown }>();

function readDocument(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  const hit = parsed.get(file);
  if (hit?.text === text) return hit.doc;
  // js-yaml, client-node's own parser, reads the file as client-node would (and 3× faster than the yaml package).
  const doc: unknown = text.trimStart().startsWith('{') ? JSON.parse(text) : loadYaml(text);
  parsed.set(file, { text, doc });
  return doc;
}

/** The context from one kubeconfig file, or undefined when client-node is needed (see the file comment). Never throws. */
export function plainContext(file: string, context: string): PlainContext | undefined {
  try {
    const doc = readDocument(file);
    if (!isMap(doc)) return undefined;
    const { clusters, users, contexts } = doc;
    if (!entriesValid(clusters, (e) => !!e.name && isMap(e.cluster) && !!e.cluster.server)
      || !entriesValid(users, (e) => !!e.name)
      || !entriesValid(contexts, (e) => !!e.name && isMap(e.context) && !!e.context.cluster)) return undefined;
    const ctx = contexts.find((c) => c.name === context)?.context;
    const c = ctx && clusters.find((x) => x.name === ctx.cluster)?.cluster;
    const u = ctx?.user ? users.find((x) => x.name === ctx.user) : undefined;
    if (!c || !u || (u.user !== undefined && u.user !== null && !isMap(u.user))) return undefined;
    const user: Record<string, any> = u.user ?? {};
    if (Object.keys(c).some((k) => !CLUSTER_KEYS.has(k)) || Object.keys(user).some((k) => !USER_KEYS.has(k))) return undefined;
    if (typeof c.server !== 'string' || !c.server.startsWith('https://')) return undefined;
    if (![c['certificate-authority'], c['certificate-authority-data'], c['tls-server-name'], ...[...USER_KEYS].map((k) => user[k])].every(optionalString)) return undefined;
    // Relative file paths are relative to the kubeconfig's folder, as client-node and kubectl read them.
    const dir = path.dirname(file);
    const read = (f: string | undefined | null, data: string | undefined | null) => (f ? fs.readFileSync(path.isAbsolute(f) ? f : path.join(dir, f)) : data ? Buffer.from(data, 'base64') : undefined);
    const certFile = user['client-certificate'] ? (path.isAbsolute(user['client-certificate']) ? user['client-certificate'] : path.join(dir, user['client-certificate'])) : undefined;
    return {
      server: c.server.replace(/\/$/, ''),
      insecure: c['insecure-skip-tls-verify'] === true,
      ca: read(c['certificate-authority'], c['certificate-authority-data']),
      cert: read(user['client-certificate'], user['client-certificate-data']),
      key: read(user['client-key'], user['client-key-data']),
      servername: c['tls-server-name'] || undefined,
      token: user.token || undefined,
      user: { name: String(u.name), certData: user['client-certificate-data'] || undefined, certFile },
    };
  } catch {
    return undefined; // unreadable or unparsable: client-node reads it again and says why
  }
}
