/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildShop } from '../../../apps/shop';
import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import { Duration, FederatedApp, FederatedResource, FederationApp, FederationError } from '../../../lib';
import { contentDigest } from '../../../lib/kube/digest';
import { federation, readTree, tmpdir } from '../../support/fixtures';
import * as yaml from 'yaml';

const ROOT = path.join(__dirname, '../../..');

function synthShop(outdir: string): void {
  const app = new FederationApp({ outdir, terraformOutdir: false });
  buildShop(app);
  app.synth();
}

describe('the shop example', () => {
  const out = tmpdir();
  beforeAll(() => synthShop(out));

  test('synthesizes one folder per cluster (all six) and federation.json', () => {
    expect(fs.readdirSync(out).sort()).toEqual(['apac-primary', 'apac-standby', 'eu-primary', 'eu-standby', 'federation.json', 'us-primary', 'us-standby']);
  });

  test.each(['apac-primary', 'apac-standby', 'eu-primary', 'eu-standby', 'us-primary', 'us-standby'])('manifests of %s', (cluster) => {
    expect(readTree(path.join(out, cluster))).toMatchSnapshot();
  });

  test('federation.json: clusters, waves and a digest per object, matching the files', () => {
    const plan = JSON.parse(fs.readFileSync(path.join(out, 'federation.json'), 'utf8'));
    expect(plan).toMatchObject({ apiVersion: 'cdk-federation.io/v1alpha1', kind: 'FederationPlan', federation: 'shop' });
    expect(plan.waves.map((w: any) => [w.name, w.clusters])).toEqual([
      ['canary', ['apac-standby', 'eu-standby', 'us-standby']], ['us', ['us-primary']], ['eu', ['eu-primary']], ['apac', ['apac-primary']],
    ]);
    expect(plan.waves[0]).toMatchObject({ maxParallel: 3, healthTimeoutSeconds: 300, bakeTimeSeconds: 600 });
    const eu = plan.clusters.find((c: any) => c.name === 'eu-primary');
    expect(eu).toMatchObject({ context: 'eu-primary', region: 'eu', role: 'primary', wave: 'eu', jurisdiction: 'eu' });
    const files = fs.readdirSync(path.join(out, 'eu-primary')).map((f) => `eu-primary/${f}`);
    expect(eu.objects.map((o: any) => o.file)).toEqual(files);
    for (const o of eu.objects) {
      expect(o.digest).toBe(contentDigest(yaml.parse(fs.readFileSync(path.join(out, o.file), 'utf8'))));
    }
    expect(eu.objects[0]).toMatchObject({ kind: 'Namespace', name: 'shop' });
  });

  test('GDPR: user-data runs only in EU clusters', () => {
    const plan = JSON.parse(fs.readFileSync(path.join(out, 'federation.json'), 'utf8'));
    const withUserData = plan.clusters.filter((c: any) => c.objects.some((o: any) => o.name === 'user-data')).map((c: any) => c.name);
    expect(withUserData).toEqual(['eu-primary', 'eu-standby']);
  });

  test('no secret value anywhere: secrets appear only as references', () => {
    const all = Object.values(readTree(out)).join('\n');
    expect(all).toContain('secretKeyRef');
    expect(all).not.toMatch(/kind: Secret\b/);
  });

  test('byte-identical across runs', () => {
    const again = tmpdir();
    synthShop(again);
    expect(readTree(again)).toEqual(readTree(out));
  });
});

describe('waves', () => {
  test('a placed cluster in no wave fails synth, naming it', () => {
    const { fed } = federation({ rollout: { waves: [{ name: 'us', selector: { matchLabels: { region: 'us' } } }] } });
    new FederatedApp(fed, 'web', { containers: [{ image: 'a' }] });
    expect(() => fed.toModel()).toThrow(FederationError);
    expect(() => fed.toModel()).toThrow(/ap-1/);
  });

  test('a cluster in two waves fails synth', () => {
    const { fed } = federation({ rollout: { waves: [{ name: 'a', selector: {} }, { name: 'b', clusters: ['us-1'] }] } });
    new FederatedApp(fed, 'web', { containers: [{ image: 'a' }] });
    expect(() => fed.toModel()).toThrow(/us-1/);
  });

  test('durations become seconds; defaults filled', () => {
    const { fed } = federation({ rollout: { waves: [{ name: 'all', selector: {}, healthTimeout: Duration.minutes(2), bakeTime: Duration.seconds(30) }] } });
    new FederatedApp(fed, 'web', { containers: [{ image: 'a' }] });
    expect(fed.toModel().waves).toEqual([{ name: 'all', clusters: ['ap-1', 'ap-2', 'eu-1', 'eu-2', 'us-1', 'us-2'], maxParallel: 1, healthTimeoutSeconds: 120, bakeTimeSeconds: 30 }]);
  });
});

