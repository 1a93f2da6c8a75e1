/**
 * Installs the CRDs the bundled example needs (Multi-Cluster Services, ExternalDNS) into local
 * clusters with server-side apply through the project's own cluster client, and waits until they
 * are Established. Used by `npm run demo` and the example's integration test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { ClusterClient } from '../../lib/cluster/client';
import { waitHealthy } from '../../lib/cluster/wait';
import type { KubeObject } from '../../lib/kube/object';

export const CRD_DIR = path.join(__dirname, 'crds');

export function exampleCrds(): KubeObject[] {
  return fs.readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml')).sort()
    .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(CRD_DIR, f), 'utf8')).map((d) => d.toJS() as KubeObject));
}

export async function installCrds(contexts: readonly string[], kubeconfig: string): Promise<void> {
  const crds = exampleCrds();
  await Promise.all(contexts.map(async (context) => {
    const client = ClusterClient.connect({ name: context, context }, { kubeconfig });
    try {
      for (const crd of crds) await client.apply(crd, { fieldManager: 'cdkfed-localk8s', force: true });
      const r = await waitHealthy(client, crds, { timeoutMs: 60_000 });
      if (!r.healthy) throw new Error(`${context}: CRDs not established: ${r.objects.map((o) => o.health.message).join('; ')}`);
    } finally {
      client.close();
    }
  }));
}
