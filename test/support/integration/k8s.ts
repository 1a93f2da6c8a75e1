/**
 * Cluster access for integration tests.
 *
 * Convention for every test that needs a cluster: the kubeconfig is at
 * `process.env.CDKFED_LOCALK8S_KUBECONFIG` (set by the Jest globalSetup; default
 * <repo>/.localk8s/kubeconfig) and holds one context per local cluster, `local-1`, `local-2`, ...
 *
 * @kubernetes/client-node 1.x is ESM only and Jest's module sandbox cannot require() ESM on
 * Node < 24.9, so the integration test environment (./environment.js) loads it with Node's own
 * require (require(esm), Node >= 20.19, as the tsc-compiled CommonJS CLI does) and passes it in as
 * a global; outside Jest the module is required directly. Types come from a type-only import.
 * (The module lives outside Jest's registry: jest.mock cannot replace it, and integration tests
 * talk to real clusters and need no mocks.)
 */
import type * as K8s from '@kubernetes/client-node';
import { clusterName, kubeconfigPath } from '../../localk8s/localk8s';

/** The @kubernetes/client-node module. */
export const k8s: typeof K8s = (globalThis as { __CDKFED_CLIENT_NODE__?: typeof K8s }).__CDKFED_CLIENT_NODE__ ??
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@kubernetes/client-node');

export { kubeconfigPath };

/** Field manager used by the integration tests for server-side apply. */
export const FIELD_MANAGER = 'cdkfed-integration-test';

/** Context names of the clusters started by the globalSetup (local-1..local-N). */
export function contexts(count = Number(process.env.CDKFED_LOCALK8S_COUNT || 3)): string[] {
  return Array.from({ length: count }, (_, i) => clusterName(i + 1));
}

/** A KubeConfig loaded from the shared kubeconfig, switched to `context`. */
export function kubeConfig(context: string): K8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigPath());
  if (!kc.getContextObject(context)) {
    throw new Error(`context ${context} not in ${kubeconfigPath()} (has: ${kc.getContexts().map((c) => c.name).join(', ')})`);
  }
  kc.setCurrentContext(context);
  return kc;
}

export interface Clients {
  readonly kc: K8s.KubeConfig;
  readonly core: K8s.CoreV1Api;
  readonly apps: K8s.AppsV1Api;
  readonly objects: K8s.KubernetesObjectApi;
}

export function clients(context: string): Clients {
  const kc = kubeConfig(context);
  return {
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    objects: k8s.KubernetesObjectApi.makeApiClient(kc),
  };
}

/** Server-side apply of one object (forcing conflicts, as `kubectl apply --server-side --force-conflicts`). */
export async function serverSideApply<T extends K8s.KubernetesObject>(c: Clients, obj: T): Promise<T> {
  return c.objects.patch(obj, undefined, undefined, FIELD_MANAGER, true, k8s.PatchStrategy.ServerSideApply);
}

/** Polls `check` until it returns a value other than undefined; throws with `describe()` on timeout. */
export async function waitUntil<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>,
  describe?: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline) {
      const detail = describe ? await describe().catch((e: Error) => `(describe failed: ${e.message})`) : '';
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}` +
        (lastErr ? `; last error: ${(lastErr as Error).message}` : '') + (detail ? `\n${detail}` : ''));
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A namespace name unique to this test run (lower-case, DNS-1123). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

export function condition(obj: { status?: { conditions?: { type: string; status: string; reason?: string }[] } },
  type: string): { type: string; status: string; reason?: string; message?: string } | undefined {
  return obj.status?.conditions?.find((c) => c.type === type);
}
