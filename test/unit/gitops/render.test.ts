/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and Flux's status are read as loose JSON */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { buildShop } from '../../../apps/shop';
import { FederatedApp, FederationApp } from '../../../lib';
import { readInventory } from '../../../lib/inventory/read';
import { renderGitops } from '../../../lib/gitops/render';
import { GitopsOptions } from '../../../lib/gitops/options';
import { writeGitops } from '../../../lib/gitops/write';
import { gitopsSummarySchema } from '../../../lib/gitops/summary';
import { errorOf, federation, readTree, tmpdir } from '../../support/fixtures';

function shopDist(): string {
  const out = tmpdir();
  const app = new FederationApp({ outdir: out, terraformOutdir: false, exitOnError: false });
  buildShop(app);
  app.synth();
  return out;
}
const dist = shopDist();
const inv = readInventory(dist);
const BASE: GitopsOptions = { engine: 'flux', repoUrl: 'https://git.example.com/fleet.git' };
const render = (o: Partial<GitopsOptions> = {}, i = inv) => renderGitops(i, { ...BASE, ...o } as GitopsOptions);
const fileOf = (files: ReturnType<typeof render>, p: string) => {
  const f = files.find((x) => x.path === p);
  if (!f) throw new Error(`no ${p} in ${files.map((x) => x.path).join(', ')}`);
  return f.content;
};
const docs = (text: string) => YAML.parseAllDocuments(text).map((d) => d.toJS());

describe('cdkfed gitops: the cluster folders', () => {
  test('every object of federation.json, byte for byte as in dist/, except Namespaces, which opt out of the engine\'s prune', () => {
    for (const engine of ['flux', 'argocd'] as const) {
      const files = render({ engine });
      for (const [name, c] of inv.clusters) {
        const folder = files.filter((f) => f.path.startsWith(`clusters/${name}/`));
        expect(folder.map((f) => path.basename(f.path)).sort()).toEqual(c.spec.objects.map((o) => path.basename(o.file)).sort());
        for (const o of c.objects) {
          const content = fileOf(files, `clusters/${name}/${path.basename(o.entry.file)}`);
          if (o.entry.kind === 'Namespace') {
            const ns = YAML.parse(content);
            expect(ns.metadata.annotations[engine === 'flux' ? 'kustomize.toolkit.fluxcd.io/prune' : 'argocd.argoproj.io/sync-options']).toBe(engine === 'flux' ? 'disabled' : 'Prune=false');
            // the rest of the Namespace is what dist/ holds
            const { annotations, ...meta } = ns.metadata;
            const { annotations: original, ...origMeta } = o.manifest.metadata;
            expect(meta).toEqual(origMeta);
            expect(Object.keys(annotations).length).toBe(Object.keys(original ?? {}).length + 1);
            expect(Object.keys(ns.metadata)).toEqual(['name', 'labels', 'annotations']);
          } else {
            expect(content).toBe(fs.readFileSync(path.join(dist, o.entry.file), 'utf8'));
          }
        }
      }
    }
  });

  test('same dist/, byte-identical output', () => {
    expect(render()).toEqual(render());
    expect(render({ engine: 'argocd' })).toEqual(render({ engine: 'argocd' }));
  });

  test('a manifest edited after synth is refused before anything is rendered (the inventory checks digests)', () => {
    const d = tmpdir();
    fs.cpSync(dist, d, { recursive: true });
    const f = path.join(d, inv.clusters.get('eu-primary')!.objects[3].entry.file);
    fs.appendFileSync(f, '# edited\n');
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('shop', 'shop2'));
    const e = errorOf(() => render({}, readInventory(d)));
    expect(e.code).toMatch(/DIST_(DIGEST_MISMATCH|INVALID)/);
  });
});

