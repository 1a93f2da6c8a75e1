/**
 * The only reader of dist/. Everything deploy, plan and drift apply or compare comes
 * through here. Before anything is written to any cluster (plan and deploy send their first
 * reads while the files are verified: verifyInventory): the schema of federation.json, that every
 * manifest file holds exactly the bytes synth wrote (fileDigest), that its file name is the
 * one synth gives the object its entry names, that the ApplySet is the federation's, data
 * residency, and cluster-scoped objects that name a namespace — even if dist/ was edited by
 * hand. A manifest is parsed only when it is used (applied, dry-run, compared): then its
 * content digest, its identity against its entry and its ApplySet label are checked, and any
 * failure is the same FederationError naming the file.
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as YAMLModule from 'yaml';
import { FederationError } from '../errors';
import { contentDigest, fileDigest, objectSetDigest } from '../kube/digest';
import { describeObject, KubeObject } from '../kube/object';
import { manifestFileName } from '../kube/order';
import { APPLYSET_PART_OF, applySetId, applySetParent } from '../kube/ownership';
import { valueAt } from '../kube/paths';
import { crdScopes, knownNamespaced, scopeProblem } from '../kube/scope';
import { INVENTORY_FILE, SCHEMA_VERSION } from './format';
import { validate as schemaCheck } from './schema-check.generated';
import type { InventoryDocument, InventoryClusterEntry, InventoryObjectEntry, InventoryWave } from './types';

/**
 * One object of a cluster: its inventory entry, the object as the entry names it, and the
 * manifest, parsed on first use.
 */
export interface InventoryObject {
  readonly entry: InventoryObjectEntry;
  /**
   * The object's identity from its entry, with our ApplySet label: what finds it in a cluster
   * (health, LISTs, keys). Never applied: it holds nothing else. Once the manifest is parsed,
   * its identity and label are checked to be these.
   */
  readonly target: KubeObject;
  /** Size of the manifest file in bytes. */
  readonly bytes: number;
  /**
   * The manifest, parsed and checked on first use (content digest, identity, ApplySet label,
   * size): throws a FederationError naming the file if it is not what its entry says.
   */
  readonly manifest: KubeObject;
}

/** A cluster as federation.json describes it. */
export interface ClusterOutlineEntry {
  readonly spec: InventoryClusterEntry;
  /** Digest of the cluster's whole set: equal sets, equal digests (what a revision records). */
  readonly digest: string;
}

export interface InventoryCluster extends ClusterOutlineEntry {
  /** In apply order. */
  readonly objects: readonly InventoryObject[];
}

/** federation.json read and checked, manifests not read: enough for what compares clusters with their own records (drift). */
export interface InventoryOutline {
  readonly dir: string;
  /** federation.json as read and checked. */
  readonly document: InventoryDocument;
  readonly clusters: ReadonlyMap<string, ClusterOutlineEntry>;
  /** Waves in rollout order. */
  readonly waves: readonly InventoryWave[];
}

/** dist/ read and verified. */
export interface Inventory extends InventoryOutline {
  readonly clusters: ReadonlyMap<string, InventoryCluster>;
}

/**
 * The objects of a cluster as their entries name them (InventoryObject.target), the CRDs
 * parsed: enough to check scopes and served kinds, and to find every object, without parsing
 * the other manifests.
 */
export function identities(cluster: InventoryCluster): KubeObject[] {
  return cluster.objects.map((o) => (o.entry.kind === 'CustomResourceDefinition' ? o.manifest : o.target));
}

/**
 * An upper bound of the JSON size of a cluster's objects, from the sizes of their files:
 * synth's YAML takes at least a third of the bytes of the same data as JSON.
 */
export function jsonBytesBound(cluster: InventoryCluster): number {
  return cluster.objects.reduce((n, o) => n + 3 * o.bytes + 16, 2);
}

/** etcd's default --max-request-bytes (1.5 MiB): a larger object can never be stored. */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

const HINT_RESYNTH = 'run `cdkfed synth` again and review the result; never edit dist/ by hand';

/**
 * Reads and verifies `dist` (every file's bytes against its fileDigest; manifests are parsed
 * on first use); throws a FederationError naming the file, cluster or object and the fix.
 */
