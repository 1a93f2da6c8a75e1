/**
 * Smoke: server-side apply a Deployment to each local cluster with @kubernetes/client-node and
 * wait until it reports Available with all its pods Ready (kwok simulates the pods).
 */
import type * as K8s from '@kubernetes/client-node';
import { clients, condition, contexts, serverSideApply, uniqueName, waitUntil, type Clients } from '../support/integration/k8s';

const REPLICAS = 3;

function deployment(namespace: string): K8s.V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace, labels: { app: 'web' } },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'registry.example/web:1.0.0', ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
}

describe('smoke: server-side apply to every local cluster', () => {
  const namespace = uniqueName('smoke');
  const perCluster = contexts().map((ctx) => [ctx, clients(ctx)] as [string, Clients]);

  afterAll(async () => {
    await Promise.all(perCluster.map(([, c]) => c.core.deleteNamespace({ name: namespace }).catch(() => undefined)));
  });

  test.each(perCluster.map(([ctx]) => ctx))('%s: Deployment becomes Available with pods Ready', async (ctx) => {
    const c = perCluster.find(([name]) => name === ctx)![1];
    await serverSideApply(c, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const applied = await serverSideApply(c, deployment(namespace));
    expect(applied.metadata?.managedFields?.some((m) => m.manager === 'cdkfed-integration-test' && m.operation === 'Apply')).toBe(true);

    const dep = await waitUntil(`${ctx} deployment web Available`, 90_000, async () => {
      const d = await c.apps.readNamespacedDeployment({ name: 'web', namespace });
      const ok = condition(d, 'Available')?.status === 'True' && d.status?.readyReplicas === REPLICAS &&
        d.status?.updatedReplicas === REPLICAS && d.status?.observedGeneration === d.metadata?.generation;
      return ok ? d : undefined;
    }, async () => JSON.stringify((await c.apps.readNamespacedDeployment({ name: 'web', namespace })).status));
    expect(condition(dep, 'Available')?.status).toBe('True');

    const pods = await c.core.listNamespacedPod({ namespace, labelSelector: 'app=web' });
    expect(pods.items).toHaveLength(REPLICAS);
    for (const pod of pods.items) {
      expect(pod.status?.phase).toBe('Running');
      expect(condition(pod, 'Ready')?.status).toBe('True');
      expect(pod.spec?.nodeName).toMatch(/^kwok-node-\d+$/);
      expect(pod.status?.podIP).toBeTruthy();
    }
  });
});
