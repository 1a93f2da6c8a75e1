/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import * as fs from 'fs';
import * as path from 'path';
import { buildShop } from '../../../apps/shop';
import { FederationApp } from '../../../lib';
import { readInventory, readOutline, verifyInventory } from '../../../lib/inventory/read';
import { inventoryDocumentSchema } from '../../../lib/inventory/types';
import { contentDigest, fileDigest } from '../../../lib/kube/digest';
import { manifestFileName } from '../../../lib/kube/order';
import * as YAML from 'yaml';
import { errorOf, tmpdir } from '../../support/fixtures';

/** A fresh synth of the example into a temporary dist/. */
function shopDist(): string {
  const out = tmpdir();
  const app = new FederationApp({ outdir: out, terraformOutdir: false });
  buildShop(app);
  app.synth();
  return out;
}

const pristine = shopDist();
function copy(): string {
  const d = tmpdir();
  fs.cpSync(pristine, d, { recursive: true });
  return d;
}
const planOf = (d: string) => JSON.parse(fs.readFileSync(path.join(d, 'federation.json'), 'utf8'));
const writePlan = (d: string, p: unknown) => fs.writeFileSync(path.join(d, 'federation.json'), JSON.stringify(p));
const file = (d: string, rel: string) => path.join(d, rel);
const firstFile = (d: string, cluster: string, kind: string) => planOf(d).clusters.find((c: any) => c.name === cluster).objects.find((o: any) => o.kind === kind).file;
/** Every manifest of `d`, parsed: what deploy does before it applies them. */
const parseAll = (d: string) => {
  const inv = readInventory(d);
  for (const c of inv.clusters.values()) for (const o of c.objects) void o.manifest;
  return inv;
};
/** Rewrites a file and its fileDigest, as a hand edit of both would: only the parse-time checks can catch what follows. */
function rewrite(d: string, rel: string, text: string): void {
  fs.writeFileSync(file(d, rel), text);
  const p = planOf(d);
  for (const c of p.clusters) for (const o of c.objects) if (o.file === rel) o.fileDigest = fileDigest(text);
  writePlan(d, p);
}

describe('readInventory: the example', () => {
  test('reads every cluster with its objects in apply order, verified', () => {
    const inv = readInventory(pristine);
    expect([...inv.clusters.keys()]).toEqual(['apac-primary', 'apac-standby', 'eu-primary', 'eu-standby', 'us-primary', 'us-standby']);
    const eu = inv.clusters.get('eu-primary')!;
    expect(eu.objects[0].manifest.kind).toBe('Namespace');
    expect(eu.objects.every((o) => o.target.metadata.name === o.entry.name && o.manifest.metadata.name === o.entry.name)).toBe(true);
    expect(eu.objects.map((o) => o.entry.file)).toEqual(planOf(pristine).clusters.find((c: any) => c.name === 'eu-primary').objects.map((o: any) => o.file));
    expect(eu.digest).toMatch(/^sha256:/);
    expect(inv.waves.map((w) => w.name)).toEqual(['canary', 'us', 'eu', 'apac']);
  });

  test('federation.json passes its own schema, with app and residency per object', () => {
    const plan = inventoryDocumentSchema.parse(planOf(pristine));
    const userData = plan.clusters.find((c) => c.name === 'eu-primary')!.objects.filter((o) => o.app === 'user-data');
    expect(userData.length).toBeGreaterThan(0);
    expect(userData.every((o) => o.residency === 'eu')).toBe(true);
    expect(plan.clusters.find((c) => c.name === 'us-primary')!.objects.find((o) => o.kind === 'Namespace')!.app).toBeUndefined();
  });

  test('cluster digests are stable and differ between clusters', () => {
    const a = readInventory(pristine);
    const b = readInventory(copy());
    expect(a.clusters.get('us-primary')!.digest).toBe(b.clusters.get('us-primary')!.digest);
    expect(a.clusters.get('us-primary')!.digest).not.toBe(a.clusters.get('eu-primary')!.digest);
  });
});