export function readInventory(dist: string): Inventory {
  const outline = readOutline(dist);
  const clusters = new Map<string, InventoryCluster>();
  for (const spec of outline.document.clusters) clusters.set(spec.name, readCluster(outline, spec));
  return { ...outline, clusters };
}

/**
 * readInventory of an outline already read, for a command that sends its first (read-only)
 * requests before: the same checks and the same errors, one cluster at a time with a turn
 * of the event loop between, so their responses are taken in meanwhile instead of after.
 */
export async function verifyInventory(outline: InventoryOutline): Promise<Inventory> {
  const clusters = new Map<string, InventoryCluster>();
  for (const spec of outline.document.clusters) {
    await new Promise((resolve) => setImmediate(resolve));
    clusters.set(spec.name, readCluster(outline, spec));
  }
  return { ...outline, clusters };
}

/** One cluster's files read and checked against its entries. */
function readCluster(outline: InventoryOutline, spec: InventoryClusterEntry): InventoryCluster {
  const dist = outline.dir;
  const where: ClusterPaths = { docFile: path.join(dist, INVENTORY_FILE), clusterDir: path.join(dist, spec.name) };
  const objects = spec.objects.map((entry) => readObject(outline.document, spec, entry, where));
  checkUnlisted(dist, spec);
  checkScopes(dist, objects);
  return { spec, objects, digest: outline.clusters.get(spec.name)!.digest };
}

/** The objects of a cluster as their entries name them (InventoryObject.target), before any file is read. */
export function entryTargets(outline: InventoryOutline, cluster: string): KubeObject[] {
  return outline.clusters.get(cluster)!.spec.objects.map((entry) => targetOf(entry, outline.document.applySet.id));
}

/**
 * Reads and checks `dist/federation.json` only (schema, waves), not the manifests: drift
 * compares each cluster with the revision recorded in it and needs from dist/ only the
 * digests, so it does not pay for parsing every file (deploy and plan, which apply or
 * dry-run the manifests, read them all with readInventory).
 */
export function readOutline(dist: string): InventoryOutline {
  const docFile = path.join(dist, INVENTORY_FILE);
  const doc = readDocument(docFile);
  checkWaves(doc, docFile);
  checkApplySet(doc, docFile);
  return { dir: dist, document: doc, clusters: new Map(doc.clusters.map((spec) => [spec.name, { spec, digest: setDigest(spec) }])), waves: doc.waves };
}

function setDigest(spec: InventoryClusterEntry): string {
  return objectSetDigest(spec.objects.map((o) => o.digest));
}

