/**
 * Whether a kind is namespaced. An object's identity (group, kind, namespace, name) must be
 * spelled as the API server spells it: a cluster-scoped object that carries
 * `metadata.namespace` is stored without it, so a desired key that keeps the namespace never
 * matches the live one, and prune would delete what was just applied. Built-in kinds are
 * known here; custom kinds come from the CRDs of the same set or from discovery.
 */
import { apiGroup, KubeObject } from './object';

/** Cluster-scoped kinds of Kubernetes 1.37 (`kubectl api-resources --namespaced=false`), as `group/Kind`. */
const CLUSTER_SCOPED = new Set([
  '/Namespace', '/Node', '/PersistentVolume', '/ComponentStatus',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy', 'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'apiextensions.k8s.io/CustomResourceDefinition', 'apiregistration.k8s.io/APIService',
  'certificates.k8s.io/CertificateSigningRequest', 'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema', 'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'networking.k8s.io/IngressClass', 'networking.k8s.io/IPAddress', 'networking.k8s.io/ServiceCIDR',
  'node.k8s.io/RuntimeClass', 'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'resource.k8s.io/DeviceClass', 'resource.k8s.io/ResourceSlice', 'scheduling.k8s.io/PriorityClass',
  'storage.k8s.io/CSIDriver', 'storage.k8s.io/CSINode', 'storage.k8s.io/StorageClass', 'storage.k8s.io/VolumeAttachment',
  'storage.k8s.io/VolumeAttributesClass', 'storagemigration.k8s.io/StorageVersionMigration',
  'authentication.k8s.io/SelfSubjectReview', 'authentication.k8s.io/TokenReview',
  'authorization.k8s.io/SelfSubjectAccessReview', 'authorization.k8s.io/SelfSubjectRulesReview', 'authorization.k8s.io/SubjectAccessReview',
]);

/** `group/Kind` → namespaced, for the custom kinds that the CRDs among `objects` define. */
export function crdScopes(objects: readonly Pick<KubeObject, 'kind'>[]): Map<string, boolean> {
  const out = new Map<string, boolean>();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a CRD's spec is read loosely: any field may be missing
  for (const o of objects as readonly any[]) {
    if (o.kind !== 'CustomResourceDefinition' || typeof o.spec?.group !== 'string' || typeof o.spec?.names?.kind !== 'string') continue;
    out.set(`${o.spec.group}/${o.spec.names.kind}`, o.spec.scope !== 'Cluster');
  }
  return out;
}

/**
 * true namespaced, false cluster-scoped, undefined unknown (a custom kind whose CRD is not in
 * the set: ask the cluster).
 */
export function knownNamespaced(apiVersion: string, kind: string, crds: ReadonlyMap<string, boolean> = new Map()): boolean | undefined {
  const key = `${apiGroup(apiVersion)}/${kind}`;
  if (CLUSTER_SCOPED.has(key)) return false;
  const crd = crds.get(key);
  if (crd !== undefined) return crd;
  // Every other kind of Kubernetes' own groups is namespaced; another group's kind is custom.
  return isBuiltInGroup(apiGroup(apiVersion)) ? true : undefined;
}

/**
 * API groups Kubernetes itself serves, from its own Go types (gateway.networking.k8s.io and
 * *.x-k8s.io are CRDs, so not here: a list, not a `.k8s.io` suffix). Their kinds are namespaced
 * unless listed above, and their responses drop empty values (see serverDrops).
 */
const BUILT_IN_GROUPS = new Set(['', 'apps', 'batch', 'autoscaling', 'policy', 'admissionregistration.k8s.io', 'apiextensions.k8s.io',
  'apiregistration.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'certificates.k8s.io', 'coordination.k8s.io',
  'discovery.k8s.io', 'events.k8s.io', 'flowcontrol.apiserver.k8s.io', 'internal.apiserver.k8s.io', 'networking.k8s.io',
  'node.k8s.io', 'rbac.authorization.k8s.io', 'resource.k8s.io', 'scheduling.k8s.io', 'storage.k8s.io', 'storagemigration.k8s.io']);

export function isBuiltInGroup(group: string): boolean {
  return BUILT_IN_GROUPS.has(group);
}

/** The message for a cluster-scoped object that names a namespace, or undefined when it is fine. */
export function scopeProblem(o: { readonly kind: string; readonly metadata: { readonly name: string; readonly namespace?: string } }, namespaced: boolean | undefined): string | undefined {
  if (namespaced !== false || o.metadata.namespace === undefined) return undefined;
  return `${o.kind} ${o.metadata.name} is cluster-scoped but sets metadata.namespace "${o.metadata.namespace}"; the API server ignores it, so the object could never be matched again and prune would delete it`;
}
