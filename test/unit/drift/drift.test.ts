/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { driftedFields, hpaIgnores } from '../../../lib/drift/drift';
import { maskPair, stripServerFields } from '../../../lib/kube/normalize';
import { changedPaths, formatPath, leafPaths, ownerOf, pointerSegments, valueAt } from '../../../lib/kube/paths';
import { changeSet } from '../../../lib/cluster/changeset';
import { FleetPlan } from '../../../lib/drift/plan';
import { driftExitCode } from '../../../lib/report/drift';
import { planExitCode, renderPlan } from '../../../lib/report/plan';
import { ruleCovers, userIgnores } from '../../../lib/drift/drift';

const dep = (image: string, extra: object = {}) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
  spec: { template: { spec: { containers: [{ name: 'web', image, env: [{ name: 'DB_PASSWORD', value: 'pw-1' }, { name: 'MODE', value: 'a' }] }] } } }, ...extra,
});

describe('normalize', () => {
  test('strips status and server-populated metadata, keeps labels and annotations', () => {
    const o = stripServerFields({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', uid: 'u', resourceVersion: '1', generation: 2, creationTimestamp: 't', managedFields: [], labels: { a: 'b' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'me' } }, status: { x: 1 }, data: { k: 'v' } });
    expect(o).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: 'b' }, annotations: { keep: 'me' } }, data: { k: 'v' } });
  });
  test('Secret data masked as changed / unchanged; never the value', () => {
    const s = (data: object) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data });
    const [b, a] = maskPair(s({ same: 'AAA', diff: 'BBB', gone: 'CCC' }), s({ same: 'AAA', diff: 'DDD', added: 'EEE' }));
    expect(b!.data).toEqual({ same: '*** (unchanged)', diff: '***', gone: '***' });
    expect(a!.data).toEqual({ same: '*** (unchanged)', diff: '*** (changed)', added: '*** (changed)' });
    expect(JSON.stringify([b, a])).not.toMatch(/AAA|BBB|CCC|DDD|EEE/);
  });
  test('literal env values under credential names are masked, others kept', () => {
    const [b, a] = maskPair(dep('x'), { ...dep('x'), spec: { template: { spec: { containers: [{ name: 'web', image: 'x', env: [{ name: 'DB_PASSWORD', value: 'pw-2' }, { name: 'MODE', value: 'a' }] }] } } } });
    expect(b!.spec.template.spec.containers[0].env).toEqual([{ name: 'DB_PASSWORD', value: '***' }, { name: 'MODE', value: 'a' }]);
    expect(a!.spec.template.spec.containers[0].env[0]).toEqual({ name: 'DB_PASSWORD', value: '*** (changed)' });
    expect(JSON.stringify(maskPair(dep('x'), dep('x'))[0])).not.toContain('pw-1');
  });
});

