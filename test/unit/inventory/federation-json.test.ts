/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import * as fs from 'fs';
import * as path from 'path';
import { buildShop } from '../../../apps/shop';
import { ClusterRegistry, Federation, FederatedApp, FederatedResource, FederationApp } from '../../../lib';
import { inventoryDocumentSchema, InventoryDocument, SCHEMA_VERSION } from '../../../lib/inventory/types';
import { federationSchemaText, SCHEMA_FILE } from '../../../scripts/schema';
import { CLUSTERS, federation, tmpdir } from '../../support/fixtures';
import { checkInventory } from '../../../lib/synth/inventory';

const ROOT = path.join(__dirname, '../../..');

/** Synthesizes an app into a new folder and returns its federation.json as written. */
function synthPlan(build: (app: FederationApp) => void): InventoryDocument {
  const outdir = tmpdir();
  const app = new FederationApp({ outdir, terraformOutdir: false });
  build(app);
  app.synth();
  return JSON.parse(fs.readFileSync(path.join(outdir, 'federation.json'), 'utf8'));
}

/** The invariants deploy relies on beyond the schema's shape. */
function expectCoherent(plan: InventoryDocument): void {
  const described = plan.clusters.map((c) => c.name);
  const inWaves = plan.waves.flatMap((w) => w.clusters);
  // Every wave cluster is described in clusters[], and every described cluster is in exactly one wave, the one it names.
  expect([...inWaves].sort()).toEqual([...described].sort());
  for (const c of plan.clusters) expect(plan.waves.find((w) => w.clusters.includes(c.name))?.name).toBe(c.wave);
}

describe('schema/federation.schema.json', () => {
  test('the committed file is the one `npm run schema` generates (run it after changing lib/inventory/types.ts)', () => {
    expect(fs.readFileSync(path.join(ROOT, SCHEMA_FILE), 'utf8')).toBe(federationSchemaText());
  });

  test('generation is deterministic, keys sorted at every level', () => {
    const text = federationSchemaText();
    expect(federationSchemaText()).toBe(text);
    const sortedEverywhere = (v: unknown): boolean => {
      if (Array.isArray(v)) return v.every(sortedEverywhere);
      if (v && typeof v === 'object') {
        const keys = Object.keys(v);
        return keys.every((k, i) => i === 0 || keys[i - 1] < k) && Object.values(v).every(sortedEverywhere);
      }
      return true;
    };
    expect(sortedEverywhere(JSON.parse(text))).toBe(true);
  });

  test('it is a closed draft 2020-12 schema whose every field is described', () => {
    const schema = JSON.parse(federationSchemaText());
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.schemaVersion.const).toBe(SCHEMA_VERSION);
    const undescribed: string[] = [];
    const walk = (node: any, at: string) => {
      for (const [k, p] of Object.entries<any>(node.properties ?? {})) {
        if (!p.description) undescribed.push(`${at}.${k}`);
        walk(p, `${at}.${k}`);
        if (p.items) walk(p.items, `${at}.${k}[]`);
      }
    };
    walk(schema, '');
    expect(undescribed).toEqual([]);
  });
});