describe('cdkfed gitops --engine flux', () => {
  test('promotion by cdkfed: one GitRepository per batch on its release branch, one Kustomization per cluster, no dependsOn', () => {
    const files = render({ hub: 'us-standby' });
    const sources = docs(fileOf(files, 'flux/sources.yaml'));
    expect(sources.map((s) => [s.metadata.name, s.spec.ref.branch])).toEqual([
      ['shop.canary.1', 'cdkfed/shop/canary/1'], ['shop.us.1', 'cdkfed/shop/us/1'], ['shop.eu.1', 'cdkfed/shop/eu/1'], ['shop.apac.1', 'cdkfed/shop/apac/1'],
    ]);
    expect(sources.every((s) => s.apiVersion === 'source.toolkit.fluxcd.io/v1' && s.spec.url === BASE.repoUrl && s.spec.interval === '10m')).toBe(true);
    const eu = YAML.parse(fileOf(files, 'flux/eu-primary.yaml'));
    expect(eu).toEqual({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'shop.eu-primary', namespace: 'flux-system', labels: { 'cdk-federation.io/federation': 'shop', 'cdk-federation.io/wave': 'eu', 'cdk-federation.io/cluster': 'eu-primary' } },
      spec: {
        interval: '10m', sourceRef: { kind: 'GitRepository', name: 'shop.eu.1' }, path: './gitops/clusters/eu-primary', prune: true, deletionPolicy: 'Orphan', wait: true, timeout: '10m',
        kubeConfig: { secretRef: { name: 'eu-primary-kubeconfig', key: 'value' } },
      },
    });
    // the hub applies to itself without a kubeconfig
    expect(YAML.parse(fileOf(files, 'flux/us-standby.yaml')).spec.kubeConfig).toBeUndefined();
    expect(YAML.parse(fileOf(files, 'flux/kustomization.yaml')).resources).toEqual(['apac-primary.yaml', 'apac-standby.yaml', 'eu-primary.yaml', 'eu-standby.yaml', 'sources.yaml', 'us-primary.yaml', 'us-standby.yaml']);
  });

  test('promotion by the engine: one source on --ref, each batch dependsOn every cluster of the batch before it; batches of maxParallel inside a wave', () => {
    const { app, fed } = federation({ rollout: { waves: [{ name: 'one', clusters: ['us-1', 'us-2', 'eu-1'], maxParallel: 2 }, { name: 'two', clusters: ['eu-2', 'ap-1', 'ap-2'], maxParallel: 3 }] } });
    new FederatedApp(fed, 'web', { containers: [{ image: 'web:1' }] });
    app.synth();
    const files = render({ promotion: 'engine', ref: 'release', pathPrefix: 'deploy/fleet', interval: '1m' }, readInventory(app.outdir));
    expect(docs(fileOf(files, 'flux/sources.yaml')).map((s) => [s.metadata.name, s.spec.ref.branch])).toEqual([['shop', 'release']]);
    const dep = (c: string) => (YAML.parse(fileOf(files, `flux/${c}.yaml`)).spec.dependsOn ?? []).map((d: any) => d.name);
    // wave one sorted: eu-1, us-1 | us-2; wave two: the other three
    expect(dep('eu-1')).toEqual([]);
    expect(dep('us-1')).toEqual([]);
    expect(dep('us-2')).toEqual(['shop.eu-1', 'shop.us-1']);
    for (const c of ['ap-1', 'ap-2', 'eu-2']) expect(dep(c)).toEqual(['shop.us-2']);
    expect(YAML.parse(fileOf(files, 'flux/eu-1.yaml')).spec.path).toBe('./deploy/fleet/clusters/eu-1');
    expect(YAML.parse(fileOf(files, 'flux/eu-1.yaml')).spec.interval).toBe('1m');
  });

  test('a bake time the engine cannot wait for is refused naming the wave, unless accepted', () => {
    const e = errorOf(() => render({ promotion: 'engine' }));
    expect(e.code).toBe('GITOPS_BAKE_UNSUPPORTED');
    expect(e.message).toMatch(/wave "canary" has a bake time of 600s/);
    expect(e.message).toMatch(/--ignore-bake-time/);
    expect(render({ promotion: 'engine', ignoreBakeTime: true }).length).toBeGreaterThan(0);
  });

  test('ignore rules become Flux ignore entries per cluster: pointers, field paths, app by label, name anchored', () => {
    const { app, fed } = federation({ ignoreDifferences: [
      { kind: 'ConfigMap', name: 'web.config', jsonPointers: ['/data/generated', '.data.other'], clusters: ['us-1'] },
      { kind: 'Deployment', jsonPointers: ['/metadata/annotations/a~1b'] },
    ] });
    new FederatedApp(fed, 'web', { containers: [{ image: 'web:1' }], ignoreDifferences: [{ kind: 'Deployment', jsonPointers: ['/spec/template/metadata/annotations/restartedAt'] }] });
    app.synth();
    const files = render({}, readInventory(app.outdir));
    const ignore = (c: string) => YAML.parse(fileOf(files, `flux/${c}.yaml`)).spec.ignore;
    expect(ignore('us-1')).toEqual(expect.arrayContaining([
      { paths: ['/data/generated', '/data/other'], target: { kind: 'ConfigMap', name: 'web\\.config' } },
      { paths: ['/metadata/annotations/a~1b'], target: { kind: 'Deployment' } },
      { paths: ['/spec/template/metadata/annotations/restartedAt'], target: { kind: 'Deployment', namespace: 'shop', labelSelector: 'cdk-federation.io/app=web' } },
    ]));
    expect(ignore('us-1')).toHaveLength(3);
    expect(ignore('eu-1')).toHaveLength(2);
  });

  test('a rule Flux cannot express (a list item by name, or *) is an error naming the rule', () => {
    const { app, fed } = federation({ ignoreDifferences: [{ kind: 'Deployment', jsonPointers: ['/spec/template/spec/containers/web/image'] }] });
    new FederatedApp(fed, 'web', { containers: [{ image: 'web:1' }] });
    app.synth();
    const e = errorOf(() => render({}, readInventory(app.outdir)));
    expect(e.code).toBe('GITOPS_IGNORE_UNSUPPORTED');
    expect(e.message).toMatch(/federation\.json ignoreDifferences\[0\].*containers\/web\/image.*selects a list item by name/);
    expect(e.message).toMatch(/--engine argocd/);
  });
});

