/**
 * One meaning of "healthy" for the whole product: the kstatus rules of
 * kubernetes-sigs/cli-utils (pkg/kstatus/status), applied to a live object as the API
 * server returns it. Pure: no I/O, no cluster client; deploy's gates, rollback and drift
 * all judge through computeHealth.
 */
import { apiGroup } from '../kube/object';

export type HealthStatus = 'Current' | 'InProgress' | 'Failed' | 'Terminating' | 'NotFound' | 'Unknown';

export interface Health {
  readonly status: HealthStatus;
  /** A short machine-readable reason, e.g. `LessAvailable`, `ProgressDeadlineExceeded`. */
  readonly reason: string;
  /** One line for a person, e.g. `Deployment: 1/3 replicas available`. */
  readonly message: string;
}

interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- live objects of any kind, read field by field
type Obj = Record<string, any>;

const health = (status: HealthStatus, reason: string, message: string): Health => ({ status, reason, message });
const current = (message: string): Health => health('Current', 'Current', message);
const inProgress = (reason: string, message: string): Health => health('InProgress', reason, message);

function conditions(o: Obj): Condition[] {
  const c = o.status?.conditions;
  return Array.isArray(c) ? c.filter((x) => x && typeof x.type === 'string') : [];
}

function condition(o: Obj, type: string): Condition | undefined {
  return conditions(o).find((c) => c.type === type);
}