function readDocument(file: string): InventoryDocument {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new FederationError('DIST_MISSING', file, `cannot read ${INVENTORY_FILE}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      'run `cdkfed synth` first, or pass --dist <folder> holding the synthesized output');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FederationError('DIST_INVALID', file, `is not valid JSON (${(e as Error).message}); it may be truncated or edited`, HINT_RESYNTH);
  }
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (json && typeof json === 'object' && version !== SCHEMA_VERSION) {
    const older = typeof version === 'number' && version < SCHEMA_VERSION;
    throw new FederationError('DIST_SCHEMA_VERSION', file, `has schemaVersion ${JSON.stringify(version ?? null)}; this cdkfed reads schemaVersion ${SCHEMA_VERSION}${older
      ? ` (version ${version} was written by an older cdk-federation${version === 1 ? ', without the fileDigest of each manifest' : ''})` : ''}`,
    older ? 'run `cdkfed synth` again with this version of cdk-federation, review the result and deploy that'
      : 'synthesize with the same cdk-federation version as the one that deploys');
  }
  if (!(schemaCheck as SchemaCheck)(json)) throw schemaError(file, json, (schemaCheck as SchemaCheck).errors?.[0]);
  return json as InventoryDocument;
}

/** The compiled check of the inventory's schema (scripts/schema.ts generates it from the zod schema). */
type SchemaCheck = ((data: unknown) => boolean) & { errors?: ReadonlyArray<{ instancePath: string; message?: string }> | null };

/**
 * The error for a document the compiled check refused, worded by zod (loaded only now: a
 * valid document never pays for it) at the first issue it finds; the check's own words if
 * zod finds none.
 */
function schemaError(file: string, json: unknown, fallback: { instancePath: string; message?: string } | undefined): FederationError {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { inventoryDocumentSchema } = require('./types') as typeof import('./types');
  const parsed = inventoryDocumentSchema.safeParse(json);
  const issue = parsed.success
    ? { path: (fallback?.instancePath ?? '').split('/').slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~'))), message: fallback?.message ?? 'is invalid' }
    : parsed.error.issues[0];
  const at = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  const value = valueAt(json, issue.path as (string | number)[]);
  return new FederationError('DIST_INVALID', file, `field ${at || '(root)'} ${value === undefined ? 'is missing' : `has value ${JSON.stringify(value)?.slice(0, 80)}`}: ${issue.message}`,
    HINT_RESYNTH);
}

/** Waves and clusters must describe each other exactly: each cluster in the one wave it names. */
function checkWaves(doc: InventoryDocument, file: string): void {
  const clusters = new Map(doc.clusters.map((c) => [c.name, c]));
  const seen = new Map<string, string>();
  const names = new Set<string>();
  for (const w of doc.waves) {
    if (names.has(w.name)) throw new FederationError('DIST_INVALID', file, `wave "${w.name}" appears twice`, HINT_RESYNTH);
    names.add(w.name);
    for (const c of w.clusters) {
      const spec = clusters.get(c);
      if (!spec) throw new FederationError('DIST_INVALID', file, `wave "${w.name}" lists cluster "${c}", which clusters[] does not describe`, HINT_RESYNTH);
      if (seen.has(c)) throw new FederationError('DIST_INVALID', file, `cluster "${c}" is in waves "${seen.get(c)}" and "${w.name}"`, HINT_RESYNTH);
      if (spec.wave !== w.name) throw new FederationError('DIST_INVALID', file, `cluster "${c}" says wave "${spec.wave}" but is listed in wave "${w.name}"`, HINT_RESYNTH);
      seen.set(c, w.name);
    }
  }
  for (const c of doc.clusters) {
    if (!seen.has(c.name)) throw new FederationError('DIST_INVALID', file, `cluster "${c.name}" is in no wave`, HINT_RESYNTH);
  }
}

/** The ApplySet is the federation's own (synth derives it from the name): every manifest, bound to synth's bytes by its fileDigest, carries its id. */
function checkApplySet(doc: InventoryDocument, file: string): void {
  const parent = applySetParent(doc.federation);
  const id = applySetId(parent);
  const p = doc.applySet.parent;
  if (doc.applySet.id !== id || p.kind !== parent.kind || p.namespace !== parent.namespace || p.name !== parent.name) {
    throw new FederationError('DIST_INVALID', file, `field applySet is not the ApplySet of federation "${doc.federation}" (id ${id}, parent ${parent.kind} ${parent.namespace}/${parent.name})`, HINT_RESYNTH);
  }
}

/** The object as its entry names it, labelled with the ApplySet id: the identity every manifest is checked against. */
function targetOf(entry: InventoryObjectEntry, applySet: string): KubeObject {
  return {
    apiVersion: entry.apiVersion,
    kind: entry.kind,
    metadata: { name: entry.name, ...(entry.namespace !== undefined ? { namespace: entry.namespace } : {}), labels: { [APPLYSET_PART_OF]: applySet } },
  };
}

/**
 * From this file size up, a manifest is parsed (and its size checked) while dist/ is read:
 * JSON is at most 3 bytes for every byte of the YAML synth writes (an escape such as `\e`
 * becomes `\u001b`), so a smaller file can never hold an object over etcd's limit.
 */
const PARSE_AT_READ_BYTES = Math.floor(MAX_OBJECT_BYTES / 3) - 64;

/**
 * An entry and its file, checked without parsing it: the file name synth gives the entry's
 * object (so the entry's identity is the one synth wrote beside these bytes), the bytes
 * against fileDigest (so they are the bytes synth wrote and the pull request showed), and
 * residency (the entry's app against the cluster's jurisdiction).
 */
function readObject(doc: InventoryDocument, cluster: InventoryClusterEntry, entry: InventoryObjectEntry, where: ClusterPaths): InventoryObject {
  const rel = entry.file;
  const { docFile } = where;
  // An object's name may hold `/` and `..`: the path is checked even when it is the one synth gives.
  if (path.isAbsolute(rel) || (rel.includes('..') && rel.split(/[\\/]/).includes('..')) || !rel.startsWith(`${cluster.name}/`)) {
    throw new FederationError('DIST_INVALID', docFile, `cluster "${cluster.name}" lists file "${rel}" outside dist/${cluster.name}/`, HINT_RESYNTH);
  }
  const target = targetOf(entry, doc.applySet.id);
  const name = manifestFileName(target);
  const expected = `${cluster.name}/${name}`;
  if (rel !== expected) {
    throw new FederationError('DIST_INVALID', docFile, `cluster "${cluster.name}" lists ${describeObject(target)} (${entry.apiVersion}) in file "${rel}", but synth writes that object to "${expected}"`, HINT_RESYNTH);
  }
  // path.join(dist, rel), without normalizing 2,000 times what is known clean: rel is the cluster's folder and a file name synth gives.
  const file = `${where.clusterDir}${path.sep}${name}`;
  let bytes: Buffer;
  try {
    bytes = readWhole(file);
  } catch (e) {
    throw new FederationError('DIST_MISSING', file, `is listed in ${INVENTORY_FILE} for cluster "${cluster.name}" but cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, HINT_RESYNTH);
  }
  const digest = fileDigest(bytes);
  if (digest !== entry.fileDigest) {
    throw new FederationError('DIST_DIGEST_MISMATCH', file, `bytes do not match their fileDigest in ${INVENTORY_FILE} (was ${entry.fileDigest.slice(0, 19)}…, is ${digest.slice(0, 19)}…): the file changed after synth`,
      HINT_RESYNTH);
  }
  if (entry.residency !== undefined && entry.residency !== cluster.jurisdiction) {
    throw new FederationError('RESIDENCY_VIOLATION', file, `${describeObject(target)} of app "${entry.app ?? '?'}" must stay in jurisdiction "${entry.residency}" but cluster "${cluster.name}" is in "${cluster.jurisdiction}"`,
      `remove the object from cluster "${cluster.name}" (fix the app's placement and synth again)`);
  }
  const object = new LazyObject(entry, target, bytes, file, doc.applySet.id);
  if (bytes.length > PARSE_AT_READ_BYTES) void object.manifest;
  return object;
}

