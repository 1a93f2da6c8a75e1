/**
 * Pure rules that turn a cluster's Kubernetes objects into Terraform resource data:
 * logical IDs, the manifest body, rollout waits and ordering. No cdktf here, so the
 * rules are testable on plain data and survive a move to another CDK for Terraform.
 */
import { FederationError } from '../errors';
import { apiGroup, describeObject as describe, KubeObject } from '../kube/object';
import { SERVER_METADATA } from '../kube/normalize';
import { carriesSecretValues } from '../kube/secrets';
import { cleanedJson, PrintedJson } from './stable-json';

/**
 * Field manager of Terraform's server-side applies. Distinct from `cdkfed deploy`'s, so
 * managedFields show which tool wrote an object and a value the two disagree on is a
 * conflict instead of a silent tug of war.
 */
export const TERRAFORM_FIELD_MANAGER = 'cdkfed-terraform';

/** Workload kinds whose resource waits for its rollout (the provider's `wait { rollout = true }`). */
const ROLLOUT_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** Kinds that run pods; they are created after the objects their pods mount or run as. */
const POD_KINDS = new Set([...ROLLOUT_KINDS, 'Job', 'CronJob', 'ReplicaSet', 'Pod']);
const POD_INPUT_KINDS = new Set(['ConfigMap', 'Secret', 'ServiceAccount', 'PersistentVolumeClaim']);

/** Lower-case, and anything but [a-z0-9-] becomes `_` (Terraform names allow letters, digits, `_`, `-`). */
function sanitize(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9-]/g, '_');
}

/**
 * Readable, stable logical IDs: `<kind>_<namespace>_<name>` (`<kind>_<name>` when cluster
 * scoped), e.g. `deployment_shop_web`. Two kinds of the same name from different API
 * groups (a core Service and a Knative Service) get the group inserted in the later one;
 * the same object twice is an error. IDs depend only on the objects, never on hashes.
 */
export function logicalIds(objects: readonly KubeObject[], where: string): string[] {
  const used = new Map<string, KubeObject>();
  return objects.map((obj) => {
    const tail = [obj.metadata.namespace, obj.metadata.name].filter((s): s is string => !!s).map(sanitize);
    let id = [sanitize(obj.kind), ...tail].join('_');
    const clash = used.get(id);
    if (clash && apiGroup(clash.apiVersion) !== apiGroup(obj.apiVersion)) id = [sanitize(obj.kind), sanitize(apiGroup(obj.apiVersion) || 'core'), ...tail].join('_');
    if (used.has(id)) {
      throw new FederationError('TF_DUPLICATE_OBJECT', where, `${describe(obj)} (${obj.apiVersion}) appears twice in the cluster's objects`,
        'each object may be declared once per cluster');
    }
    used.set(id, obj);
    return id;
  });
}

/**
 * A Secret that carries values must never reach cdk.tf.json (nor the Terraform state).
 * Synthesis rejects those earlier; this is the last line of defence. The message names
 * the object, never a value.
 */
export function assertNoSecretValues(obj: KubeObject, where: string): void {
  if (carriesSecretValues(obj)) {
    throw new FederationError('TF_SECRET_VALUE', where, `${describe(obj)} has data; secret values are never written to Terraform output`,
      'create the Secret outside the federation (or with an external secret operator) and reference it by name');
  }
}

/**
 * Terraform reads every JSON string as a template: `${...}` and `%{...}` in a value (a
 * shell script in a ConfigMap, say) would be evaluated. Doubling the sigil keeps the
 * text literal.
 */