describe('all-or-nothing output', () => {
  test('a failing synth leaves the previous dist/ intact and no staging folder behind', () => {
    const parent = tmpdir();
    const out = path.join(parent, 'dist');
    synthShop(out);
    const before = readTree(out);
    const app = new FederationApp({ outdir: out, terraformOutdir: false });
    const fed = buildShop(app);
    // A second object with the same identity only fails when the whole cluster is rendered.
    new FederatedResource(fed, 'dup', { manifest: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } }, placement: { clusters: ['us-primary'] } });
    expect(() => app.synth()).toThrow(/two objects are Deployment "shop\/web"/);
    expect(readTree(out)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });

  test('a re-synth keeps each stack\'s .terraform/ and lock file, so no new tofu init is needed', () => {
    const parent = tmpdir();
    const [out, tf] = [path.join(parent, 'dist'), path.join(parent, 'cdktf.out')];
    const synth = () => {
      const app = new FederationApp({ outdir: out, terraformOutdir: tf });
      buildShop(app);
      app.synth();
    };
    synth();
    const stack = path.join(tf, 'stacks', 'eu-primary');
    fs.mkdirSync(path.join(stack, '.terraform', 'providers'), { recursive: true });
    fs.writeFileSync(path.join(stack, '.terraform.lock.hcl'), '# lock\n');
    synth();
    expect(fs.existsSync(path.join(stack, '.terraform', 'providers'))).toBe(true);
    expect(fs.readFileSync(path.join(stack, '.terraform.lock.hcl'), 'utf8')).toBe('# lock\n');
    expect(fs.readdirSync(parent).sort()).toEqual(['cdktf.out', 'dist']);
  });

  const GOOD_REGISTRY = 'clusters:\n  - name: a\n    region: eu\n    provider: p\n    jurisdiction: eu\n    context: a\n  - name: b\n    region: us\n    provider: p\n    jurisdiction: us\n    context: b\n';
  test.each<[string, string, string, RegExp]>([
    ['a bad registry', GOOD_REGISTRY.replace('    context: b\n', ''), "new FederatedApp(fed, 'web', { containers: [{ image: 'a' }] });",
      /error REGISTRY_INVALID: .*clusters\.yaml:7: .*clusters\[1\] \(b\) missing required field "context"/s],
    ['a residency violation', GOOD_REGISTRY, "new FederatedApp(fed, 'users', { containers: [{ image: 'a' }], residency: 'eu' });",
      /error RESIDENCY_VIOLATION: x\/users: .*"b"/s],
    ['a bad prop', GOOD_REGISTRY, "new FederatedApp(fed, 'web', { containers: [{ image: 'a', ports: [{ containerPort: 0 }] }] });",
      /error INVALID_PROP: x\/web: prop "containers\[0\]\.ports\[0\]\.containerPort" has invalid value 0/],
  ])('cdkfed synth with %s exits 1 with a clear message and writes nothing', (_name, registry, body, expected) => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'clusters.yaml'), registry);
    const appFile = path.join(dir, 'app.ts');
    fs.writeFileSync(appFile, [
      `import { ClusterRegistry, Federation, FederationApp, FederatedApp } from ${JSON.stringify(path.join(ROOT, 'lib'))};`,
      'const app = new FederationApp();',
      `const fed = new Federation(app, 'x', { registry: ClusterRegistry.fromFile(${JSON.stringify(path.join(dir, 'clusters.yaml'))}), rollout: { waves: [{ name: 'all', selector: {} }] } });`,
      body,
      'app.synth();',
    ].join('\n'));
    const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/cdkfed'), 'synth', '--app', `${tsx} ${appFile}`, '--out', path.join(dir, 'dist'), '--terraform-out', path.join(dir, 'tf')], { encoding: 'utf8', cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(expected);
    expect(r.stderr).toContain('hint:');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(fs.readdirSync(dir).sort()).toEqual(['app.ts', 'clusters.yaml']);
  });

  test('cdkfed synth runs the app of cdk8s.yaml and writes dist/ and cdktf.out/', () => {
    const dir = tmpdir();
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/cdkfed'), 'synth', '--out', path.join(dir, 'dist'), '--terraform-out', path.join(dir, 'tf')], { encoding: 'utf8', cwd: ROOT });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('synthesized federation "shop": 6 clusters');
    expect(fs.readdirSync(path.join(dir, 'dist'))).toContain('federation.json');
    expect(fs.readdirSync(path.join(dir, 'tf', 'stacks')).sort()).toEqual(['apac-primary', 'apac-standby', 'eu-primary', 'eu-standby', 'us-primary', 'us-standby']);
  });

});

