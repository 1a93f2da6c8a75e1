/** A Kubernetes object as plain JSON (no tokens): what synth writes, what deploy applies. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string>; [k: string]: unknown };
  readonly [k: string]: unknown;
}

/** Identity of an object within one cluster; the version is not part of it. */
export interface ObjectRef {
  readonly group: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/**
 * The API group of an apiVersion: `apps/v1` → `apps`, `v1` → '' (the core group). The one
 * parser of apiVersion; anything but a string (a live object read loosely) is the core group.
 */
export function apiGroup(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.indexOf('/');
  return slash >= 0 ? apiVersion.slice(0, slash) : '';
}

/** The version of an apiVersion: `apps/v1` → `v1`, `v1` → `v1`. */
export function apiVersionName(apiVersion: string): string {
  return apiVersion.slice(apiVersion.indexOf('/') + 1);
}

export function refOf(o: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): ObjectRef {
  return { group: apiGroup(o.apiVersion), kind: o.kind, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}), name: o.metadata.name };
}

/** A stable identity string: `group/Kind/namespace/name` (empty namespace for cluster-scoped). */
export function refKey(r: ObjectRef): string {
  return `${r.group}/${r.kind}/${r.namespace ?? ''}/${r.name}`;
}

/** refKey of an object. */
export function objectKey(o: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  // refKey(refOf(o)) without the ref: it runs several times per object of every cluster.
  return `${apiGroup(o.apiVersion)}/${o.kind}/${o.metadata.namespace || ''}/${o.metadata.name}`;
}

/** `Kind ns/name` or `Kind name`, for messages. */
export function describeRef(r: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

/** describeRef of an object. */
export function describeObject(o: Pick<KubeObject, 'kind' | 'metadata'>): string {
  return describeRef({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name });
}

/** `Kind.group` as ApplySet's contains-group-kinds writes it (`Kind` alone for the core group). */
export function groupKind(r: Pick<ObjectRef, 'group' | 'kind'>): string {
  return r.group ? `${r.kind}.${r.group}` : r.kind;
}
