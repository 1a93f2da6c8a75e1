/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { driftedFields, hpaIgnores } from '../../../lib/drift/drift';
import { pointerSegments } from '../../../lib/kube/paths';
import { changeSet } from '../../../lib/cluster/changeset';
import { driftExitCode } from '../../../lib/report/drift';
import { ruleCovers, userIgnores } from '../../../lib/drift/drift';

const dep = (image: string, extra: object = {}) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
  spec: { template: { spec: { containers: [{ name: 'web', image, env: [{ name: 'DB_PASSWORD', value: 'pw-1' }, { name: 'MODE', value: 'a' }] }] } } }, ...extra,
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