describe('every synthesized federation.json validates', () => {
  test('the bundled example (apps/shop.ts)', () => {
    const plan = synthPlan((app) => buildShop(app));
    expect(() => inventoryDocumentSchema.parse(plan)).not.toThrow();
    expect(plan.schemaVersion).toBe(SCHEMA_VERSION);
    expectCoherent(plan);
  });

  test('one cluster, one cluster-scoped custom object, no app residency', () => {
    const plan = synthPlan((app) => {
      const fed = new Federation(app, 'tiny', {
        registry: ClusterRegistry.fromClusters([CLUSTERS[0]]),
        rollout: { waves: [{ name: 'only', clusters: ['us-1'] }] },
      });
      new FederatedResource(fed, 'crd-like', { manifest: { apiVersion: 'example.com/v1', kind: 'ClusterWidget', metadata: { name: 'w' } } });
    });
    expect(() => inventoryDocumentSchema.parse(plan)).not.toThrow();
    expect(plan.clusters[0].objects).toEqual([expect.objectContaining({ kind: 'ClusterWidget', name: 'w', app: 'crd-like' })]);
    expect(plan.clusters[0].objects[0]).not.toHaveProperty('namespace');
    expect(plan.clusters[0].objects[0]).not.toHaveProperty('residency');
    expectCoherent(plan);
  });

  test('kubeconfig paths, residency on every app object, and a wave whose clusters receive nothing', () => {
    const plan = synthPlan((app) => {
      const fed = new Federation(app, 'gdpr', {
        registry: ClusterRegistry.fromClusters(CLUSTERS.map((c) => (c.region === 'eu' ? { ...c, kubeconfig: `/etc/kube/${c.name}.yaml` } : c))),
        rollout: { waves: [{ name: 'us', selector: { matchLabels: { region: 'us' } } }, { name: 'eu', selector: { matchLabels: { region: 'eu' } } }, { name: 'ap', clusters: ['ap-1', 'ap-2'] }] },
      });
      new FederatedApp(fed, 'users', { containers: [{ image: 'u:1' }], placement: { selector: { matchLabels: { jurisdiction: 'eu' } } }, residency: 'eu' });
    });
    expect(() => inventoryDocumentSchema.parse(plan)).not.toThrow();
    expect(plan.clusters.map((c) => [c.name, c.kubeconfig])).toEqual([['eu-1', '/etc/kube/eu-1.yaml'], ['eu-2', '/etc/kube/eu-2.yaml']]);
    const appObjects = plan.clusters.flatMap((c) => c.objects).filter((o) => o.kind !== 'Namespace');
    expect(appObjects.length).toBeGreaterThan(0);
    for (const o of appObjects) expect(o).toMatchObject({ app: 'users', residency: 'eu' });
    for (const o of plan.clusters.flatMap((c) => c.objects).filter((x) => x.kind === 'Namespace')) expect(o).not.toHaveProperty('app');
    // Waves keep their order and settings; waves with no receiving cluster stay, empty.
    expect(plan.waves.map((w) => [w.name, w.clusters])).toEqual([['us', []], ['eu', ['eu-1', 'eu-2']], ['ap', []]]);
    expectCoherent(plan);
  });

  test('the zod schema refuses what deploy could not use', () => {
    const plan = synthPlan((app) => buildShop(app));
    const bad = (mutate: (p: any) => void) => {
      const copy = JSON.parse(JSON.stringify(plan));
      mutate(copy);
      return inventoryDocumentSchema.safeParse(copy).success;
    };
    expect(bad(() => undefined)).toBe(true);
    expect(bad((p) => { p.schemaVersion = 1; })).toBe(false);
    expect(bad((p) => { delete p.clusters[0].objects[0].fileDigest; })).toBe(false);
    expect(bad((p) => { delete p.applySet; })).toBe(false);
    expect(bad((p) => { p.clusters[0].extra = 1; })).toBe(false);
    expect(bad((p) => { p.clusters[0].objects[0].digest = 'md5:x'; })).toBe(false);
    expect(bad((p) => { p.waves[0].maxParallel = 0; })).toBe(false);
  });
});

describe('a wave lists only clusters that receive objects', () => {
  test('a selector wave matching the whole registry lists only the placed clusters', () => {
    const { fed } = federation({ rollout: { waves: [{ name: 'all', selector: {} }] } });
    new FederatedApp(fed, 'web', { containers: [{ image: 'a' }], placement: { clusters: ['eu-1', 'us-1'] } });
    const model = fed.toModel();
    expect(model.waves.map((w) => [w.name, w.clusters])).toEqual([['all', ['eu-1', 'us-1']]]);
    expect(model.clusters.map((c) => c.cluster.name)).toEqual(['eu-1', 'us-1']);
  });

  test('a named cluster that receives nothing is left out of its wave in federation.json', () => {
    const plan = synthPlan((app) => {
      const fed = new Federation(app, 'shop', {
        registry: ClusterRegistry.fromClusters(CLUSTERS),
        rollout: { waves: [{ name: 'first', clusters: ['us-1', 'us-2'] }, { name: 'rest', selector: { matchExpressions: [{ key: 'region', operator: 'NotIn', values: ['us'] }] } }] },
      });
      new FederatedApp(fed, 'web', { containers: [{ image: 'a' }], placement: { clusters: ['us-1', 'eu-1'] } });
    });
    expect(plan.waves.map((w) => [w.name, w.clusters])).toEqual([['first', ['us-1']], ['rest', ['eu-1']]]);
    expectCoherent(plan);
  });
});

describe('checkInventory: synth never writes a federation.json deploy could not trust', () => {
  const good = () => synthPlan((app) => buildShop(app));
  const failure = (mutate: (p: any) => void): string => {
    const p: any = good();
    mutate(p);
    try {
      checkInventory(p, 'federation "shop"');
    } catch (e) {
      expect((e as { code: string }).code).toBe('PLAN_INVALID');
      return (e as Error).message;
    }
    throw new Error('checkInventory accepted an invalid plan');
  };

  test('the example passes unchanged', () => {
    const p = good();
    expect(checkInventory(p, 'x')).toBe(p);
  });

  test('a wave naming a cluster that clusters[] does not describe', () => {
    expect(failure((p) => p.waves[0].clusters.push('ghost'))).toContain('wave "canary" lists cluster "ghost", which clusters[] does not describe');
  });

  test('a cluster in two waves, or in none, or naming another wave', () => {
    expect(failure((p) => p.waves[1].clusters.push('eu-primary'))).toContain('cluster "eu-primary" is in waves');
    expect(failure((p) => { p.waves[2].clusters = []; })).toContain('cluster "eu-primary" names wave "eu", but no wave lists it');
    expect(failure((p) => { p.clusters.find((c: any) => c.name === 'eu-primary').wave = 'us'; })).toContain('names wave "us", but is listed in wave "eu"');
  });

  test('a schema violation names the path', () => {
    expect(failure((p) => { p.clusters[0].objects[0].digest = 'x'; })).toContain('clusters.0.objects.0.digest');
  });
});
