import { apiGroup, KubeObject } from './object';

/**
 * Apply order: namespaces and CRDs first (so later objects have somewhere to go and a
 * schema), then the order Helm installs built-in kinds; unknown kinds (custom resources) last.
 */
const APPLY_ORDER = [
  'Namespace', 'CustomResourceDefinition', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodDisruptionBudget',
  'ServiceAccount', 'Secret', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Service', 'DaemonSet', 'Pod', 'ReplicaSet',
  'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
];

/** Position of a kind in apply order; custom resources come after every built-in kind. */
export function applyRank(kind: string): number {
  const i = APPLY_ORDER.indexOf(kind);
  return i >= 0 ? i : APPLY_ORDER.length;
}

/**
 * Stage of an object in a staged apply (Flux's ApplyAllStaged): definitions — Namespaces and
 * CRDs — are applied first and waited for, so the rest has a namespace and a schema.
 */
export function applyStage(o: Pick<KubeObject, 'apiVersion' | 'kind'>): 'definitions' | 'rest' {
  const g = apiGroup(o.apiVersion);
  return (o.kind === 'Namespace' && g === '') || (o.kind === 'CustomResourceDefinition' && g === 'apiextensions.k8s.io') ? 'definitions' : 'rest';
}

/** Stable file name under dist/<cluster>/: apply rank first, so `kubectl apply -f dir/` keeps the order. */
export function manifestFileName(o: KubeObject): string {
  const group = apiGroup(o.apiVersion);
  const kind = o.kind.toLowerCase() + (group ? `.${group}` : '');
  const ns = o.metadata.namespace ? `_${o.metadata.namespace}` : '';
  return `${String(applyRank(o.kind)).padStart(2, '0')}-${kind}${ns}_${o.metadata.name}.yaml`;
}