describe('cdkfed gitops --engine argocd', () => {
  test('ApplicationSet: list generator, one element per cluster, wave label, SSA + RespectIgnoreDifferences, nothing deleted with it', () => {
    const set = YAML.parse(fileOf(render({ engine: 'argocd', hub: 'us-standby' }), 'argocd/applicationset.yaml'));
    expect(set.kind).toBe('ApplicationSet');
    expect(set.metadata).toEqual({ name: 'shop', namespace: 'argocd', labels: { 'cdk-federation.io/federation': 'shop' } });
    expect(set.spec.generators[0].list.elements.map((e: any) => [e.cluster, e.wave, e.destination, e.targetRevision])).toEqual([
      ['apac-standby', 'canary', 'apac-standby', 'cdkfed/shop/canary/1'], ['eu-standby', 'canary', 'eu-standby', 'cdkfed/shop/canary/1'], ['us-standby', 'canary', 'in-cluster', 'cdkfed/shop/canary/1'],
      ['us-primary', 'us', 'us-primary', 'cdkfed/shop/us/1'], ['eu-primary', 'eu', 'eu-primary', 'cdkfed/shop/eu/1'], ['apac-primary', 'apac', 'apac-primary', 'cdkfed/shop/apac/1'],
    ]);
    expect(set.spec.strategy).toBeUndefined();
    expect(set.spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
    const t = set.spec.template;
    expect(t.metadata.labels['cdk-federation.io/wave']).toBe('{{.wave}}');
    expect(t.metadata.finalizers).toBeUndefined();
    expect(t.spec.source).toEqual({ repoURL: BASE.repoUrl, targetRevision: '{{.targetRevision}}', path: '{{.path}}' });
    expect(t.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(t.spec.syncPolicy.syncOptions).toEqual(expect.arrayContaining(['ServerSideApply=true', 'RespectIgnoreDifferences=true']));
  });

  test('promotion by the engine: RollingSync, one step per wave, maxUpdate = maxParallel', () => {
    const set = YAML.parse(fileOf(render({ engine: 'argocd', promotion: 'engine', ignoreBakeTime: true }), 'argocd/applicationset.yaml'));
    expect(set.spec.strategy).toEqual({ type: 'RollingSync', rollingSync: { steps: [
      { matchExpressions: [{ key: 'cdk-federation.io/wave', operator: 'In', values: ['canary'] }], maxUpdate: 3 },
      { matchExpressions: [{ key: 'cdk-federation.io/wave', operator: 'In', values: ['us'] }], maxUpdate: 1 },
      { matchExpressions: [{ key: 'cdk-federation.io/wave', operator: 'In', values: ['eu'] }], maxUpdate: 1 },
      { matchExpressions: [{ key: 'cdk-federation.io/wave', operator: 'In', values: ['apac'] }], maxUpdate: 1 },
    ] } });
    expect(set.spec.generators[0].list.elements.every((e: any) => e.targetRevision === 'main')).toBe(true);
  });

  test('ignore rules: the group from the inventory, app rules expanded per object, list items by name as jq paths; per-cluster rules need Applications', () => {
    const { app, fed } = federation({ ignoreDifferences: [{ kind: 'ConfigMap', jsonPointers: ['/data/generated'], clusters: ['us-1'] }] });
    new FederatedApp(fed, 'web', { containers: [{ image: 'web:1' }], config: { A: '1' }, ignoreDifferences: [{ kind: 'Deployment', jsonPointers: ['/spec/template/spec/containers/web/image', '/spec/template/spec/containers/*/env', '/metadata/annotations/x'] }] });
    app.synth();
    const i = readInventory(app.outdir);
    const e = errorOf(() => render({ engine: 'argocd' }, i));
    expect(e.code).toBe('GITOPS_IGNORE_UNSUPPORTED');
    expect(e.message).toMatch(/ignoreDifferences\[\d\].*only in clusters us-1.*--argocd-mode applications/s);
    const files = render({ engine: 'argocd', argocdMode: 'applications' }, i);
    const us1 = YAML.parse(fileOf(files, 'argocd/us-1.yaml'));
    expect(us1.kind).toBe('Application');
    expect(us1.spec.destination).toEqual({ name: 'us-1' });
    // maxParallel 1 (the default): one batch per cluster, us-1 is the fifth by name
    expect(us1.spec.source).toEqual({ repoURL: BASE.repoUrl, targetRevision: 'cdkfed/shop/all/5', path: 'gitops/clusters/us-1' });
    expect(us1.spec.ignoreDifferences).toEqual([
      { group: '', kind: 'ConfigMap', jsonPointers: ['/data/generated'] },
      { group: 'apps', kind: 'Deployment', name: 'web', namespace: 'shop', jsonPointers: ['/metadata/annotations/x'], jqPathExpressions: ['.spec.template.spec.containers[] | select(.name == "web") | .image', '.spec.template.spec.containers[].env'] },
    ]);
    expect(YAML.parse(fileOf(files, 'argocd/eu-1.yaml')).spec.ignoreDifferences).toHaveLength(1);
  });

  test('plain Applications promoted by the engine have no wave order: refused when there is more than one wave', () => {
    const e = errorOf(() => render({ engine: 'argocd', argocdMode: 'applications', promotion: 'engine', ignoreBakeTime: true }));
    expect(e.code).toBe('GITOPS_NO_WAVE_ORDER');
  });
});

describe('cdkfed gitops: options and gitops.json', () => {
  test.each([
    [{ engine: 'helm' }, /--engine "helm"/],
    [{ interval: '10 minutes' }, /--interval "10 minutes"/],
    [{ repoUrl: 'https://bob:hunter2@git.example.com/fleet.git' }, /holds a password/],
    [{ pathPrefix: '../elsewhere' }, /--path-prefix "..\/elsewhere"/],
    [{ ref: 'a..b' }, /--ref "a..b"/],
    [{ hub: 'mars-1' }, /--hub "mars-1" is not a cluster/],
    [{ namespace: 'Flux_System' }, /--namespace "Flux_System"/],
  ])('%j is refused with a message naming the flag', (o, msg) => {
    const e = errorOf(() => render(o as Partial<GitopsOptions>));
    expect(e.message).toMatch(msg);
    expect(e.message).not.toMatch(/hunter2/);
  });

  test('gitops.json says where each wave reads from and which engine object applies each cluster', () => {
    const g = JSON.parse(fileOf(render(), 'gitops.json'));
    expect(g).toMatchObject({ apiVersion: 'cdk-federation.io/v1alpha1', kind: 'GitOpsOutput', federation: 'shop', engine: 'flux', promotion: 'cdkfed', ref: 'main', pathPrefix: 'gitops' });
    expect(g.waves[0]).toEqual({ name: 'canary', healthTimeoutSeconds: 300, bakeTimeSeconds: 600, batches: [{ index: 1, branch: 'cdkfed/shop/canary/1', source: 'shop.canary.1', clusters: ['apac-standby', 'eu-standby', 'us-standby'] }] });
    const eu = inv.clusters.get('eu-primary')!;
    expect(g.clusters.find((c: any) => c.name === 'eu-primary')).toEqual({
      name: 'eu-primary', wave: 'eu', path: 'gitops/clusters/eu-primary', engineObject: 'Kustomization flux-system/shop.eu-primary', engineObjectName: 'shop.eu-primary', digest: eu.digest,
      objects: eu.spec.objects.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, ...(o.namespace ? { namespace: o.namespace } : {}), name: o.name })),
    });
    expect(gitopsSummarySchema.parse(g)).toEqual(g);
    expect(g.namespace).toBe('flux-system');
    expect(g.hub).toBeUndefined();
  });
});

