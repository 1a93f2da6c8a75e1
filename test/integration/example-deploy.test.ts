/**
 * The bundled example (apps/shop.ts) deployed to six local clusters (apps/clusters.local.yaml maps
 * its clusters to local-1..6, with the MCS and ExternalDNS CRDs installed): every object present
 * and healthy, in wave order, ApplySet labels set; then a no-op deploy writes nothing.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import * as path from 'node:path';
import { buildShop } from '../../apps/shop';
import { Duration, FederationApp } from '../../lib';
import { computeHealth } from '../../lib/health/status';
import { readInventory } from '../../lib/inventory/read';
import { APPLYSET_PART_OF } from '../../lib/kube/ownership';
import { installCrds } from '../localk8s/crds';
import { down, kubeconfigPath, up } from '../localk8s/localk8s';
import { cdkfed, cleanup, REPO, revisions, tmpDist } from '../support/integration/fleet';
import { clients } from '../support/integration/k8s';

const SIX = ['local-1', 'local-2', 'local-3', 'local-4', 'local-5', 'local-6'];
let started: string[] = [];

beforeAll(async () => {
  started = (await up(6)).started;
  await installCrds(SIX, kubeconfigPath());
  await cleanup('shop', SIX);
}, 180_000);

afterAll(async () => {
  await cleanup('shop', SIX);
  if (started.length && process.env.CDKFED_LOCALK8S_KEEP !== '1') await down(() => undefined, started);
}, 120_000);

test('the example deploys to 6 clusters wave by wave: every object present and healthy, ApplySet labels set; again: nothing written', async () => {
  const dist = tmpDist();
  const app = new FederationApp({ outdir: dist, terraformOutdir: false });
  buildShop(app, path.join(REPO, 'apps', 'clusters.local.yaml'), { healthTimeout: Duration.seconds(60), bakeTime: Duration.seconds(2) });
  app.synth();
  const inv = readInventory(dist);

  const r = await cdkfed(['deploy', '--dist', dist, '--kubeconfig', kubeconfigPath(), '--yes', '--output', 'json']);
  expect(r.stderr).not.toMatch(/error|failed/);
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout);
  expect(report.waves.map((w: any) => [w.wave, w.outcome])).toEqual([['canary', 'succeeded'], ['us', 'succeeded'], ['eu', 'succeeded'], ['apac', 'succeeded']]);

  const contextOf = new Map([...inv.clusters.values()].map((c) => [c.spec.name, c.spec.context]));
  for (const cluster of inv.clusters.values()) {
    const c = clients(contextOf.get(cluster.spec.name)!);
    for (const { manifest } of cluster.objects) {
      const live = await c.objects.read({ apiVersion: manifest.apiVersion, kind: manifest.kind, metadata: { name: manifest.metadata.name, namespace: manifest.metadata.namespace } } as any);
      expect(computeHealth(live).status).toBe('Current');
      expect((live.metadata?.labels ?? {})[APPLYSET_PART_OF]).toBe(inv.document.applySet.id);
    }
  }
  // wave order: each wave's clusters started after every cluster of the previous wave was recorded deployed
  const rec = new Map<string, any>();
  for (const [name, ctx] of contextOf) rec.set(name, (await revisions(ctx, 'shop'))[0]);
  for (let i = 1; i < inv.waves.length; i++) {
    const prevDone = Math.max(...inv.waves[i - 1].clusters.map((c) => Date.parse(rec.get(c).updated)));
    for (const c of inv.waves[i].clusters) expect(Date.parse(rec.get(c).started)).toBeGreaterThanOrEqual(prevDone);
  }

  const again = await cdkfed(['deploy', '--dist', dist, '--kubeconfig', kubeconfigPath(), '--yes']);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/every cluster is up to date; nothing was written/);
  expect(again.stderr).not.toMatch(/baking/);
}, 300_000);