describe('paths', () => {
  test('leaf paths and changed paths', () => {
    expect(leafPaths({ a: { b: 1, c: [] }, d: 'x' })).toEqual([['a', 'b'], ['a', 'c'], ['d']]);
    expect(changedPaths({ a: 1, b: [1, 2], c: { d: 1 } }, { a: 1, b: [1, 3, 4], c: {}, e: 1 })).toEqual([['b', 1], ['b', 2], ['c', 'd'], ['e']]);
  });
  test('formatPath names list items by name like SSA conflicts', () => {
    const o = dep('x');
    expect(formatPath(['spec', 'template', 'spec', 'containers', 0, 'image'], (p) => valueAt(o, p))).toBe('.spec.template.spec.containers[name=web].image');
    expect(formatPath(['metadata', 'labels', 'app.kubernetes.io/name'], () => undefined)).toBe('.metadata.labels["app.kubernetes.io/name"]');
  });
  test('ownerOf reads FieldsV1 with keyed list items', () => {
    const live = { ...dep('hotfix'), metadata: { name: 'web', managedFields: [
      { manager: 'cdk-federation', fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:env': {} } } } } } } },
      { manager: 'kubectl-edit', fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:image': {} } } } } } } },
    ] } };
    expect(ownerOf(live, ['spec', 'template', 'spec', 'containers', 0, 'image'])).toBe('kubectl-edit');
    expect(ownerOf(live, ['spec', 'template', 'spec', 'containers', 0, 'env'])).toBe('cdk-federation');
    expect(ownerOf(live, ['spec', 'replicas'])).toBeUndefined();
  });
});

describe('drift', () => {
  test('fields the desired object sets that differ live, secret values masked; server defaults ignored', () => {
    const live = { ...dep('hotfix'), spec: { ...dep('hotfix').spec, replicas: 3, progressDeadlineSeconds: 600 } };
    live.spec.template.spec.containers[0].env[0].value = 'pw-live';
    const f = driftedFields(dep('1.0') as any, live);
    expect(f).toEqual([
      { path: '.spec.template.spec.containers[name=web].env[name=DB_PASSWORD].value', desired: '***', live: '***' },
      { path: '.spec.template.spec.containers[name=web].image', desired: '1.0', live: 'hotfix' },
    ]);
  });
  test('HPA targets: spec.replicas ignored', () => {
    const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'shop' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } } };
    const rules = hpaIgnores([hpa as any]).get('apps/Deployment/shop/web')!;
    expect(rules.map((r) => r.path)).toEqual([['spec', 'replicas']]);
    const want = { ...dep('1.0'), spec: { ...dep('1.0').spec, replicas: 2 } };
    const live = { ...dep('1.0'), spec: { ...dep('1.0').spec, replicas: 7 } };
    expect(driftedFields(want as any, live, rules)).toEqual([]);
    expect(driftedFields(want as any, live)).toHaveLength(1);
  });
  test('exit codes', () => {
    const ref = { group: '', kind: 'ConfigMap', namespace: 'shop', name: 'c' };
    // dryRun: found, not corrected; otherwise the actions --correct took.
    const c = (entries: any[], dryRun: boolean, error?: string) => ({ cluster: 'a', wave: 'w', pendingDeploy: false, changes: changeSet(entries, { dryRun }), ignored: [], ...(error ? { error } : {}) });
    expect(driftExitCode({ federation: 'f', clusters: [c([], true)] })).toBe(0);
    expect(driftExitCode({ federation: 'f', clusters: [c([{ ref, action: 'created', drift: 'deleted' }], true)] })).toBe(2);
    expect(driftExitCode({ federation: 'f', clusters: [c([{ ref, action: 'created', drift: 'deleted' }], false)] })).toBe(0);
    expect(driftExitCode({ federation: 'f', clusters: [c([{ ref, action: 'failed', drift: 'deleted', message: 'no' }], false)] })).toBe(1);
    expect(driftExitCode({ federation: 'f', clusters: [c([{ ref, action: 'skipped', drift: 'unrecorded' }], false)] })).toBe(2);
    expect(driftExitCode({ federation: 'f', clusters: [c([], true, 'unreachable')] })).toBe(1);
  });
});