export function escapeTemplate(s: string): string {
  return s.indexOf('{') < 0 ? s : s.replace(/([$%])\{/g, '$1$1{');
}

/**
 * The `manifest` attribute of a kubernetes_manifest: the object as the chart renders it,
 * minus what the server owns (status, SERVER_METADATA) and nulls, which would otherwise be
 * planned as changes on every run; strings (keys too) template-escaped.
 */
export function toManifest(obj: KubeObject): Record<string, unknown> {
  return clean(withoutServerFields(obj)) as Record<string, unknown>;
}

/** toManifest(obj) as cdk.tf.json shows it wherever it lands, printed from the object itself (cleanedJson). */
export function printedManifest(obj: KubeObject): PrintedJson {
  return new PrintedJson((level) => cleanedJson(withoutServerFields(obj), level, escapeTemplate) ?? '');
}

/** A shallow copy without status and SERVER_METADATA; what lies below is shared. */
function withoutServerFields(obj: KubeObject): Record<string, unknown> {
  const { status: _status, ...rest } = obj as Record<string, unknown>;
  const metadata = { ...(rest.metadata as Record<string, unknown>) };
  for (const k of SERVER_METADATA) delete metadata[k];
  return { ...rest, metadata };
}

function clean(v: unknown): unknown {
  if (typeof v === 'string') return escapeTemplate(v);
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map(clean);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[escapeTemplate(k)] = clean(x);
    return out;
  }
  return v;
}

/** What a resource waits for after apply, so a wave is done only when its workloads are. */
export type WaitSpec = { readonly rollout: true } | { readonly condition: { readonly type: string; readonly status: string } };

export function waitFor(obj: KubeObject): WaitSpec | undefined {
  if (ROLLOUT_KINDS.has(obj.kind) && apiGroup(obj.apiVersion) === 'apps') return { rollout: true };
  if (obj.kind === 'Job' && apiGroup(obj.apiVersion) === 'batch') return { condition: { type: 'Complete', status: 'True' } };
  // a custom resource can be applied only once its CRD is served
  if (obj.kind === 'CustomResourceDefinition' && apiGroup(obj.apiVersion) === 'apiextensions.k8s.io') return { condition: { type: 'Established', status: 'True' } };
  return undefined;
}

/**
 * For each object, the indexes of the objects it must come after inside one stack:
 * namespaced objects after their Namespace, custom resources after their CRD, pods'
 * owners after the ConfigMaps, Secrets, ServiceAccounts and claims their pods reference
 * (env, envFrom, volumes, projected volumes, image pull secrets, service account).
 * Terraform otherwise applies everything at once. Linear in the objects: a workload
 * waits for what it uses, not for every input of its namespace.
 */
