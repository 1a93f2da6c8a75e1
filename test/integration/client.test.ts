/**
 * lib/cluster/client against a real API server: permanent errors (403, 422) fail at the first
 * answer, never retried; a client certificate that has expired is named before any request.
 * (Transient errors retried until the server is back: faults-outage.test.ts.) A plain kubeconfig
 * is read without client-node; one that needs it (an exec plugin, several files) through it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
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

describe('kubeconfigs client-node reads and plain ones reach the same server as the same user', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a kubeconfig is untyped YAML
  const kc: any = YAML.parse(fs.readFileSync(kubeconfigPath(), 'utf8'));
  const ctx = kc.contexts.find((c: { name: string }) => c.name === CTX[0]).context;
  const cluster = kc.clusters.find((c: { name: string }) => c.name === ctx.cluster);
  const user = kc.users.find((u: { name: string }) => u.name === ctx.user);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkfed-client-kc-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, doc: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, YAML.stringify(doc));
    return file;
  };
  // Who the server takes the client for: the same user whichever way the kubeconfig is read.
  const whoAmI = async (client: ClusterClient) => {
    try {
      const r = await client.request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
      return r.status.userInfo.username as string;
    } finally {
      client.close();
    }
  };
  const plainUser = () => whoAmI(ClusterClient.connect({ name: CTX[0], context: CTX[0] }, { kubeconfig: kubeconfigPath() }));

  test('an exec plugin (client-node runs it) authenticates as the plain kubeconfig\'s user does', async () => {
    const status = { clientCertificateData: Buffer.from(user.user['client-certificate-data'], 'base64').toString(), clientKeyData: Buffer.from(user.user['client-key-data'], 'base64').toString() };
    const script = write('plugin.js', null);
    fs.writeFileSync(script, `console.log(${JSON.stringify(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status }))})`);
    const file = write('exec.yaml', {
      apiVersion: 'v1', kind: 'Config', clusters: [cluster], contexts: [{ name: CTX[0], context: ctx }],
      users: [{ name: user.name, user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [script], interactiveMode: 'Never' } } }],
    });
    const viaExec = await whoAmI(ClusterClient.connect({ name: CTX[0], context: CTX[0] }, { kubeconfig: file }));
    expect(viaExec).toBe(await plainUser());
  });

  test('two files merged from $KUBECONFIG (client-node merges them): the context of the second is found', async () => {
    const first = write('first.yaml', { apiVersion: 'v1', kind: 'Config', clusters: [], contexts: [], users: [] });
    const second = write('second.yaml', { apiVersion: 'v1', kind: 'Config', clusters: [cluster], contexts: [{ name: CTX[0], context: ctx }], users: [user] });
    const merged = await whoAmI(ClusterClient.connect({ name: CTX[0], context: CTX[0] }, { kubeconfigEnv: [first, second].join(path.delimiter) }));
    expect(merged).toBe(await plainUser());
  });
});