describe('plan report', () => {
  const none = changeSet([], { dryRun: true });
  const plan: FleetPlan = {
    federation: 'shop',
    waves: [{ name: 'canary', clusters: ['b'], maxParallel: 2, healthTimeoutSeconds: 60, bakeTimeSeconds: 600 }, { name: 'prod', clusters: ['a'], maxParallel: 1, healthTimeoutSeconds: 60, bakeTimeSeconds: 0 }],
    clusters: [
      { cluster: 'a', wave: 'prod', changes: changeSet([{ ref: { group: '', kind: 'Namespace', name: 'old' }, action: 'released' }], { dryRun: true }), blastRadius: [{ object: 'Namespace old', foreign: ['ConfigMap x'] }] },
      { cluster: 'b', wave: 'canary', changes: changeSet([{ ref: { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web' }, action: 'configured', fields: [{ path: '.spec.x' }], diff: '-a\n+b' }], { dryRun: true }), blastRadius: [] },
    ],
  };
  test('markdown: waves in rollout order in a Mermaid diagram, summary table, deletions flagged with the foreign objects', () => {
    const md = renderPlan(plan, 'markdown');
    expect(md).toContain('subgraph W_canary["wave canary · max 2 at once · bake 600s"]\n    C_b["b<br/>+0 ~1 -0"]\n  end\n  subgraph W_prod');
    expect(md).toContain('W_canary --> W_prod');
    expect(md.indexOf('| canary | b |')).toBeLessThan(md.indexOf('| prod | a |'));
    expect(md).toContain('⚠ **a**: `Namespace old` is kept and handed over, not deleted: it holds **1 object(s) that are not ours**: `ConfigMap x`');
    expect(renderPlan(plan, 'markdown')).toBe(md);
  });
  test('exit codes: detailed 2 on changes, 0 without; 1 on any error', () => {
    expect(planExitCode(plan, true)).toBe(2);
    expect(planExitCode(plan, false)).toBe(0);
    expect(planExitCode({ ...plan, clusters: [{ ...plan.clusters[0], changes: none }] }, true)).toBe(0);
    expect(planExitCode({ ...plan, clusters: [...plan.clusters, { cluster: 'c', wave: 'prod', error: 'down', changes: none, blastRadius: [] }] }, false)).toBe(1);
  });
});

describe('user ignore rules (federation.json ignoreDifferences)', () => {
  test('JSON pointers and field paths', () => {
    expect(pointerSegments('/spec/replicas')).toEqual(['spec', 'replicas']);
    expect(pointerSegments('/metadata/annotations/a~1b')).toEqual(['metadata', 'annotations', 'a/b']);
    expect(pointerSegments('.spec.replicas')).toEqual(['spec', 'replicas']);
  });
  test('a list item by name, index or *; a rule covers its subtree', () => {
    const o = dep('x');
    const image = ['spec', 'template', 'spec', 'containers', 0, 'image'];
    expect(ruleCovers(['spec', 'template', 'spec', 'containers', 'web', 'image'], image, o)).toBe(true);
    expect(ruleCovers(['spec', 'template', 'spec', 'containers', '0', 'image'], image, o)).toBe(true);
    expect(ruleCovers(['spec', 'template', 'spec', 'containers', '*'], image, o)).toBe(true);
    expect(ruleCovers(['spec', 'template', 'spec', 'containers', 'api', 'image'], image, o)).toBe(false);
    expect(ruleCovers(['spec', 'replicas'], image, o)).toBe(false);
  });
  test('rules select by kind, name, namespace, app label and cluster', () => {
    const o = { ...dep('x'), metadata: { name: 'web', namespace: 'shop', labels: { 'cdk-federation.io/app': 'web' } } };
    const rules = [
      { kind: 'Deployment', jsonPointers: ['/a'] },
      { kind: 'Deployment', app: 'api', jsonPointers: ['/b'] },
      { kind: 'Deployment', name: 'web', namespace: 'shop', app: 'web', clusters: ['eu-1'], jsonPointers: ['/c'], reason: 'managed by Argo Rollouts' },
      { kind: 'Service', jsonPointers: ['/d'] },
    ];
    expect(userIgnores(rules, o, 'eu-1').map((r: any) => [r.path, r.why])).toEqual([[['a'], 'ignoreDifferences /a'], [['c'], 'managed by Argo Rollouts']]);
    expect(userIgnores(rules, o, 'us-1').map((r: any) => r.path)).toEqual([['a']]);
  });
  test('an ignored field is left out of the drift and noted', () => {
    const notes: string[] = [];
    expect(driftedFields(dep('1.0') as any, dep('2.0'), [{ path: ['spec', 'template', 'spec', 'containers', 'web', 'image'], why: 'pinned by ops' }], notes)).toEqual([]);
    expect(notes).toEqual(['.spec.template.spec.containers[name=web].image (pinned by ops)']);
  });
});