describe('rendering objects', () => {
  test('objects with values that are not plain JSON or with JSON patches render exactly as cdk8s renders them', () => {
    const { fed } = federation();
    new FederatedApp(fed, 'web', { containers: [{ image: 'a' }] });
    const cluster = fed.registry.tryGet('us-1')!;
    const chart = fed.chartFor(cluster);
    const lazy = new ApiObject(chart, 'lazy', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'lazy', namespace: 'shop' }, data: { b: Lazy.any({ produce: () => 'late' }), a: 'x' } });
    const patched = new ApiObject(chart, 'patched', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'patched', namespace: 'shop' }, data: { a: 'x', n: null } });
    patched.addJsonPatch(JsonPatch.add('/data/c', 'added'));
    const plain = new ApiObject(chart, 'plain', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain', namespace: 'shop' }, data: { z: 'z', a: ['x', null, { q: undefined, p: 1 }] } });
    const objects = fed.toModel().clusters.find((c) => c.cluster.name === 'us-1')!.objects;
    const byName = (n: string) => objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === n)!;
    for (const o of [lazy, patched, plain]) {
      const { metadata, ...rest } = byName(o.name);
      const { metadata: expectedMetadata, ...expectedRest } = o.toJson();
      expect(rest).toEqual(expectedRest);
      expect(JSON.stringify(Object.keys(rest))).toBe(JSON.stringify(Object.keys(expectedRest)));
      expect(metadata.name).toBe(expectedMetadata.name);
    }
    expect(byName('lazy').data).toEqual({ a: 'x', b: 'late' });
    expect(byName('patched').data).toEqual({ a: 'x', c: 'added' });
    expect(JSON.stringify(byName('plain').data)).toBe('{"a":["x",null,{"p":1}],"z":"z"}');
  });

  test('plain objects render as cdk8s renders them: nulls, undefined members, sorted and unsorted maps, every metadata field', () => {
    const { fed } = federation();
    new FederatedApp(fed, 'web', { containers: [{ image: 'a' }] });
    const chart = fed.chartFor(fed.registry.tryGet('us-1')!);
    const shared = { a: 1, b: { c: [1, 2] } }; // sorted already: may be shared, must print the same
    const objects = [
      new ApiObject(chart, 'sorted', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'sorted', namespace: 'shop' }, data: { a: 'x', b: 'y' }, extra: { s: shared, t: shared } }),
      new ApiObject(chart, 'holes', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'holes', namespace: 'shop', labels: {}, annotations: { z: '1', a: '2' } },
        data: { a: 'x', b: undefined, c: null, d: { y: null, z: undefined, a: [] }, e: [null, undefined, { b: 1, a: null }] } }),
      new ApiObject(chart, 'meta', { apiVersion: 'v1', kind: 'ConfigMap',
        metadata: { name: 'meta', namespace: 'shop', finalizers: ['f'], ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'u' }], generateName: 'g', empty: {}, none: [] }, data: {} }),
    ];
    const rendered = fed.toModel().clusters.find((c) => c.cluster.name === 'us-1')!.objects;
    for (const o of objects) {
      const got = rendered.find((r) => r.metadata.name === o.name)!;
      const expected = o.toJson();
      const { labels, annotations, ...meta } = got.metadata;
      const { labels: expectedLabels, annotations: expectedAnnotations, ...expectedMeta } = expected.metadata;
      expect(JSON.stringify({ ...got, metadata: 0 })).toBe(JSON.stringify({ ...expected, metadata: 0 })); // key order too
      expect(meta).toEqual(expectedMeta); // metadata is put in one order by finalizeObjects
      const nullishMembers = (v: unknown): number => (Array.isArray(v) ? v.reduce((n: number, x) => n + nullishMembers(x), 0)
        : v && typeof v === 'object' ? Object.values(v).reduce((n: number, x) => n + (x === null || x === undefined ? 1 : nullishMembers(x)), 0) : 0);
      expect(nullishMembers(got)).toBe(0);
      for (const [mine, theirs] of [[labels, expectedLabels], [annotations, expectedAnnotations]]) {
        for (const [k, v] of Object.entries(theirs ?? {})) expect(mine?.[k]).toBe(v);
      }
    }
  });
});
