/**
 * What plan and drift compare: objects with the fields the API server populates stripped
 * (so only what deploy would change remains), and secret values masked before anything is
 * rendered. Pure.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- objects compared here are untyped JSON (desired manifests and live objects of any kind) */
import type * as YAMLModule from 'yaml';
import { apiGroup } from './object';
import { isQuantityPath, sameQuantity } from './quantity';
import { isBuiltInGroup } from './scope';
import { looksLikeCredential } from './secret-names';
import { isSecret, SECRET_VALUE_FIELDS } from './secrets';

/** metadata fields the server owns (kubectl diff, Argo CD and Flux strip the same): plan, drift and the Terraform manifests leave them out. */
export const SERVER_METADATA = ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink'];
export const SERVER_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision'];

export const MASK = '***';

function clone<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

/** A copy without status and server-populated metadata. */
export function stripServerFields(obj: unknown): Record<string, any> {
  const o = clone((obj ?? {}) as Record<string, any>);
  delete o.status;
  const m = o.metadata ?? {};
  for (const k of SERVER_METADATA) delete m[k];
  if (m.annotations) {
    for (const k of SERVER_ANNOTATIONS) delete m.annotations[k];
    if (Object.keys(m.annotations).length === 0) delete m.annotations;
  }
  return o;
}

/** Env entries that carry a literal value under a credential-like name, in any pod template or pod spec. */
function envLists(o: Record<string, any>): Array<Array<Record<string, any>>> {
  const specs = [o?.spec?.template?.spec, o?.spec?.jobTemplate?.spec?.template?.spec, o?.kind === 'Pod' ? o?.spec : undefined].filter(Boolean);
  return specs.flatMap((s) => [...(s.containers ?? []), ...(s.initContainers ?? [])]).map((c) => c.env ?? []).filter(Array.isArray);
}

/**
 * Masks secret values in a before/after pair so a diff still shows whether each one changed:
 * Secret data/stringData values and literal env values under credential-like names become
 * `*** (unchanged)` on both sides, or `***` before and `*** (changed)` after. The result never
 * holds a secret value. Either side may be undefined (create, delete).
 */
export function maskPair(before: Record<string, any> | undefined, after: Record<string, any> | undefined): [Record<string, any> | undefined, Record<string, any> | undefined] {
  const b = clone(before);
  const a = clone(after);
  const mark = (x: Record<string, any> | undefined, key: string, v: string | undefined) => {
    if (x && key in x) x[key] = v;
  };
  for (const field of SECRET_VALUE_FIELDS) {
    const bs = b && isSecret(b) ? b[field] : undefined;
    const as = a && isSecret(a) ? a[field] : undefined;
    for (const key of new Set([...Object.keys(bs ?? {}), ...Object.keys(as ?? {})])) {
      const same = bs?.[key] === as?.[key];
      mark(bs, key, same ? `${MASK} (unchanged)` : MASK);
      mark(as, key, same ? `${MASK} (unchanged)` : `${MASK} (changed)`);
    }
  }
  const envB = b ? envLists(b) : [];
  const envA = a ? envLists(a) : [];
  const originals = (lists: Array<Array<Record<string, any>>>) => new Map(lists.flat().map((e) => [`${e.name}`, e.value]));
  const [origB, origA] = [originals(envB), originals(envA)];
  for (const lists of [envB, envA]) {
    for (const e of lists.flat()) {
      if (typeof e.value !== 'string' || !looksLikeCredential(String(e.name))) continue;
      const same = origB.get(e.name) === origA.get(e.name);
      e.value = same ? `${MASK} (unchanged)` : lists === envA ? `${MASK} (changed)` : MASK;
    }
  }
  return [b, a];
}

/** YAML as plan and drift print it: stable, no line folding. */
export function toYaml(o: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return o === undefined ? '' : (require('yaml') as typeof YAMLModule).stringify(o, { lineWidth: 0, aliasDuplicateObjects: false, sortMapEntries: false });
}