function describeCondition(c: Condition): string {
  return `${c.type}=${c.status}${c.reason ? `: ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''}`;
}

const num = (v: unknown, dflt = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : dflt);

/** Judges one live object; `undefined` (not found) is NotFound. */
export function computeHealth(live: unknown): Health {
  if (live === undefined || live === null) return health('NotFound', 'NotFound', 'not found');
  if (typeof live !== 'object') return health('Unknown', 'Invalid', 'not an object');
  const o = live as Obj;
  if (o.metadata?.deletionTimestamp) return health('Terminating', 'Terminating', `being deleted since ${o.metadata.deletionTimestamp}`);

  // Generic rules (kstatus checkGenericProperties).
  const generation = o.metadata?.generation;
  const observed = o.status?.observedGeneration;
  if (typeof generation === 'number' && typeof observed === 'number' && observed !== generation) {
    return inProgress('LatestGenerationNotObserved', `generation ${generation} not yet observed by the controller (at ${observed})`);
  }
  const reconciling = condition(o, 'Reconciling');
  if (reconciling?.status === 'True') return inProgress('Reconciling', describeCondition(reconciling));
  const stalled = condition(o, 'Stalled');
  if (stalled?.status === 'True') return health('Failed', 'Stalled', describeCondition(stalled));

  const rule = RULES[`${apiGroup(o.apiVersion)}/${o.kind}`];
  if (rule) return rule(o);
  return readyCondition(o);
}

/** The fallback: a Ready condition decides; no Ready condition means Current. */
function readyCondition(o: Obj): Health {
  const ready = condition(o, 'Ready');
  if (!ready) return current(`${o.kind}: no readiness condition`);
  if (ready.status === 'True') return current(`${o.kind}: Ready`);
  return inProgress(ready.reason ?? 'NotReady', describeCondition(ready));
}

/** A workload whose controller has not yet written status for this generation. */
function notObserved(o: Obj): Health | undefined {
  if (typeof o.metadata?.generation === 'number' && typeof o.status?.observedGeneration !== 'number') {
    return inProgress('LatestGenerationNotObserved', `${o.kind}: not yet observed by its controller`);
  }
  return undefined;
}

function deployment(o: Obj): Health {
  const progressing = condition(o, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return health('Failed', 'ProgressDeadlineExceeded', `Deployment: ${describeCondition(progressing)}`);
  const pending = notObserved(o);
  if (pending) return pending;
  const want = num(o.spec?.replicas, 1);
  const s = o.status ?? {};
  const [replicas, updated, ready, available] = [num(s.replicas), num(s.updatedReplicas), num(s.readyReplicas), num(s.availableReplicas)];
  if (updated < want) return inProgress('LessUpdated', `Deployment: ${updated}/${want} replicas updated, ${available} available`);
  if (replicas > want) return inProgress('ExtraPods', `Deployment: ${replicas - want} old replica(s) pending termination`);
  if (ready < want) return inProgress('LessReady', `Deployment: ${ready}/${want} replicas ready`);
  if (available < want) return inProgress('LessAvailable', `Deployment: ${available}/${want} replicas available`);
  if (updated > available) return inProgress('LessAvailable', `Deployment: ${available}/${updated} updated replicas available`);
  const avail = condition(o, 'Available');
  if (avail && avail.status !== 'True') return inProgress('DeploymentNotAvailable', `Deployment: ${describeCondition(avail)}`);
  return current(`Deployment: ${available}/${want} replicas available`);
}

function statefulSet(o: Obj): Health {
  const pending = notObserved(o);
  if (pending) return pending;
  if (o.spec?.updateStrategy?.type === 'OnDelete') return current('StatefulSet: OnDelete update strategy');
  const want = num(o.spec?.replicas, 1);
  const s = o.status ?? {};
  const partition = num(o.spec?.updateStrategy?.rollingUpdate?.partition);
  if (num(s.replicas) < want) return inProgress('LessReplicas', `StatefulSet: ${num(s.replicas)}/${want} replicas`);
  if (num(s.readyReplicas) < want) return inProgress('LessReady', `StatefulSet: ${num(s.readyReplicas)}/${want} replicas ready`);
  if (num(s.currentReplicas) < want && partition === 0 && s.currentRevision !== s.updateRevision) {
    return inProgress('LessCurrent', `StatefulSet: ${num(s.currentReplicas)}/${want} replicas at the current revision`);
  }
  if (partition > 0) {
    const expected = want - partition;
    if (num(s.updatedReplicas) < expected) return inProgress('PartitionRollout', `StatefulSet: ${num(s.updatedReplicas)}/${expected} replicas updated (partition ${partition})`);
    return current(`StatefulSet: partitioned rollout of ${expected} replica(s) complete`);
  }
  if (s.currentRevision !== s.updateRevision) return inProgress('RevisionMismatch', `StatefulSet: rolling from ${s.currentRevision} to ${s.updateRevision}`);
  return current(`StatefulSet: ${num(s.readyReplicas)}/${want} replicas ready`);
}

function daemonSet(o: Obj): Health {
  const pending = notObserved(o);
  if (pending) return pending;
  const s = o.status ?? {};
  const desired = num(s.desiredNumberScheduled);
  if (num(s.currentNumberScheduled) < desired) return inProgress('LessCurrent', `DaemonSet: ${num(s.currentNumberScheduled)}/${desired} pods scheduled`);
  if (num(s.updatedNumberScheduled) < desired) return inProgress('LessUpdated', `DaemonSet: ${num(s.updatedNumberScheduled)}/${desired} pods updated`);
  if (num(s.numberAvailable) < desired) return inProgress('LessAvailable', `DaemonSet: ${num(s.numberAvailable)}/${desired} pods available`);
  if (num(s.numberReady) < desired) return inProgress('LessReady', `DaemonSet: ${num(s.numberReady)}/${desired} pods ready`);
  return current(`DaemonSet: ${desired}/${desired} pods ready`);
}

function replicaSet(o: Obj): Health {
  const pending = notObserved(o);
  if (pending) return pending;
  const failure = condition(o, 'ReplicaFailure');
  if (failure?.status === 'True') return inProgress('ReplicaFailure', `ReplicaSet: ${describeCondition(failure)}`);
  const want = num(o.spec?.replicas, 1);
  const s = o.status ?? {};
  if (num(s.replicas) < want) return inProgress('LessReplicas', `ReplicaSet: ${num(s.replicas)}/${want} replicas`);
  if (num(s.readyReplicas) < want) return inProgress('LessReady', `ReplicaSet: ${num(s.readyReplicas)}/${want} replicas ready`);
  if (num(s.availableReplicas) < want) return inProgress('LessAvailable', `ReplicaSet: ${num(s.availableReplicas)}/${want} replicas available`);
  if (num(s.replicas) > want) return inProgress('ExtraPods', `ReplicaSet: ${num(s.replicas) - want} extra pod(s) pending termination`);
  return current(`ReplicaSet: ${want}/${want} replicas available`);
}

function job(o: Obj): Health {
  const complete = condition(o, 'Complete');
  if (complete?.status === 'True') return current('Job: complete');
  const failed = condition(o, 'Failed');
  if (failed?.status === 'True') return health('Failed', 'JobFailed', `Job: ${describeCondition(failed)}`);
  if (!o.status?.startTime) return inProgress('JobNotStarted', 'Job: not started');
  return current(`Job: running (${num(o.status?.active)} active, ${num(o.status?.succeeded)} succeeded)`);
}

function crd(o: Obj): Health {
  const names = condition(o, 'NamesAccepted');
  if (names?.status === 'False') return health('Failed', 'NamesNotAccepted', `CustomResourceDefinition: ${describeCondition(names)}`);
  const established = condition(o, 'Established');
  if (established?.status === 'True') return current('CustomResourceDefinition: Established');
  return inProgress('NotEstablished', `CustomResourceDefinition: ${established ? describeCondition(established) : 'not yet Established'}`);
}

/**
 * kstatus: a LoadBalancer Service is Current once it has a clusterIP; it does not wait for an
 * ingress address, which clusters without a load-balancer controller never assign.
 */
function service(o: Obj): Health {
  if (o.spec?.type === 'LoadBalancer' && !o.spec?.clusterIP) {
    return inProgress('NoIPAssigned', 'Service: LoadBalancer has no clusterIP yet');
  }
  if (o.spec?.type === 'LoadBalancer' && !(o.status?.loadBalancer?.ingress?.length > 0)) {
    return current(`Service: clusterIP ${o.spec.clusterIP} (no load-balancer ingress address yet)`);
  }
  return current('Service: ready');
}

const WAITING_FAILURES = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError', 'CreateContainerError', 'InvalidImageName', 'RunContainerError']);

function pod(o: Obj): Health {
  const phase = o.status?.phase;
  if (phase === 'Succeeded') return current('Pod: succeeded');
  if (phase === 'Failed') return health('Failed', 'PodFailed', `Pod: failed${o.status?.reason ? `: ${o.status.reason}` : ''}`);
  for (const cs of [...(o.status?.initContainerStatuses ?? []), ...(o.status?.containerStatuses ?? [])]) {
    const waiting = cs?.state?.waiting;
    if (waiting && WAITING_FAILURES.has(waiting.reason)) {
      return health('Failed', waiting.reason, `Pod: container ${cs.name}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`);
    }
  }
  const ready = condition(o, 'Ready');
  if (phase === 'Running' && ready?.status === 'True') return current('Pod: running and ready');
  const scheduled = condition(o, 'PodScheduled');
  if (scheduled?.status === 'False') return inProgress(scheduled.reason ?? 'Unschedulable', `Pod: ${describeCondition(scheduled)}`);
  return inProgress('PodNotReady', `Pod: ${phase ?? 'no phase'}${ready ? `, ${describeCondition(ready)}` : ''}`);
}

function pvc(o: Obj): Health {
  return o.status?.phase === 'Bound' ? current('PersistentVolumeClaim: Bound') : inProgress('NotBound', `PersistentVolumeClaim: ${o.status?.phase ?? 'Pending'}`);
}

function namespace(o: Obj): Health {
  return o.status?.phase === 'Terminating' ? health('Terminating', 'Terminating', 'Namespace: terminating') : current('Namespace: active');
}

const always = (what: string) => (): Health => current(`${what}: exists`);

/** Rules by `group/Kind`; anything else falls back to the Ready condition. */
const RULES: Readonly<Record<string, (o: Obj) => Health>> = {
  'apps/Deployment': deployment,
  'apps/StatefulSet': statefulSet,
  'apps/DaemonSet': daemonSet,
  'apps/ReplicaSet': replicaSet,
  'batch/Job': job,
  'batch/CronJob': always('CronJob'),
  'apiextensions.k8s.io/CustomResourceDefinition': crd,
  '/Service': service,
  '/Pod': pod,
  '/PersistentVolumeClaim': pvc,
  '/Namespace': namespace,
  '/ConfigMap': always('ConfigMap'),
  '/Secret': always('Secret'),
  '/ServiceAccount': always('ServiceAccount'),
  'policy/PodDisruptionBudget': always('PodDisruptionBudget'),
};

/**
 * Why one pod is not healthy, for failure reports (kstatus judges a Deployment by its
 * counters only, which say nothing of the cause): a waiting container's reason, an
 * unschedulable pod, a not-Ready condition. Undefined for a healthy pod.
 */
export function podFailureReason(p: unknown): string | undefined {
  const o = (p ?? {}) as Obj;
  if (o.status?.phase === 'Succeeded') return undefined;
  for (const cs of [...(o.status?.initContainerStatuses ?? []), ...(o.status?.containerStatuses ?? [])]) {
    const w = cs?.state?.waiting;
    if (w?.reason) return `container ${cs.name}: ${w.reason}${w.message ? `: ${w.message}` : ''}`;
    const t = cs?.state?.terminated;
    if (t && t.exitCode !== 0 && o.status?.phase !== 'Running') return `container ${cs.name}: terminated: ${t.reason ?? `exit code ${t.exitCode}`}`;
  }
  if (o.status?.phase === 'Failed') return `pod failed${o.status?.reason ? `: ${o.status.reason}` : ''}`;
  const scheduled = condition(o, 'PodScheduled');
  if (scheduled?.status === 'False') return describeCondition(scheduled);
  const ready = condition(o, 'Ready');
  if (ready && ready.status !== 'True') return describeCondition(ready);
  if (!ready && o.status?.phase !== 'Running') return `phase ${o.status?.phase ?? 'unknown'}`;
  return undefined;
}
