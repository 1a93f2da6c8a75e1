/**
 * lib/cluster/client against a real API server: permanent errors (403, 422) fail at the first
 * answer, never retried; a client certificate that has expired is named before any request.
 * (Transient errors retried until the server is back: faults-outage.test.ts.)
 */
import { ClusterClient, KubeApiError } from '../../lib/cluster/client';
import { isFederationError } from '../../lib/errors';
import { userKubeconfig } from '../localk8s/localk8s';
import { contexts, kubeconfigPath } from '../support/integration/k8s';

const CTX = contexts();

function counted(kubeconfig: string): { client: ClusterClient; requests: string[] } {
  const requests: string[] = [];
  const client = ClusterClient.connect({ name: CTX[0], context: CTX[0] }, { kubeconfig, onRequest: (m, p) => requests.push(`${m} ${p}`) });
  return { client, requests };
}

test('403 Forbidden (a user RBAC grants nothing) fails at once: one request, no retry', async () => {
  const { client, requests } = counted(userKubeconfig(CTX[0], 'nobody'));
  try {
    const err = await client.request('GET', '/api/v1/namespaces/default/configmaps').catch((e) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect([err.status, err.reason]).toEqual([403, 'Forbidden']);
    expect(err.message).toMatch(/User "localk8s-nobody" cannot list resource "configmaps"/);
    expect(requests).toEqual(['GET /api/v1/namespaces/default/configmaps']);
  } finally {
    client.close();
  }
});

test('422 Invalid (an object the API server rejects) fails at once: one request, no retry', async () => {
  const { client, requests } = counted(kubeconfigPath());
  try {
    await client.version(); // discovery and the path lookup happen before the counted apply
    const bad = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'not-valid', namespace: 'default' }, data: { 'not a key!': 'x' } };
    await client.pathOf('v1', 'ConfigMap', 'default', 'not-valid');
    requests.length = 0;
    const err = await client.apply(bad, { fieldManager: 'cdkfed-integration-test' }).catch((e) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect([err.status, err.reason]).toEqual([422, 'Invalid']);
    expect(requests).toEqual(['PATCH /api/v1/namespaces/default/configmaps/not-valid']);
  } finally {
    client.close();
  }
});

test('an expired client certificate is refused before any request, naming the cluster, the user and the date', () => {
  const file = userKubeconfig(CTX[0], 'expired');
  const requests: string[] = [];
  let err: unknown;
  try {
    ClusterClient.connect({ name: CTX[0], context: CTX[0] }, { kubeconfig: file, onRequest: (m, p) => requests.push(`${m} ${p}`) });
  } catch (e) {
    err = e;
  }
  expect(isFederationError(err)).toBe(true);
  expect((err as Error).message).toMatch(new RegExp(`the client certificate of user "${CTX[0]}-admin" in kubeconfig ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} expired on \\d{4}-\\d\\d-\\d\\dT`));
  expect(requests).toEqual([]);
});
