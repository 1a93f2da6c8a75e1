import { adoptionSnapshot, handBackBody, restoreKeys } from '../../../lib/cluster/handback';
import { handsOverReplicas } from '../../../lib/cluster/apply';
import { appliedVersions } from '../../../lib/cluster/prune';

const PART_OF = 'applyset.kubernetes.io/part-of';
const MANAGED_BY = 'app.kubernetes.io/managed-by';

describe('hand-back of an adopted object', () => {
  const before = {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: 'legacy', namespace: 'shop', labels: { team: 'x', [MANAGED_BY]: 'helm' }, annotations: { note: 'theirs' } },
    data: { mode: 'theirs' },
  };
  const live = {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: {
      name: 'legacy', namespace: 'shop', resourceVersion: '42', uid: 'u-1',
      labels: { team: 'x', [MANAGED_BY]: 'cdk-federation', [PART_OF]: 'applyset-abc-v1', 'cdk-federation.io/federation': 'shop', 'cdk-federation.io/app': 'web' },
      annotations: { note: 'theirs', 'cdk-federation.io/cluster': 'eu-1' },
      managedFields: [{ manager: 'helm', operation: 'Update' }, { manager: 'cdk-federation', operation: 'Apply' }],
    },
    data: { mode: 'ours' },
  };

  test('restoreKeys removes our keys and puts back the values they had before', () => {
    expect(restoreKeys(live.metadata.labels, before.metadata.labels, [PART_OF, MANAGED_BY, 'cdk-federation.io/federation', 'cdk-federation.io/app']))
      .toEqual({ team: 'x', [MANAGED_BY]: 'helm' });
    expect(restoreKeys({ [PART_OF]: 'a' }, undefined, [PART_OF])).toBeUndefined();
    expect(restoreKeys(undefined, { keep: 'v' }, ['keep'])).toEqual({ keep: 'v' });
  });

  test('with restore: the content and labels before adoption, our managedFields entry gone, optimistic on resourceVersion', () => {
    const body = handBackBody(live, before, true);
    expect(body.data).toEqual({ mode: 'theirs' });
    expect(body.metadata.labels).toEqual({ team: 'x', [MANAGED_BY]: 'helm' });
    expect(body.metadata.annotations).toEqual({ note: 'theirs' });
    expect(body.metadata.managedFields).toEqual([{ manager: 'helm', operation: 'Update' }]);
    expect(body.metadata.resourceVersion).toBe('42');
    expect(body.metadata.uid).toBe('u-1');
  });

  test('without restore (prune of an adopted object, a Namespace handed over): content as live, only our marks removed', () => {
    const body = handBackBody(live, before, false);
    expect(body.data).toEqual({ mode: 'ours' });
    expect(body.metadata.labels).toEqual({ team: 'x', [MANAGED_BY]: 'helm' });
    const ns = handBackBody({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', resourceVersion: '1', labels: { [PART_OF]: 'a', [MANAGED_BY]: 'cdk-federation' }, managedFields: [{ manager: 'cdk-federation' }] }, status: { phase: 'Active' } }, undefined, false);
    expect(ns.metadata.labels).toBeUndefined();
    expect(ns.status).toBeUndefined();
    // an empty list would leave managedFields as they are; one empty entry clears them
    expect(ns.metadata.managedFields).toEqual([{}]);
  });

  test('adoptionSnapshot drops status and server-populated metadata, keeps labels and content', () => {
    const snap = adoptionSnapshot({ ...live, status: { x: 1 }, metadata: { ...live.metadata, creationTimestamp: 't', generation: 3 } });
    expect(snap.status).toBeUndefined();
    expect(Object.keys(snap.metadata).sort()).toEqual(['annotations', 'labels', 'name', 'namespace']);
    expect(snap.data).toEqual({ mode: 'ours' });
  });
});

describe('replicas handed over to an autoscaler', () => {
  const dep = (replicas?: number) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { ...(replicas !== undefined ? { replicas } : {}), template: {} } });
  const live = (owners: string[]) => ({ spec: { replicas: 4 }, metadata: { managedFields: [...owners.map((manager) => ({ manager, fieldsV1: { 'f:spec': { 'f:replicas': {} } } })), { manager: 'kube-controller-manager', fieldsV1: { 'f:status': {} } }] } });

  test('only when our manifest drops spec.replicas of a scalable workload whose live count only we own', () => {
    expect(handsOverReplicas(dep(), live(['cdk-federation']))).toBe(true);
    expect(handsOverReplicas(dep(2), live(['cdk-federation']))).toBe(false);
    expect(handsOverReplicas(dep(), live(['cdk-federation', 'cdk-federation-handover']))).toBe(false);
    expect(handsOverReplicas(dep(), live(['kube-controller-manager']))).toBe(false);
    expect(handsOverReplicas(dep(), live([]))).toBe(false);
    expect(handsOverReplicas({ ...dep(), kind: 'DaemonSet' }, live(['cdk-federation']))).toBe(false);
    expect(handsOverReplicas(dep(), { metadata: {} })).toBe(false);
  });
});

test('appliedVersions: the version each group-kind was applied at', () => {
  expect([...appliedVersions([
    { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler' }, { apiVersion: 'v1', kind: 'ConfigMap' }, { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  ])]).toEqual([['HorizontalPodAutoscaler.autoscaling', 'autoscaling/v1'], ['ConfigMap', 'v1']]);
});
