import type { ApiObjectProps } from 'cdk8s';
import { contentDigest } from '../kube/digest';
import { ANNOTATION_CONFIG_DIGEST, LABEL_APP } from '../kube/ownership';
import { sortedRecord } from '../kube/sort';
import { ContainerProps, EnvValue, FederatedAppSpec, ProbeProps } from './app-spec';

export interface RenderAppInput {
  readonly name: string;
  readonly namespace: string;
  /** Effective spec for this cluster (overrides applied). */
  readonly spec: FederatedAppSpec;
  readonly replicas: number;
  /**
   * The content digest of a config map. An app passes one that remembers it: its clusters
   * without a config override share one map. @default contentDigest
   */
  readonly configDigest?: (config: Readonly<Record<string, string>>) => string;
}

/**
 * The HPA's minReplicas for a cluster that runs `replicas` (its placement share or
 * `overrides.replicas`) with autoscaling: the larger of the two floors, never below 1.
 * So a divided total reaches the cluster as its HPA floor instead of being dropped.
 */
export function hpaMinReplicas(autoscaling: { readonly minReplicas: number }, replicas: number): number {
  return Math.max(autoscaling.minReplicas, replicas, 1);
}

/** Labels that select the app's pods: stable across releases, so selectors never change. */
export function selectorLabels(app: string): Record<string, string> {
  return { 'app.kubernetes.io/name': app, [LABEL_APP]: app };
}

export function configMapName(app: string): string {
  return `${app}-config`;
}

function renderEnv(env: Readonly<Record<string, EnvValue>> | undefined): object[] | undefined {
  const entries = Object.entries(env ?? {});
  if (entries.length === 0) return undefined;
  return entries.map(([name, v]) => (typeof v === 'string' ? { name, value: v } : { name, valueFrom: v }));
}

function renderProbe(p: ProbeProps | undefined): object | undefined {
  return p ? { ...p } : undefined;
}

function renderContainer(c: ContainerProps, configMap: string | undefined): object {
  const envFrom = [
    ...(configMap ? [{ configMapRef: { name: configMap } }] : []),
    ...(c.envFromSecrets ?? []).map((name) => ({ secretRef: { name } })),
  ];
  return strip({
    name: c.name,
    image: c.image,
    command: c.command,
    args: c.args,
    ports: c.ports?.map((p) => ({ name: p.name ?? `port-${p.containerPort}`, containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' })),
    env: renderEnv(c.env),
    envFrom: envFrom.length ? envFrom : undefined,
    resources: c.resources,
    readinessProbe: renderProbe(c.readiness),
    livenessProbe: renderProbe(c.liveness),
  });
}

/** Removes undefined members so rendered JSON is minimal and stable. */
function strip<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out as T;
}

/**
 * Renders one app for one cluster as plain Kubernetes objects (Deployment, Service,
 * ConfigMap, HPA, PDB as applicable). Pure; namespaces are the federation's business.
 */
export function renderApp(input: RenderAppInput): Array<{ id: string; object: ApiObjectProps }> {
  const { name, namespace, spec, replicas } = input;
  const labels = sortedRecord({ ...spec.labels, ...selectorLabels(name) });
  const metadata = (n: string) => ({ name: n, namespace, labels });
  const out: Array<{ id: string; object: ApiObjectProps }> = [];
  const cm = spec.config && Object.keys(spec.config).length > 0 ? configMapName(name) : undefined;
  if (cm) {
    const data = sortedRecord(spec.config!);
    out.push({ id: 'ConfigMap', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(cm), data } });
  }
  // Pods roll when their config changes: the template carries the config's digest.
  const podAnnotations = sortedRecord({ ...spec.podAnnotations, ...(cm ? { [ANNOTATION_CONFIG_DIGEST]: (input.configDigest ?? contentDigest)(spec.config!) } : {}) });
  // With an HPA, replicas belong to the HPA: setting them here would reset its scale-out on
  // every apply. The cluster's replica count becomes the HPA's floor instead (hpaMinReplicas),
  // which the HPA controller enforces at once, metrics or not.
  const hpa = spec.autoscaling && replicas > 0 ? spec.autoscaling : undefined;
  out.push({
    id: 'Resource',
    object: {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: metadata(name),
      spec: strip({
        replicas: hpa ? undefined : replicas,
        selector: { matchLabels: selectorLabels(name) },
        template: {
          metadata: strip({ labels, annotations: Object.keys(podAnnotations).length ? podAnnotations : undefined }),
          spec: { containers: spec.containers.map((c) => renderContainer(c, cm)) },
        },
      }),
    },
  });
  const ports = spec.containers.flatMap((c) => c.ports ?? []);
  if (ports.length > 0) {
    out.push({
      id: 'Service',
      object: {
        apiVersion: 'v1', kind: 'Service', metadata: metadata(name),
        spec: {
          type: spec.serviceType ?? 'ClusterIP',
          selector: selectorLabels(name),
          ports: ports.map((p) => ({ name: p.name ?? `port-${p.containerPort}`, port: p.servicePort ?? p.containerPort, targetPort: p.containerPort, protocol: p.protocol ?? 'TCP' })),
        },
      },
    });
  }
  if (hpa) {
    out.push({
      id: 'Autoscaler',
      object: {
        apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: metadata(name),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
          minReplicas: hpaMinReplicas(hpa, replicas),
          maxReplicas: hpa.maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: hpa.targetCpuUtilization ?? 80 } } }],
        },
      },
    });
  }
  if (spec.disruptionBudget && replicas > 0) {
    out.push({
      id: 'DisruptionBudget',
      object: {
        apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: metadata(name),
        spec: { ...strip({ minAvailable: spec.disruptionBudget.minAvailable, maxUnavailable: spec.disruptionBudget.maxUnavailable }), selector: { matchLabels: selectorLabels(name) } },
      },
    });
  }
  return out;
}
