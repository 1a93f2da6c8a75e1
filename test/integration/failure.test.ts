/**
 * Failure simulation: pods labelled cdk-federation.io/simulate=fail never become Ready (kwok stage
 * pod-simulate-fail), so the Deployment never becomes Available and its rollout reports
 * ProgressDeadlineExceeded, which is what health gates and rollback must detect.
 */
import type * as K8s from '@kubernetes/client-node';
import { clients, condition, contexts, serverSideApply, uniqueName, waitUntil } from '../support/integration/k8s';

describe('failure simulation', () => {
  const ctx = contexts()[0];
  const c = clients(ctx);
  const namespace = uniqueName('fail');

  afterAll(async () => {
    await c.core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  test(`${ctx}: a Deployment marked to fail never becomes Available and exceeds its progress deadline`, async () => {
    await serverSideApply(c, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const dep: K8s.V1Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'broken', namespace },
      spec: {
        replicas: 2,
        progressDeadlineSeconds: 5,
        selector: { matchLabels: { app: 'broken' } },
        template: {
          metadata: { labels: { 'app': 'broken', 'cdk-federation.io/simulate': 'fail' } },
          spec: { containers: [{ name: 'app', image: 'registry.example/broken:1.0.0' }] },
        },
      },
    };
    await serverSideApply(c, dep);

    const seenAvailable: string[] = [];
    const final = await waitUntil(`${ctx} deployment broken ProgressDeadlineExceeded`, 90_000, async () => {
      const d = await c.apps.readNamespacedDeployment({ name: 'broken', namespace });
      if (condition(d, 'Available')?.status === 'True') seenAvailable.push(JSON.stringify(d.status));
      return condition(d, 'Progressing')?.reason === 'ProgressDeadlineExceeded' ? d : undefined;
    }, async () => JSON.stringify((await c.apps.readNamespacedDeployment({ name: 'broken', namespace })).status));

    expect(seenAvailable).toEqual([]);
    expect(condition(final, 'Progressing')?.status).toBe('False');
    expect(condition(final, 'Available')?.status).toBe('False');
    expect(final.status?.readyReplicas ?? 0).toBe(0);
    expect(final.status?.availableReplicas ?? 0).toBe(0);

    // The pods exist and run on simulated nodes but are not Ready.
    const pods = await c.core.listNamespacedPod({ namespace, labelSelector: 'app=broken' });
    expect(pods.items.length).toBeGreaterThanOrEqual(2);
    for (const pod of pods.items) {
      expect(pod.status?.phase).toBe('Running');
      expect(condition(pod, 'Ready')?.status).toBe('False');
      expect(pod.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    }
  });
});
