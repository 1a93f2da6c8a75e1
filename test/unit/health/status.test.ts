import { computeHealth, podFailureReason } from '../../../lib/health/status';

const cond = (type: string, status: string, reason?: string, message?: string) => ({ type, status, ...(reason ? { reason } : {}), ...(message ? { message } : {}) });
const dep = (spec: object, status: object, meta: object = { generation: 1 }) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', ...meta }, spec, status });
const okDepStatus = { observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: [cond('Available', 'True')] };

describe('generic rules', () => {
  test('undefined is NotFound, a non-object Unknown', () => {
    expect(computeHealth(undefined).status).toBe('NotFound');
    expect(computeHealth(null).status).toBe('NotFound');
    expect(computeHealth('x').status).toBe('Unknown');
  });
  test('deletionTimestamp wins over everything', () => {
    expect(computeHealth(dep({ replicas: 3 }, okDepStatus, { generation: 1, deletionTimestamp: '2026-01-01T00:00:00Z' })).status).toBe('Terminating');
  });
  test('observedGeneration behind generation is InProgress, for any kind', () => {
    expect(computeHealth(dep({ replicas: 3 }, { ...okDepStatus, observedGeneration: 1 }, { generation: 2 }))).toMatchObject({ status: 'InProgress', reason: 'LatestGenerationNotObserved' });
    expect(computeHealth({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', generation: 5 }, status: { observedGeneration: 4, conditions: [cond('Ready', 'True')] } }).status).toBe('InProgress');
  });
  test('Reconciling=True is InProgress, Stalled=True is Failed', () => {
    const w = (c: object[]) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, status: { conditions: c } });
    expect(computeHealth(w([cond('Reconciling', 'True', 'Working')])).status).toBe('InProgress');
    expect(computeHealth(w([cond('Stalled', 'True', 'Broken', 'bad spec')]))).toEqual({ status: 'Failed', reason: 'Stalled', message: 'Stalled=True: Broken: bad spec' });
    expect(computeHealth(w([cond('Reconciling', 'False'), cond('Stalled', 'False')])).status).toBe('Current');
  });
});

describe('Deployment', () => {
  test('all replicas updated, ready and available with Available=True: Current', () => {
    expect(computeHealth(dep({ replicas: 3 }, okDepStatus))).toEqual({ status: 'Current', reason: 'Current', message: 'Deployment: 3/3 replicas available' });
  });
  test('spec.replicas defaults to 1', () => {
    expect(computeHealth(dep({}, { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 })).status).toBe('Current');
    expect(computeHealth(dep({}, { observedGeneration: 1 })).status).toBe('InProgress');
  });
  test('no observedGeneration yet: InProgress', () => {
    expect(computeHealth(dep({ replicas: 1 }, {})).reason).toBe('LatestGenerationNotObserved');
  });
  test.each([
    ['LessUpdated', { updatedReplicas: 2 }],
    ['ExtraPods', { replicas: 4 }],
    ['LessReady', { readyReplicas: 2 }],
    ['LessAvailable', { availableReplicas: 2 }],
  ])('%s', (reason, patch) => {
    expect(computeHealth(dep({ replicas: 3 }, { ...okDepStatus, ...patch }))).toMatchObject({ status: 'InProgress', reason });
  });
  test('updated > available is InProgress even when available meets spec', () => {
    expect(computeHealth(dep({ replicas: 2 }, { ...okDepStatus, replicas: 2, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 2 })).status).toBe('InProgress');
  });
  test('Available=False: InProgress with the condition in the message', () => {
    const h = computeHealth(dep({ replicas: 3 }, { ...okDepStatus, conditions: [cond('Available', 'False', 'MinimumReplicasUnavailable')] }));
    expect(h).toMatchObject({ status: 'InProgress', message: 'Deployment: Available=False: MinimumReplicasUnavailable' });
  });
  test('ProgressDeadlineExceeded: Failed, even before observing', () => {
    const h = computeHealth(dep({ replicas: 3 }, { conditions: [cond('Progressing', 'False', 'ProgressDeadlineExceeded', 'ReplicaSet "web-1" has timed out progressing.')] }));
    expect(h.status).toBe('Failed');
    expect(h.message).toMatch(/ProgressDeadlineExceeded: ReplicaSet "web-1" has timed out/);
  });
  test('a custom resource named Deployment in another group falls to the Ready rule', () => {
    expect(computeHealth({ apiVersion: 'example.com/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: 3 }, status: {} }).status).toBe('Current');
    expect(computeHealth({ apiVersion: 'example.com/v1', kind: 'Deployment', metadata: { name: 'x' }, status: { conditions: [cond('Ready', 'False')] } }).status).toBe('InProgress');
  });
});

describe('StatefulSet', () => {
  const sts = (spec: object, status: object) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', generation: 1 }, spec, status: { observedGeneration: 1, ...status } });
  const ok = { replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, currentRevision: 'r1', updateRevision: 'r1' };
  test('Current when replicas ready and revisions equal', () => {
    expect(computeHealth(sts({ replicas: 3 }, ok)).status).toBe('Current');
  });
  test('OnDelete is Current once observed', () => {
    expect(computeHealth(sts({ replicas: 3, updateStrategy: { type: 'OnDelete' } }, { replicas: 0 })).status).toBe('Current');
  });
  test.each([
    ['LessReplicas', { replicas: 2 }],
    ['LessReady', { readyReplicas: 2 }],
    ['RevisionMismatch', { updateRevision: 'r2' }],
  ])('%s', (reason, patch) => {
    expect(computeHealth(sts({ replicas: 3 }, { ...ok, ...patch })).reason).toBe(reason);
  });
  test('partitioned rollout: Current once replicas above the partition are updated', () => {
    const spec = { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } };
    expect(computeHealth(sts(spec, { ...ok, updatedReplicas: 0, updateRevision: 'r2' })).reason).toBe('PartitionRollout');
    expect(computeHealth(sts(spec, { ...ok, updatedReplicas: 1, updateRevision: 'r2' })).status).toBe('Current');
  });
});

describe('DaemonSet and ReplicaSet', () => {
  const ds = (status: object) => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd', generation: 1 }, status: { observedGeneration: 1, desiredNumberScheduled: 3, currentNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3, numberReady: 3, ...status } });
  test.each([
    ['Current', {}], ['LessCurrent', { currentNumberScheduled: 2 }], ['LessUpdated', { updatedNumberScheduled: 1 }],
    ['LessAvailable', { numberAvailable: 0 }], ['LessReady', { numberReady: 2 }],
  ])('DaemonSet %s', (reason, patch) => {
    expect(computeHealth(ds(patch)).reason).toBe(reason);
  });
  const rs = (status: object) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r', generation: 1 }, spec: { replicas: 2 }, status: { observedGeneration: 1, replicas: 2, readyReplicas: 2, availableReplicas: 2, ...status } });
  test.each([
    ['Current', {}], ['LessReplicas', { replicas: 1 }], ['LessReady', { readyReplicas: 1 }], ['LessAvailable', { availableReplicas: 1 }],
    ['ExtraPods', { replicas: 3 }], ['ReplicaFailure', { conditions: [cond('ReplicaFailure', 'True', 'FailedCreate')] }],
  ])('ReplicaSet %s', (reason, patch) => {
    expect(computeHealth(rs(patch)).reason).toBe(reason);
  });
});

describe('Job, CronJob, CRD', () => {
  const job = (status: object) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, status });
  test('Complete → Current, Failed → Failed, not started → InProgress, running → Current', () => {
    expect(computeHealth(job({ conditions: [cond('Complete', 'True')] })).status).toBe('Current');
    expect(computeHealth(job({ conditions: [cond('Failed', 'True', 'BackoffLimitExceeded')] }))).toMatchObject({ status: 'Failed', reason: 'JobFailed' });
    expect(computeHealth(job({})).status).toBe('InProgress');
    expect(computeHealth(job({ startTime: '2026-01-01T00:00:00Z', active: 1 })).status).toBe('Current');
  });
  test('CronJob is always Current', () => {
    expect(computeHealth({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' } }).status).toBe('Current');
  });
  const crd = (conds: object[]) => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'x' }, status: { conditions: conds } });
  test('CRD: Established → Current, NamesAccepted=False → Failed, else InProgress', () => {
    expect(computeHealth(crd([cond('NamesAccepted', 'True'), cond('Established', 'True')])).status).toBe('Current');
    expect(computeHealth(crd([cond('NamesAccepted', 'False', 'NameConflict')])).status).toBe('Failed');
    expect(computeHealth(crd([cond('Established', 'False')])).status).toBe('InProgress');
    expect(computeHealth(crd([])).status).toBe('InProgress');
  });
});

describe('core kinds', () => {
  test('Service (kstatus): only a LoadBalancer without a clusterIP is InProgress; an ingress address is not waited for', () => {
    const svc = (spec: object, status: object = {}) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec, status });
    expect(computeHealth(svc({ type: 'ClusterIP', clusterIP: '10.0.0.1' })).status).toBe('Current');
    expect(computeHealth(svc({})).status).toBe('Current');
    expect(computeHealth(svc({ type: 'NodePort', clusterIP: '10.0.0.1' })).status).toBe('Current');
    expect(computeHealth(svc({ type: 'ExternalName', externalName: 'db.example' })).status).toBe('Current');
    expect(computeHealth(svc({ type: 'LoadBalancer' }))).toEqual({ status: 'InProgress', reason: 'NoIPAssigned', message: 'Service: LoadBalancer has no clusterIP yet' });
    expect(computeHealth(svc({ type: 'LoadBalancer', clusterIP: '' })).status).toBe('InProgress');
    expect(computeHealth(svc({ type: 'LoadBalancer', clusterIP: '10.0.0.7' }, { loadBalancer: {} })))
      .toEqual({ status: 'Current', reason: 'Current', message: 'Service: clusterIP 10.0.0.7 (no load-balancer ingress address yet)' });
    expect(computeHealth(svc({ type: 'LoadBalancer', clusterIP: '10.0.0.7' }, { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } })).status).toBe('Current');
  });
  test('Pod: ready, succeeded, failed, crash-looping, unschedulable', () => {
    const pod = (status: object) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, status });
    expect(computeHealth(pod({ phase: 'Running', conditions: [cond('Ready', 'True')] })).status).toBe('Current');
    expect(computeHealth(pod({ phase: 'Succeeded' })).status).toBe('Current');
    expect(computeHealth(pod({ phase: 'Failed', reason: 'Evicted' })).status).toBe('Failed');
    expect(computeHealth(pod({ phase: 'Running', containerStatuses: [{ name: 'web', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } } }] })))
      .toEqual({ status: 'Failed', reason: 'CrashLoopBackOff', message: 'Pod: container web: CrashLoopBackOff: back-off' });
    expect(computeHealth(pod({ phase: 'Pending', conditions: [cond('PodScheduled', 'False', 'Unschedulable', '0/3 nodes')] }))).toMatchObject({ status: 'InProgress', reason: 'Unschedulable' });
    expect(computeHealth(pod({ phase: 'Running', conditions: [cond('Ready', 'False', 'ContainersNotReady')] })).status).toBe('InProgress');
  });
  test('PVC Bound, Namespace Active/Terminating, always-Current kinds', () => {
    expect(computeHealth({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, status: { phase: 'Bound' } }).status).toBe('Current');
    expect(computeHealth({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, status: { phase: 'Pending' } }).status).toBe('InProgress');
    expect(computeHealth({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' }, status: { phase: 'Active' } }).status).toBe('Current');
    expect(computeHealth({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' }, status: { phase: 'Terminating' } }).status).toBe('Terminating');
    for (const [apiVersion, kind] of [['v1', 'ConfigMap'], ['v1', 'Secret'], ['v1', 'ServiceAccount'], ['policy/v1', 'PodDisruptionBudget']]) {
      expect(computeHealth({ apiVersion, kind, metadata: { name: 'x' }, status: { conditions: [cond('Ready', 'False')] } }).status).toBe('Current');
    }
  });
  test('anything else: Ready decides, no status or no Ready is Current', () => {
    const w = (status?: object) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, ...(status ? { status } : {}) });
    expect(computeHealth(w()).status).toBe('Current');
    expect(computeHealth(w({ conditions: [cond('Synced', 'False')] })).status).toBe('Current');
    expect(computeHealth(w({ conditions: [cond('Ready', 'True')] })).status).toBe('Current');
    expect(computeHealth(w({ conditions: [cond('Ready', 'Unknown', 'Pending')] }))).toEqual({ status: 'InProgress', reason: 'Pending', message: 'Ready=Unknown: Pending' });
  });
});

describe('podFailureReason', () => {
  test('a waiting container, an unschedulable pod, a not-ready pod, a healthy pod', () => {
    expect(podFailureReason({ status: { phase: 'Running', containerStatuses: [{ name: 'web', state: { waiting: { reason: 'ImagePullBackOff', message: 'not found' } } }] } }))
      .toBe('container web: ImagePullBackOff: not found');
    expect(podFailureReason({ status: { phase: 'Pending', conditions: [cond('PodScheduled', 'False', 'Unschedulable')] } })).toBe('PodScheduled=False: Unschedulable');
    expect(podFailureReason({ status: { phase: 'Running', conditions: [cond('Ready', 'False', 'ContainersNotReady')] } })).toBe('Ready=False: ContainersNotReady');
    expect(podFailureReason({ status: { phase: 'Running', conditions: [cond('Ready', 'True')] } })).toBeUndefined();
    expect(podFailureReason({ status: { phase: 'Succeeded' } })).toBeUndefined();
    expect(podFailureReason({ status: { phase: 'Failed', reason: 'Evicted' } })).toBe('pod failed: Evicted');
  });
});