/** Paths every object of a cluster shares, joined once. */
interface ClusterPaths {
  readonly docFile: string;
  /** path.join(dist, cluster name). */
  readonly clusterDir: string;
}

/** One buffer for every file read: manifests are small, and each keeps an exact copy. */
let readBuffer = Buffer.allocUnsafe(64 * 1024);

/** fs.readFileSync without its fstat and per-file buffer: open, read to the end, close. */
function readWhole(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    let n = 0;
    for (;;) {
      if (n === readBuffer.length) readBuffer = Buffer.concat([readBuffer, Buffer.allocUnsafe(readBuffer.length)]);
      const got = fs.readSync(fd, readBuffer, n, readBuffer.length - n, null);
      if (got === 0) break;
      n += got;
    }
    return Buffer.from(readBuffer.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
}

let yamlModule: typeof YAMLModule | undefined;
/** The yaml package, loaded on the first manifest parsed (a no-op deploy parses none). */
function yaml(): typeof YAMLModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (yamlModule ??= require('yaml') as typeof YAMLModule);
}

class LazyObject implements InventoryObject {
  private parsed?: KubeObject;
  private text?: Buffer;

  constructor(
    public readonly entry: InventoryObjectEntry,
    public readonly target: KubeObject,
    text: Buffer,
    private readonly file: string,
    private readonly applySet: string,
  ) {
    this.text = text;
    this.bytes = text.length;
  }

  public readonly bytes: number;

  public get manifest(): KubeObject {
    if (!this.parsed) {
      this.parsed = parseManifest(this.file, this.text!, this.entry, this.applySet);
      this.text = undefined;
    }
    return this.parsed;
  }
}