describe('readInventory: tampered or broken dist/ is refused before any cluster is contacted', () => {
  test('a cluster-scoped object that names a namespace (digest and inventory consistent): refused naming the file and the field', () => {
    const d = copy();
    const plan = planOf(d);
    const entry = plan.clusters.find((c: any) => c.name === 'us-primary').objects.find((o: any) => o.kind === 'Namespace');
    const obj = YAML.parse(fs.readFileSync(file(d, entry.file), 'utf8'));
    obj.metadata.namespace = 'shop';
    fs.rmSync(file(d, entry.file));
    entry.file = `us-primary/${manifestFileName(obj)}`;
    fs.writeFileSync(file(d, entry.file), YAML.stringify(obj));
    entry.namespace = 'shop';
    entry.digest = contentDigest(obj);
    entry.fileDigest = fileDigest(YAML.stringify(obj));
    writePlan(d, plan);
    const e = errorOf(() => readInventory(d));
    expect(e.code).toBe('CLUSTER_SCOPED_NAMESPACE');
    expect(e.message).toContain(entry.file);
    expect(e.message).toMatch(/field metadata.namespace: Namespace shop is cluster-scoped but sets metadata.namespace "shop"/);
  });
  test('a manifest edited after synth: its bytes do not match their fileDigest, naming the file, without parsing it', () => {
    const d = copy();
    const f = firstFile(d, 'us-primary', 'Deployment');
    fs.writeFileSync(file(d, f), fs.readFileSync(file(d, f), 'utf8').replace(/image: .*/, 'image: evil/web:latest'));
    const e = errorOf(() => readInventory(d));
    expect(e.code).toBe('DIST_DIGEST_MISMATCH');
    expect(e.where).toBe(file(d, f));
    expect(e.message).toMatch(/bytes do not match their fileDigest in federation.json \(was sha256:[0-9a-f]{12}…, is sha256:[0-9a-f]{12}…\): the file changed after synth/);
    expect(e.hint).toMatch(/cdkfed synth/);
  });

  test('any byte changed is refused, even a comment: the bytes reviewed are the bytes applied', () => {
    const d = copy();
    const f = firstFile(d, 'us-primary', 'Deployment');
    fs.writeFileSync(file(d, f), `# reviewed\n${fs.readFileSync(file(d, f), 'utf8')}`);
    expect(errorOf(() => readInventory(d)).code).toBe('DIST_DIGEST_MISMATCH');
  });

  test('manifests are parsed on first use only, and each is parsed once', () => {
    const inv = readInventory(pristine);
    const o = inv.clusters.get('eu-primary')!.objects[1];
    expect(o.bytes).toBe(fs.statSync(file(pristine, o.entry.file)).size);
    expect(o.manifest).toBe(o.manifest);
    expect(o.manifest).toEqual(YAML.parse(fs.readFileSync(file(pristine, o.entry.file), 'utf8')));
  });

  test('a missing manifest', () => {
    const d = copy();
    const f = firstFile(d, 'eu-primary', 'Service');
    fs.rmSync(file(d, f));
    const e = errorOf(() => readInventory(d));
    expect(e.code).toBe('DIST_MISSING');
    expect(e.message).toMatch(/eu-primary.*ENOENT/);
  });

  test('a truncated manifest (bad YAML): its bytes first; with its fileDigest edited too, the parse, naming the file', () => {
    const d = copy();
    const f = firstFile(d, 'eu-primary', 'Deployment');
    fs.writeFileSync(file(d, f), 'apiVersion: apps/v1\nkind: [Deployment\n');
    expect(errorOf(() => readInventory(d)).code).toBe('DIST_DIGEST_MISMATCH');
    rewrite(d, f, 'apiVersion: apps/v1\nkind: [Deployment\n');
    const inv = readInventory(d);
    const e = errorOf(() => inv.clusters.get('eu-primary')!.objects.find((o) => o.entry.file === f)!.manifest);
    expect(e.code).toBe('DIST_INVALID');
    expect(e.where).toBe(file(d, f));
    expect(e.message).toMatch(/is not valid YAML/);
  });

  test('a manifest with two documents (fileDigest edited to match): refused when parsed, naming the file', () => {
    const d = copy();
    const f = firstFile(d, 'eu-primary', 'Service');
    rewrite(d, f, `${fs.readFileSync(file(d, f), 'utf8')}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n`);
    const e = errorOf(() => parseAll(d));
    expect(e.where).toBe(file(d, f));
    expect(e.message).toMatch(/exactly one Kubernetes object.*2 documents/);
  });

  test('a manifest without our ApplySet label (fileDigest and digest edited to match): refused when parsed, naming the file', () => {
    const d = copy();
    const f = firstFile(d, 'eu-primary', 'Service');
    const obj = YAML.parse(fs.readFileSync(file(d, f), 'utf8'));
    delete obj.metadata.labels['applyset.kubernetes.io/part-of'];
    rewrite(d, f, YAML.stringify(obj));
    const p = planOf(d);
    p.clusters.find((c: any) => c.name === 'eu-primary').objects.find((o: any) => o.file === f).digest = contentDigest(obj);
    writePlan(d, p);
    const e = errorOf(() => parseAll(d));
    expect(e.where).toBe(file(d, f));
    expect(e.message).toMatch(/lacks label applyset.kubernetes.io\/part-of=applyset-/);
  });

  test('an object over etcd\'s limit is parsed while dist/ is read (no cluster is contacted)', () => {
    const d = copy();
    const f = firstFile(d, 'eu-primary', 'ConfigMap');
    const obj = YAML.parse(fs.readFileSync(file(d, f), 'utf8'));
    obj.data.BIG = 'x'.repeat(1_700_000);
    rewrite(d, f, YAML.stringify(obj));
    const p = planOf(d);
    p.clusters.find((c: any) => c.name === 'eu-primary').objects.find((o: any) => o.file === f).digest = contentDigest(obj);
    writePlan(d, p);
    const e = errorOf(() => readInventory(d));
    expect(e.code).toBe('OBJECT_TOO_LARGE');
    expect(e.where).toBe(file(d, f));
  });

  test('no federation.json', () => {
    const d = copy();
    fs.rmSync(file(d, 'federation.json'));
    const e = errorOf(() => readInventory(d));
    expect(e.code).toBe('DIST_MISSING');
    expect(e.hint).toMatch(/cdkfed synth/);
  });

  test('federation.json truncated', () => {
    const d = copy();
    const text = fs.readFileSync(file(d, 'federation.json'), 'utf8');
    fs.writeFileSync(file(d, 'federation.json'), text.slice(0, text.length / 2));
    expect(errorOf(() => readInventory(d)).message).toMatch(/not valid JSON/);
  });

  test('a newer schema version', () => {
    const d = copy();
    writePlan(d, { ...planOf(d), schemaVersion: 3 });
    const e = errorOf(() => readInventory(d));
    expect(e.code).toBe('DIST_SCHEMA_VERSION');
    expect(e.message).toMatch(/has schemaVersion 3; this cdkfed reads schemaVersion 2\n/);
    expect(e.hint).toMatch(/same cdk-federation version/);
  });

  test('schemaVersion 1 (before fileDigest): says to synthesize again with this version', () => {
    const d = copy();
    const p = planOf(d);
    for (const c of p.clusters) for (const o of c.objects) delete o.fileDigest;
    writePlan(d, { ...p, schemaVersion: 1 });
    const e = errorOf(() => readInventory(d));
    expect(e.code).toBe('DIST_SCHEMA_VERSION');
    expect(e.message).toMatch(/has schemaVersion 1; this cdkfed reads schemaVersion 2 \(version 1 was written by an older cdk-federation, without the fileDigest of each manifest\)/);
    expect(e.hint).toMatch(/run `cdkfed synth` again with this version of cdk-federation/);
  });

  test('an unknown field, a wrong type: the field path and the value', () => {
    const d = copy();
    const p = planOf(d);
    p.waves[1].maxParallel = 'two';
    writePlan(d, p);
    expect(errorOf(() => readInventory(d)).message).toMatch(/waves\[1\]\.maxParallel has value "two"/);
    const q = planOf(copy());
    q.clusters[0].extra = true;
    const d2 = copy();
    writePlan(d2, q);
    expect(errorOf(() => readInventory(d2)).code).toBe('DIST_INVALID');
  });

  test('a content digest changed in federation.json is caught when the manifest is parsed, naming the file', () => {
    const d = copy();
    const p = planOf(d);
    p.clusters[0].objects[1].digest = `sha256:${'0'.repeat(64)}`;
    writePlan(d, p);
    const e = errorOf(() => parseAll(d));
    expect(e.code).toBe('DIST_DIGEST_MISMATCH');
    expect(e.where).toBe(file(d, p.clusters[0].objects[1].file));
    expect(e.message).toMatch(/content does not match its digest/);
  });

  test('an ApplySet edited in federation.json: not the federation\'s own', () => {
    const d = copy();
    const p = planOf(d);
    p.applySet.id = 'applyset-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-v1';
    writePlan(d, p);
    expect(errorOf(() => readInventory(d)).message).toMatch(/field applySet is not the ApplySet of federation "shop"/);
  });

  test('an entry whose identity was edited no longer names its file', () => {
    const d = copy();
    const p = planOf(d);
    const svc = p.clusters.find((x: any) => x.name === 'us-primary').objects.find((o: any) => o.kind === 'Service');
    svc.name = 'hijacked';
    writePlan(d, p);
    const e = errorOf(() => readInventory(d));
    expect(e.code).toBe('DIST_INVALID');
    expect(e.message).toMatch(/lists Service shop\/hijacked \(v1\) in file "us-primary\/.*", but synth writes that object to "us-primary\/.*_shop_hijacked.yaml"/);
  });

  test('a wave naming a cluster that clusters[] does not describe', () => {
    const d = copy();
    const p = planOf(d);
    p.waves[1].clusters.push('mars-1');
    writePlan(d, p);
    expect(errorOf(() => readInventory(d)).message).toMatch(/wave "us" lists cluster "mars-1"/);
  });

  test('a cluster in no wave, or in a wave other than its own', () => {
    const d = copy();
    const p = planOf(d);
    p.waves[1].clusters = [];
    writePlan(d, p);
    expect(errorOf(() => readInventory(d)).message).toMatch(/us-primary" is in no wave/);
    const d2 = copy();
    const q = planOf(d2);
    q.clusters.find((c: any) => c.name === 'us-primary').wave = 'eu';
    writePlan(d2, q);
    expect(errorOf(() => readInventory(d2)).message).toMatch(/says wave "eu" but is listed in wave "us"/);
  });

  test('residency: an EU-only object moved to a US cluster by hand', () => {
    const d = copy();
    const p = planOf(d);
    const eu = p.clusters.find((c: any) => c.name === 'eu-primary');
    const us = p.clusters.find((c: any) => c.name === 'us-primary');
    const entry = eu.objects.find((o: any) => o.app === 'user-data' && o.kind === 'Deployment');
    const moved = { ...entry, file: entry.file.replace('eu-primary/', 'us-primary/') };
    fs.copyFileSync(file(d, entry.file), file(d, moved.file));
    us.objects.push(moved);
    writePlan(d, p);
    const e = errorOf(() => readInventory(d));
    expect(e.code).toBe('RESIDENCY_VIOLATION');
    expect(e.message).toMatch(/app "user-data" must stay in jurisdiction "eu" but cluster "us-primary" is in "us"/);
  });

  test('residency: a cluster whose jurisdiction was edited', () => {
    const d = copy();
    const p = planOf(d);
    p.clusters.find((c: any) => c.name === 'eu-primary').jurisdiction = 'us';
    writePlan(d, p);
    expect(errorOf(() => readInventory(d)).code).toBe('RESIDENCY_VIOLATION');
  });

  test('a file not listed in federation.json', () => {
    const d = copy();
    fs.writeFileSync(file(d, 'us-primary/99-extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\n');
    expect(errorOf(() => readInventory(d)).message).toMatch(/not listed in federation.json/);
  });

  test('a listed file outside its cluster folder', () => {
    const d = copy();
    const p = planOf(d);
    p.clusters[0].objects[0].file = '../../etc/passwd';
    writePlan(d, p);
    expect(errorOf(() => readInventory(d)).message).toMatch(/outside dist\//);
  });

  test('a manifest whose identity differs from its entry', () => {
    const d = copy();
    const p = planOf(d);
    const c = p.clusters.find((x: any) => x.name === 'us-primary');
    const svc = c.objects.find((o: any) => o.kind === 'Service');
    const dep = c.objects.find((o: any) => o.kind === 'Deployment');
    const text = fs.readFileSync(file(d, dep.file), 'utf8');
    fs.writeFileSync(file(d, svc.file), text);
    svc.digest = dep.digest;
    writePlan(d, p);
    expect(errorOf(() => readInventory(d)).code).toBe('DIST_DIGEST_MISMATCH');
    svc.fileDigest = dep.fileDigest;
    writePlan(d, p);
    const e = errorOf(() => parseAll(d));
    expect(e.where).toBe(file(d, svc.file));
    expect(e.message).toMatch(/holds Deployment .* but federation.json lists Service/);
  });
});

describe('readOutline: federation.json only, for drift', () => {
  test('the same clusters, waves and set digests as readInventory, without reading a manifest', () => {
    const d = copy();
    const outline = readOutline(d);
    const full = readInventory(d);
    expect([...outline.clusters.entries()].map(([n, c]) => [n, c.digest, c.spec.wave])).toEqual([...full.clusters.entries()].map(([n, c]) => [n, c.digest, c.spec.wave]));
    expect(outline.waves).toEqual(full.waves);
    // a manifest broken after synth: readInventory refuses it, the outline never opens it
    fs.writeFileSync(file(d, firstFile(d, 'eu-primary', 'Deployment')), 'kind: [unclosed\n');
    expect(errorOf(() => readInventory(d)).message).toMatch(/bytes do not match their fileDigest/);
    expect(readOutline(d).clusters.get('eu-primary')!.digest).toBe(full.clusters.get('eu-primary')!.digest);
  });

  test('still checks federation.json itself', () => {
    const d = copy();
    writePlan(d, { ...planOf(d), schemaVersion: 1 });
    expect(errorOf(() => readOutline(d)).message).toMatch(/schemaVersion 1/);
    const p = planOf(pristine);
    p.waves[0].clusters.push('ghost');
    writePlan(d, p);
    expect(errorOf(() => readOutline(d)).message).toMatch(/"ghost"/);
  });
});

describe('verifyInventory (a turn of the event loop between clusters): readInventory\'s result and errors', () => {
  /** readInventory's error, or its clusters as the objects' entries, sizes and parsed manifests. */
  const outcome = (read: () => any) => {
    try {
      const inv = read();
      return [...inv.clusters.values()].map((c: any) => ({ name: c.spec.name, digest: c.digest, objects: c.objects.map((o: any) => [o.entry.file, o.bytes, o.target, o.manifest]) }));
    } catch (e: any) {
      return { code: e.code, where: e.where, message: e.message };
    }
  };
  const verified = async (d: string) => {
    try {
      const inv = await verifyInventory(readOutline(d));
      return outcome(() => inv);
    } catch (e: any) {
      return { code: e.code, where: e.where, message: e.message };
    }
  };
  const mutations: Array<[string, (d: string) => void]> = [
    ['none', () => undefined],
    ['a byte changed', (d) => { const f = firstFile(d, 'us-primary', 'Deployment'); fs.writeFileSync(file(d, f), `# x\n${fs.readFileSync(file(d, f), 'utf8')}`); }],
    ['a file missing', (d) => fs.rmSync(file(d, firstFile(d, 'eu-primary', 'Service')))],
    ['a file missing in one cluster, a byte changed in an earlier one', (d) => {
      fs.rmSync(file(d, firstFile(d, 'us-primary', 'Service')));
      const f = firstFile(d, 'eu-primary', 'Deployment');
      fs.writeFileSync(file(d, f), `${fs.readFileSync(file(d, f), 'utf8')} `);
    }],
    ['a file turned into a folder', (d) => { const f = file(d, firstFile(d, 'apac-primary', 'Service')); fs.rmSync(f); fs.mkdirSync(f); }],
    ['an entry naming another file, after a changed byte in an earlier cluster', (d) => {
      const p = planOf(d);
      p.clusters.find((x: any) => x.name === 'us-primary').objects.find((o: any) => o.kind === 'Service').name = 'hijacked';
      writePlan(d, p);
      const f = firstFile(d, 'eu-primary', 'Deployment');
      fs.writeFileSync(file(d, f), `${fs.readFileSync(file(d, f), 'utf8')} `);
    }],
    ['a file outside its folder', (d) => { const p = planOf(d); p.clusters[2].objects[0].file = '../../etc/passwd'; writePlan(d, p); }],
    ['a jurisdiction edited', (d) => { const p = planOf(d); p.clusters.find((c: any) => c.name === 'eu-primary').jurisdiction = 'us'; writePlan(d, p); }],
    ['a file not listed', (d) => fs.writeFileSync(file(d, 'us-primary/99-extra.yaml'), 'x: 1\n')],
  ];
  test.each(mutations)('%s', async (_what, mutate) => {
    const d = copy();
    mutate(d);
    expect(await verified(d)).toEqual(outcome(() => readInventory(d)));
  });
});
