/**
 * One order for every `metadata` in the manifests: name, namespace, labels, annotations, then
 * any other keys sorted. Renderers build metadata in different orders (cdk8s sorts every
 * key, so a pod template's `annotations` came before its `labels`); a reviewer should not
 * see that. Keys only move: values stay as they are, and so do content digests.
 */
import { apiGroup, KubeObject } from '../kube/object';
import { sortedKeys, sortedRecord } from '../kube/sort';

type Json = Record<string, unknown>;

const METADATA_ORDER = ['name', 'namespace', 'labels', 'annotations'];

/**
 * Metadata in the product's order, with the given labels and annotations (sorted by the
 * caller) or, when not given, the metadata's own (sorted here), if it has them.
 */
export function orderedMetadata(m: Json, labels?: Record<string, string>, annotations?: Record<string, string>): Json {
  const out: Json = {};
  if (m.name !== undefined) out.name = m.name;
  if (m.namespace !== undefined) out.namespace = m.namespace;
  const l = labels ?? inOrder(m.labels);
  if (l !== undefined) out.labels = l;
  const a = annotations ?? inOrder(m.annotations);
  if (a !== undefined) out.annotations = a;
  for (const k of sortedKeys(m)) if (m[k] !== undefined && !METADATA_ORDER.includes(k)) out[k] = m[k];
  return out;
}

/** A map with its keys sorted: itself when they are already. */
function inOrder(v: unknown): unknown {
  if (!isMap(v)) return v;
  const keys = Object.keys(v);
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return sortedRecord(v);
  return v;
}

function isMap(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `o` with the map at `key` replaced by `fn` of it; `o` itself when there is none or `fn` keeps it. */
function update(o: Json, key: string, fn: (v: Json) => Json): Json {
  const v = o[key];
  if (!isMap(v)) return o;
  const next = fn(v);
  return next === v ? o : { ...o, [key]: next };
}

/** Metadata of an embedded object (a template), reordered; the same object when already in order. */
function embeddedMetadata(m: Json): Json {
  const next = orderedMetadata(m);
  const before = Object.keys(m).filter((k) => m[k] !== undefined);
  const after = Object.keys(next);
  const same = before.length === after.length && before.every((k, i) => k === after[i] && m[k] === next[k]);
  return same ? m : next;
}

const withMetadata = (template: Json) => update(template, 'metadata', embeddedMetadata);
const podTemplate = (spec: Json) => update(spec, 'template', withMetadata);

function claimTemplates(spec: Json): Json {
  const list = spec.volumeClaimTemplates;
  if (!Array.isArray(list)) return spec;
  const next = list.map((c: unknown) => (isMap(c) ? withMetadata(c) : c));
  return next.some((c, i) => c !== list[i]) ? { ...spec, volumeClaimTemplates: next } : spec;
}

/** Where built-in kinds embed objects with their own metadata, as edits of the object. */
const EMBEDDED: Readonly<Record<string, (o: Json) => Json>> = {
  Deployment: (o) => update(o, 'spec', podTemplate),
  ReplicaSet: (o) => update(o, 'spec', podTemplate),
  DaemonSet: (o) => update(o, 'spec', podTemplate),
  ReplicationController: (o) => update(o, 'spec', podTemplate),
  Job: (o) => update(o, 'spec', podTemplate),
  StatefulSet: (o) => update(o, 'spec', (s) => claimTemplates(podTemplate(s))),
  CronJob: (o) => update(o, 'spec', (s) => update(s, 'jobTemplate', (j) => update(withMetadata(j), 'spec', podTemplate))),
  PodTemplate: (o) => update(o, 'template', withMetadata),
};

/** Groups of the built-in kinds above (a custom resource of the same kind name is left as it is). */
const BUILTIN_GROUPS = new Set(['', 'apps', 'batch', 'extensions']);

/**
 * The object with the metadata of its pod templates (Deployment, StatefulSet, DaemonSet,
 * ReplicaSet, ReplicationController, Job, CronJob and its job template, PodTemplate) and
 * StatefulSet volume claim templates in the product's order. Copies only what changes.
 */
export function withOrderedTemplates<T extends KubeObject>(o: T): T {
  const edit = Object.prototype.hasOwnProperty.call(EMBEDDED, o.kind) ? EMBEDDED[o.kind] : undefined;
  return edit && BUILTIN_GROUPS.has(apiGroup(o.apiVersion)) ? edit(o as unknown as Json) as unknown as T : o;
}