/** Parses a manifest whose bytes matched their fileDigest and checks it against its entry (what readInventory checked for every file before fileDigest). */
function parseManifest(file: string, text: Buffer, entry: InventoryObjectEntry, applySet: string): KubeObject {
  let docs: unknown[];
  try {
    docs = yaml().parseAllDocuments(text.toString('utf8')).map((d) => {
      if (d.errors.length > 0) throw d.errors[0];
      return d.toJS();
    });
  } catch (e) {
    throw new FederationError('DIST_INVALID', file, `is not valid YAML: ${(e as Error).message.split('\n')[0]}`, HINT_RESYNTH);
  }
  const obj = docs.length === 1 ? docs[0] as KubeObject : undefined;
  if (!obj || typeof obj !== 'object' || typeof obj.metadata !== 'object' || obj.metadata === null) {
    throw new FederationError('DIST_INVALID', file, `must hold exactly one Kubernetes object, holds ${docs.length === 1 ? JSON.stringify(docs[0])?.slice(0, 60) : `${docs.length} documents`}`, HINT_RESYNTH);
  }
  const size = Buffer.byteLength(JSON.stringify(obj));
  if (size > MAX_OBJECT_BYTES) {
    throw new FederationError('OBJECT_TOO_LARGE', file, `${describeObject(obj)} is ${(size / 1048576).toFixed(2)} MiB; the API server stores at most ${MAX_OBJECT_BYTES / 1048576} MiB per object (etcd's request limit)`,
      'split the data (several ConfigMaps) or mount it from a volume');
  }
  const digest = contentDigest(obj);
  if (digest !== entry.digest) {
    throw new FederationError('DIST_DIGEST_MISMATCH', file, `content does not match its digest in ${INVENTORY_FILE} (was ${entry.digest.slice(0, 19)}…, is ${digest.slice(0, 19)}…): the file or ${INVENTORY_FILE} changed after synth`,
      HINT_RESYNTH);
  }
  if (obj.apiVersion !== entry.apiVersion || obj.kind !== entry.kind || obj.metadata.name !== entry.name || (obj.metadata.namespace ?? undefined) !== entry.namespace) {
    throw new FederationError('DIST_INVALID', file, `holds ${describeObject(obj)} (${obj.apiVersion}) but ${INVENTORY_FILE} lists ${entry.kind} ${entry.namespace ? `${entry.namespace}/` : ''}${entry.name} (${entry.apiVersion})`, HINT_RESYNTH);
  }
  if (obj.metadata.labels?.[APPLYSET_PART_OF] !== applySet) {
    throw new FederationError('DIST_INVALID', file, `${describeObject(obj)} lacks label ${APPLYSET_PART_OF}=${applySet}, so prune and drift could not track it`, HINT_RESYNTH);
  }
  return obj;
}

/**
 * A cluster-scoped object (a built-in kind, or one a CRD of the set defines) that names a
 * namespace; other custom kinds are checked by deploy against discovery. From the entries'
 * identities (each manifest's is checked to equal its entry's when it is parsed) and the
 * CRDs of the set, the only manifests parsed here.
 */
function checkScopes(dist: string, objects: readonly InventoryObject[]): void {
  const crds = crdScopes(objects.filter((o) => o.entry.kind === 'CustomResourceDefinition').map((o) => o.manifest));
  for (const { entry, target } of objects) {
    const problem = scopeProblem(target, knownNamespaced(target.apiVersion, target.kind, crds));
    if (problem) throw new FederationError('CLUSTER_SCOPED_NAMESPACE', path.join(dist, entry.file), `field metadata.namespace: ${problem}`, 'remove metadata.namespace from the manifest (FederatedResource) and synth again');
  }
}

/** A manifest in dist/<cluster>/ that federation.json does not list would be reviewed but never applied. */
function checkUnlisted(dist: string, cluster: InventoryClusterEntry): void {
  const dir = path.join(dist, cluster.name);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // a cluster with no objects has no folder; listed files were checked one by one
  }
  const listed = new Set(cluster.objects.map((o) => path.basename(o.file)));
  const extra = names.filter((n) => (n.endsWith('.yaml') || n.endsWith('.yml')) && !listed.has(n)).sort();
  if (extra.length > 0) {
    throw new FederationError('DIST_INVALID', path.join(dir, extra[0]), `is not listed in ${INVENTORY_FILE}: it would be reviewed but never applied`,
      `${HINT_RESYNTH} (or delete the file)`);
  }
}