describe('writeGitops: all or nothing, into a folder of its own', () => {
  test('writes, then replaces the previous output as a whole (a cluster gone is gone)', () => {
    const out = path.join(tmpdir(), 'gitops');
    writeGitops(out, render());
    const first = readTree(out);
    expect(Object.keys(first)).toContain(path.join('flux', 'eu-primary.yaml'));
    writeGitops(out, render({ engine: 'argocd' }));
    const second = readTree(out);
    expect(Object.keys(second).some((p) => p.startsWith('flux'))).toBe(false);
    expect(Object.keys(second)).toContain(path.join('argocd', 'applicationset.yaml'));
    expect(fs.readdirSync(path.dirname(out))).toEqual(['gitops']);
  });

  test('a folder holding anything cdkfed never writes is refused and left untouched', () => {
    const out = tmpdir();
    fs.mkdirSync(path.join(out, '.git'));
    fs.writeFileSync(path.join(out, 'NOTES.md'), 'mine');
    const e = errorOf(() => writeGitops(out, render()));
    expect(e.code).toBe('GITOPS_OUT_NOT_OURS');
    expect(e.message).toMatch(/\.git/);
    expect(fs.readdirSync(out).sort()).toEqual(['.git', 'NOTES.md']);
  });
});

describe('snapshots of the example\'s engine objects', () => {
  // Any change to what the engines receive shows in review as a snapshot diff.
  const engineFiles = (o: Partial<GitopsOptions>) => Object.fromEntries(render(o).filter((f) => !f.path.startsWith('clusters/') && f.path !== 'gitops.json').map((f) => [f.path, f.content]));
  test('Flux, promotion by cdkfed', () => {
    expect(engineFiles({ engine: 'flux', hub: 'us-standby' })).toMatchSnapshot();
  });
  test('Argo CD ApplicationSet, promotion by the engine', () => {
    expect(engineFiles({ engine: 'argocd', promotion: 'engine', ignoreBakeTime: true })).toMatchSnapshot();
  });
});
