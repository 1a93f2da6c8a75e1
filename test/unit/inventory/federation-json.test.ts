/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import * as fs from 'fs';
import * as path from 'path';
import { buildShop } from '../../../apps/shop';
import { ClusterRegistry, Federation, FederatedApp, FederatedResource, FederationApp } from '../../../lib';
import { inventoryDocumentSchema, InventoryDocument, SCHEMA_VERSION } from '../../../lib/inventory/types';
import { federationSchemaText, SCHEMA_CHECK_FILE, SCHEMA_FILE, schemaCheckText } from '../../../scripts/schema';
import { validate as schemaCheck } from '../../../lib/inventory/schema-check.generated';
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

describe('the compiled schema check (what plan, deploy and drift run) and the zod schema', () => {
  const check = schemaCheck as (d: unknown) => boolean;
  const agree = (doc: unknown) => [inventoryDocumentSchema.safeParse(doc).success, check(doc)];

  test('the committed check is the one `npm run schema` generates, and needs nothing at run time', () => {
    const text = fs.readFileSync(path.join(ROOT, SCHEMA_CHECK_FILE), 'utf8');
    expect(text).toBe(schemaCheckText());
    expect(text).not.toMatch(/\brequire\(|^import /m);
  });

  const base = synthPlan((app) => buildShop(app)) as any;
  base.ignoreDifferences = [{ kind: 'Deployment', jsonPointers: ['/spec/replicas'], clusters: ['eu-primary'], reason: 'hpa', name: 'web', namespace: 'shop', app: 'web' }];
  const mutated = (mutate: (p: any) => void) => {
    const copy = JSON.parse(JSON.stringify(base));
    mutate(copy);
    return copy;
  };

  test('they agree on chosen edge cases, valid and invalid', () => {
    const cases: Array<[string, (p: any) => void, boolean]> = [
      ['as synthesized', () => undefined, true],
      ['schemaVersion 1', (p) => { p.schemaVersion = 1; }, false],
      ['no fileDigest', (p) => { delete p.clusters[0].objects[0].fileDigest; }, false],
      ['no applySet', (p) => { delete p.applySet; }, false],
      ['an extra key on a cluster', (p) => { p.clusters[0].extra = 1; }, false],
      ['an extra key on the document', (p) => { p.extra = 1; }, false],
      ['an extra key on an object', (p) => { p.clusters[0].objects[0].extra = 'x'; }, false],
      ['an extra key on the ApplySet parent', (p) => { p.applySet.parent.extra = 'x'; }, false],
      ['a digest of another kind', (p) => { p.clusters[0].objects[0].digest = 'md5:x'; }, false],
      ['a digest with a newline after it', (p) => { p.clusters[0].objects[0].digest += '\n'; }, false],
      ['a digest in upper case', (p) => { p.clusters[0].objects[0].digest = p.clusters[0].objects[0].digest.toUpperCase(); }, false],
      ['maxParallel 0', (p) => { p.waves[0].maxParallel = 0; }, false],
      ['maxParallel 1.5', (p) => { p.waves[0].maxParallel = 1.5; }, false],
      ['maxParallel 2.0 (an integer)', (p) => { p.waves[0].maxParallel = 2.0; }, true],
      ['a negative bake', (p) => { p.waves[0].bakeTimeSeconds = -1; }, false],
      ['a fractional bake', (p) => { p.waves[0].bakeTimeSeconds = 0.5; }, true],
      ['a bake as a string', (p) => { p.waves[0].bakeTimeSeconds = '5'; }, false],
      ['a cluster name of 63 characters', (p) => { p.clusters[0].name = 'a'.repeat(63); }, true],
      ['a cluster name of 64 characters', (p) => { p.clusters[0].name = 'a'.repeat(64); }, false],
      ['a cluster name with a capital', (p) => { p.clusters[0].name = 'Eu'; }, false],
      ['a cluster name ending in -', (p) => { p.clusters[0].name = 'eu-'; }, false],
      ['an empty context', (p) => { p.clusters[0].context = ''; }, false],
      ['a context of one astral character (2 UTF-16 units)', (p) => { p.clusters[0].context = '\u{1F600}'; }, true],
      ['an unknown role', (p) => { p.clusters[0].role = 'leader'; }, false],
      ['a role that is a number', (p) => { p.clusters[0].role = 1; }, false],
      ['another kind of document', (p) => { p.kind = 'Plan'; }, false],
      ['another apiVersion', (p) => { p.apiVersion = 'v1'; }, false],
      ['an ApplySet parent of another kind', (p) => { p.applySet.parent.kind = 'ConfigMap'; }, false],
      ['an ApplySet id of another form', (p) => { p.applySet.id = 'applyset-x'; }, false],
      ['objects as an object', (p) => { p.clusters[0].objects = {}; }, false],
      ['no objects', (p) => { p.clusters[0].objects = []; }, true],
      ['null for an optional field', (p) => { p.clusters[0].objects[0].namespace = null; }, false],
      ['an empty namespace', (p) => { p.clusters[0].objects[1].namespace = ''; }, false],
      ['no ignoreDifferences', (p) => { delete p.ignoreDifferences; }, true],
      ['an ignore rule without pointers', (p) => { p.ignoreDifferences[0].jsonPointers = []; }, false],
      ['an ignore rule with an empty pointer', (p) => { p.ignoreDifferences[0].jsonPointers = ['']; }, false],
      ['an ignore rule for a cluster with an invalid name', (p) => { p.ignoreDifferences[0].clusters = ['EU']; }, false],
      ['an ignore rule with an extra key', (p) => { p.ignoreDifferences[0].why = 'x'; }, false],
      ['the document as a list', (p) => { p.clusters = [[]]; }, false],
    ];
    for (const [what, mutate, valid] of cases) expect([what, ...agree(mutated(mutate))]).toEqual([what, valid, valid]);
    for (const doc of [null, [], 'x', 2, {}]) expect(agree(doc)).toEqual([false, false]);
  });

  test('they agree on 1,500 random changes anywhere in a document', () => {
    let seed = 19;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    const values = [undefined, null, '', 'x', 'a'.repeat(63), 'a'.repeat(64), 'Eu', 'eu-1', 'sha256:' + '0'.repeat(64), 'sha256:' + 'G'.repeat(64), 0, -1, 1, 1.5, 63, true, [], {}, ['eu-1'], [''], { kind: 'x' }, 'primary', 'canary', 'Secret'];
    // Every place in the document: [parent, key].
    const places = (root: any): Array<[any, string | number]> => {
      const out: Array<[any, string | number]> = [];
      const walk = (v: any) => {
        if (v === null || typeof v !== 'object') return;
        for (const k of Array.isArray(v) ? v.keys() : Object.keys(v)) {
          out.push([v, k]);
          walk(v[k]);
        }
      };
      walk(root);
      return out;
    };
    let invalid = 0;
    for (let i = 0; i < 1500; i++) {
      const doc = mutated(() => undefined);
      for (let n = 1 + Math.floor(random() * 2); n > 0; n--) {
        const [parent, key] = pick(places(doc));
        const v = pick(values);
        if (random() < 0.15 && !Array.isArray(parent)) parent[`extra${i}`] = v; // a key the schema does not know
        else if (v === undefined && !Array.isArray(parent)) delete parent[key];
        else parent[key] = JSON.parse(JSON.stringify(v ?? null));
      }
      const [zod, compiled] = agree(doc);
      if (!zod) invalid++;
      expect([i, compiled]).toEqual([i, zod]);
    }
    expect(invalid).toBeGreaterThan(500); // the changes do reach what the schema refuses
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