export function dependencies(objects: readonly KubeObject[]): number[][] {
  const namespaces = new Map<string, number>();
  const crds = new Map<string, number>(); // `<group>/<Kind>` → index
  const podInputs = new Map<string, number>(); // `<Kind>/<namespace>/<name>` → index
  objects.forEach((o, i) => {
    if (o.kind === 'Namespace' && apiGroup(o.apiVersion) === '') namespaces.set(o.metadata.name, i);
    if (o.kind === 'CustomResourceDefinition' && apiGroup(o.apiVersion) === 'apiextensions.k8s.io') {
      const spec = (o.spec ?? {}) as { group?: string; names?: { kind?: string } };
      if (spec.group && spec.names?.kind) crds.set(`${spec.group}/${spec.names.kind}`, i);
    }
    if (POD_INPUT_KINDS.has(o.kind) && apiGroup(o.apiVersion) === '' && o.metadata.namespace) {
      podInputs.set(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`, i);
    }
  });
  return objects.map((o) => {
    const deps = new Set<number>();
    const ns = o.metadata.namespace;
    if (ns && namespaces.has(ns)) deps.add(namespaces.get(ns)!);
    const crd = crds.get(`${apiGroup(o.apiVersion)}/${o.kind}`);
    if (crd !== undefined) deps.add(crd);
    if (ns && POD_KINDS.has(o.kind) && podInputs.size > 0) {
      for (const ref of podReferences(o)) {
        const i = podInputs.get(`${ref.kind}/${ns}/${ref.name}`);
        if (i !== undefined) deps.add(i);
      }
    }
    return [...deps].sort((a, b) => a - b);
  });
}

/* eslint-disable @typescript-eslint/no-explicit-any */
/** The pod spec of a pod-running object (a Pod's own spec, a CronJob's job template's, else the template's). */
function podSpecOf(o: KubeObject): any {
  const spec = o.spec as any;
  if (!spec || typeof spec !== 'object') return undefined;
  if (o.kind === 'Pod') return spec;
  if (o.kind === 'CronJob') return spec.jobTemplate?.spec?.template?.spec;
  return spec.template?.spec;
}

/**
 * Every ConfigMap, Secret, ServiceAccount and PersistentVolumeClaim the pods of `o`
 * reference (all in the object's own namespace), in the order found.
 */
export function podReferences(o: KubeObject): Array<{ kind: string; name: string }> {
  const pod = podSpecOf(o);
  if (!pod || typeof pod !== 'object') return [];
  const refs: Array<{ kind: string; name: string }> = [];
  const add = (kind: string, name: unknown) => {
    if (typeof name === 'string' && name) refs.push({ kind, name });
  };
  const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);
  for (const c of [...list(pod.initContainers), ...list(pod.containers), ...list(pod.ephemeralContainers)]) {
    for (const e of list(c?.envFrom)) {
      add('ConfigMap', e?.configMapRef?.name);
      add('Secret', e?.secretRef?.name);
    }
    for (const e of list(c?.env)) {
      add('ConfigMap', e?.valueFrom?.configMapKeyRef?.name);
      add('Secret', e?.valueFrom?.secretKeyRef?.name);
    }
  }
  for (const v of list(pod.volumes)) {
    add('ConfigMap', v?.configMap?.name);
    add('Secret', v?.secret?.secretName);
    add('PersistentVolumeClaim', v?.persistentVolumeClaim?.claimName);
    for (const s of list(v?.projected?.sources)) {
      add('ConfigMap', s?.configMap?.name);
      add('Secret', s?.secret?.name);
    }
  }
  for (const s of list(pod.imagePullSecrets)) add('Secret', s?.name);
  add('ServiceAccount', pod.serviceAccountName ?? pod.serviceAccount);
  return refs;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Terraform type of the resource each object becomes. */
export const MANIFEST_RESOURCE_TYPE = 'kubernetes_manifest';

/** Refuses, before a stack is written, inline secret values and objects whose Terraform addresses collide. */
export function checkStackObjects(objects: readonly KubeObject[], where: string): void {
  objects.forEach((o) => assertNoSecretValues(o, where));
  logicalIds(objects, where); // duplicates throw here
}

/**
 * The kubernetes_manifest resources of one cluster's objects, by logical ID, as Terraform
 * JSON: the manifest, the field manager, what to wait for (within the wave's health
 * timeout) and depends_on by address (a workload may come before its ConfigMap in the
 * objects' order). Plain data with no tokens, written as is; `manifest` makes
 * the manifest attribute (printedManifest, when the result is only printed).
 */
export function manifestResources(objects: readonly KubeObject[], rolloutTimeoutSeconds: number, where: string,
  manifest: (obj: KubeObject) => unknown = toManifest): Record<string, unknown> {
  const ids = logicalIds(objects, where);
  const deps = dependencies(objects);
  const timeout = `${rolloutTimeoutSeconds}s`;
  const out: Record<string, unknown> = {};
  objects.forEach((obj, i) => {
    const wait = waitFor(obj);
    out[ids[i]] = {
      ...(deps[i].length > 0 && { depends_on: deps[i].map((d) => `${MANIFEST_RESOURCE_TYPE}.${ids[d]}`) }),
      field_manager: { name: TERRAFORM_FIELD_MANAGER },
      manifest: manifest(obj),
      ...(wait && { timeouts: { create: timeout, update: timeout } }),
      ...(wait && { wait: 'rollout' in wait ? { rollout: true } : { condition: [{ status: wait.condition.status, type: wait.condition.type }] } }),
    };
  });
  return out;
}

/** Custom resources whose CRD is in the same stack: kubernetes_manifest cannot plan them before the CRD exists. */
export function crsWithCrdInSameStack(objects: readonly KubeObject[]): KubeObject[] {
  if (!objects.some((o) => o.kind === 'CustomResourceDefinition')) return [];
  const deps = dependencies(objects);
  return objects.filter((o, i) => deps[i].some((d) => objects[d].kind === 'CustomResourceDefinition'));
}