type Segment = string | number;

/**
 * Fields of the built-in types that are Go maps (string keys chosen by the user). The server
 * drops such a map when empty, but keeps an empty string value inside one (`data: {K: ""}`).
 * Service/ReplicationController `spec.selector` is a map too; elsewhere `selector` is a struct.
 */
const MAP_FIELDS = new Set(['labels', 'annotations', 'data', 'binaryData', 'stringData', 'nodeSelector', 'matchLabels', 'limits', 'requests', 'hard', 'capacity',
  'allocatable', 'overhead', 'parameters', 'volumeAttributes', 'options', 'deprecatedTopology', 'max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']);

/** `*string` fields of the built-in types where "" means something and is kept (e.g. a PVC's `storageClassName: ""`: no dynamic provisioning). */
const POINTER_STRINGS = new Set(['storageClassName', 'ingressClassName', 'runtimeClassName', 'loadBalancerClass', 'procMount', 'volumeAttributesClassName']);

function isMapField(root: Record<string, any>, path: readonly Segment[]): boolean {
  const key = path[path.length - 1];
  if (typeof key !== 'string') return false;
  if (key === 'selector') return (root.kind === 'Service' || root.kind === 'ReplicationController') && path.length === 2 && path[0] === 'spec';
  return MAP_FIELDS.has(key);
}

/**
 * Whether the API server would drop `value`, set at `path` of `root` (the object as applied),
 * so that its absence in the live object is not a change. Deliberately narrow:
 * - `null` anywhere: server-side apply reads null as "unset".
 * - metadata of any object (ObjectMeta is typed for custom resources too): an empty
 *   `labels`/`annotations` map or empty `finalizers`/`ownerReferences` list.
 * - built-in kinds only: any empty list (`env: []`, `args: []`); an empty map where the Go
 *   type is a map (`nodeSelector: {}`, `data: {}`), never an empty struct such as
 *   `emptyDir: {}` or `securityContext: {}` (kept by the server, so its absence is drift);
 *   an empty string in a struct field (`env[i].value: ""`), never a value in a map
 *   (`data.KEY: ""` is kept) nor a `*string` field such as `storageClassName: ""`.
 * Empty values of custom resources are kept as sent, so their absence stays drift.
 */
export function serverDrops(root: Record<string, any>, path: readonly Segment[], value: unknown): boolean {
  if (value === null) return true;
  const emptyList = Array.isArray(value) && value.length === 0;
  const emptyMap = !!value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;
  const inMetadata = path.length === 2 && path[0] === 'metadata';
  if (inMetadata && ((emptyMap && (path[1] === 'labels' || path[1] === 'annotations')) || (emptyList && (path[1] === 'finalizers' || path[1] === 'ownerReferences')))) return true;
  // Kubernetes' own Go types drop empty values (protobuf storage keeps no difference between empty
  // and unset, `omitempty` drops them); custom resources are stored as sent.
  if (!isBuiltInGroup(apiGroup(root.apiVersion))) return false;
  if (emptyList) return true;
  if (emptyMap) return isMapField(root, path);
  if (value === '') {
    const key = path[path.length - 1];
    return typeof key === 'string' && !POINTER_STRINGS.has(key) && !isMapField(root, path.slice(0, -1));
  }
  return false;
}

/**
 * Whether a desired (or dry-run) value and a live value at `path` of `root` are the same
 * value: equal JSON, or equal quantities at a quantity path (`cpu: "0.5"` is stored as
 * `500m`, `cpu: 1` as `"1"`).
 */
export function sameValue(root: Record<string, any>, path: readonly Segment[], a: unknown, b: unknown): boolean {
  if (JSON.stringify(a) === JSON.stringify(b)) return true;
  return isQuantityPath(root.kind, path) && sameQuantity(a, b);
}
