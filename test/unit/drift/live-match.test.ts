/* eslint-disable @typescript-eslint/no-explicit-any -- test data: desired and live objects are built as loose JSON */
import { driftedFields } from '../../../lib/drift/drift';
import { holdsEveryValue } from '../../../lib/drift/live-match';

const desired: any = {
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web', 'applyset.kubernetes.io/part-of': 'applyset-x' }, annotations: { team: 'a' } },
  spec: {
    replicas: 2, selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'web:1', env: [{ name: 'A', value: '1' }], resources: { limits: { cpu: '500m' } }, ports: [{ containerPort: 80 }] }], volumes: [{ name: 'tmp', emptyDir: {} }], tolerations: [] },
    },
  },
};
/** The live copy as the API server returns it: server metadata, defaults, status. */
function liveOf(d: any): any {
  const l = JSON.parse(JSON.stringify(d));
  Object.assign(l.metadata, { uid: 'u', resourceVersion: '9', generation: 3, creationTimestamp: '2026-01-01T00:00:00Z', managedFields: [{ manager: 'cdk-federation' }] });
  l.metadata.annotations['deployment.kubernetes.io/revision'] = '3';
  l.spec.progressDeadlineSeconds = 600;
  l.spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
  l.spec.template.spec.volumes[0].emptyDir = { medium: '' };
  l.status = { replicas: 2, readyReplicas: 2 };
  return l;
}

describe('holdsEveryValue: a fast "no drift" that drift\'s comparison always agrees with', () => {
  test('the live copy of an unchanged object (server fields, defaults, status, a filled-in empty map) holds every value', () => {
    expect(holdsEveryValue(desired, liveOf(desired))).toBe(true);
    expect(driftedFields(desired, liveOf(desired))).toEqual([]);
  });

  test.each<[string, (l: any) => void]>([
    ['another image', (l) => { l.spec.template.spec.containers[0].image = 'web:hotfix'; }],
    ['a label removed', (l) => { delete l.metadata.labels.app; }],
    ['an annotation changed', (l) => { l.metadata.annotations.team = 'b'; }],
    ['annotations gone', (l) => { delete l.metadata.annotations; }],
    ['a list item gone', (l) => { l.spec.template.spec.containers[0].ports = []; }],
    ['replicas as a string', (l) => { l.spec.replicas = '2'; }],
    ['an env value null', (l) => { l.spec.template.spec.containers[0].env[0].value = null; }],
    ['an empty list we set, filled live', (l) => { l.spec.template.spec.tolerations = [{ key: 'k' }]; }],
    ['an empty map we set, a list live', (l) => { l.spec.template.spec.volumes[0].emptyDir = []; }],
    ['spec not a map', (l) => { l.spec = 'x'; }],
    ['no metadata', (l) => { delete l.metadata; }],
  ])('drifted (%s): not held, and driftedFields finds the field', (_what, change) => {
    const l = liveOf(desired);
    change(l);
    expect(holdsEveryValue(desired, l)).toBe(false);
    expect(driftedFields(desired, l).length).toBeGreaterThan(0);
  });

  test.each<[string, (l: any) => void]>([
    ['a quantity spelled another way (0.5 for 500m)', (l) => { l.spec.template.spec.containers[0].resources.limits.cpu = '0.5'; }],
    ['an empty list the server dropped', (l) => { delete l.spec.template.spec.tolerations; }],
  ])('not drifted but not identical (%s): "look closer", and driftedFields decides it is the same', (_what, change) => {
    const l = liveOf(desired);
    change(l);
    expect(holdsEveryValue(desired, l)).toBe(false);
    expect(driftedFields(desired, l)).toEqual([]);
  });

  test('fields drift leaves out are left out here too: status, server metadata, name and namespace, server annotations', () => {
    const d = { ...desired, metadata: { ...desired.metadata, annotations: { 'deployment.kubernetes.io/revision': '1' }, uid: 'mine', name: 'other' }, status: { replicas: 9 } };
    expect(holdsEveryValue(d, liveOf(desired))).toBe(true);
    expect(driftedFields(d, liveOf(desired))).toEqual([]);
  });

  test('random changes of the live copy: whenever it is held, drift finds nothing', () => {
    let seed = 19;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const values = [undefined, null, 0, 1, 2, '', '1', '2', 'web:1', 'x', true, false, {}, [], [1], { a: 1 }];
    const paths = (v: any, p: (string | number)[] = []): (string | number)[][] => (v && typeof v === 'object'
      ? [p, ...Object.keys(v).flatMap((k) => paths(v[k], [...p, Array.isArray(v) ? Number(k) : k]))] : [p]);
    let held = 0;
    for (let i = 0; i < 600; i++) {
      const l = liveOf(desired);
      for (let n = 1 + rand(2); n > 0; n--) {
        const all = paths(l).filter((p) => p.length > 0);
        const p = all[rand(all.length)];
        const parent = p.slice(0, -1).reduce((o: any, s) => o[s], l);
        const v = values[rand(values.length)];
        if (v === undefined) delete parent[p[p.length - 1]];
        else parent[p[p.length - 1]] = JSON.parse(JSON.stringify(v));
      }
      if (holdsEveryValue(desired, l)) {
        held++;
        expect(driftedFields(desired, l)).toEqual([]);
        // Drift skips driftedFields for a held object: with ignore rules it would find nothing either, nor note anything ignored.
        const ignored: string[] = [];
        expect(driftedFields(desired, l, [{ path: ['spec', 'replicas'], why: 'hpa' }, { path: ['spec', 'template', 'spec', 'containers', '*', 'image'], why: 'x' }, { path: ['metadata', 'labels'], why: 'y' }], ignored)).toEqual([]);
        expect(ignored).toEqual([]);
      }
    }
    expect(held).toBeGreaterThan(15); // changes of server fields, status and defaults keep it held
  });
});
