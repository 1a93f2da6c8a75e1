/* eslint-disable @typescript-eslint/no-explicit-any -- test data: objects are built and read as loose JSON */
import * as fs from 'fs';
import * as path from 'path';
import { FederatedApp, FederatedResource } from '../../../lib';
import { finalizeObjects } from '../../../lib/synth/objects';
import { federation, find, objectsOf } from '../../support/fixtures';

const opts = { federation: 'shop', cluster: 'us-1', where: 'App/shop/us-1' };
const ORDER = ['name', 'namespace', 'labels', 'annotations'];

/** The keys of `m` that are among name, namespace, labels, annotations, in their order in `m`. */
const known = (m: object) => Object.keys(m).filter((k) => ORDER.includes(k));
/** What the README promises: those four first, in that order, the rest sorted. */
const promised = (m: object) => {
  const keys = Object.keys(m);
  const rest = keys.filter((k) => !ORDER.includes(k));
  return [...ORDER.filter((k) => keys.includes(k)), ...[...rest].sort()];
};

/** Every `metadata` map anywhere in `v`, with its path. */
function metadataMaps(v: unknown, at = ''): Array<{ at: string; m: object }> {
  if (!v || typeof v !== 'object') return [];
  if (Array.isArray(v)) return v.flatMap((x, i) => metadataMaps(x, `${at}[${i}]`));
  return Object.entries(v).flatMap(([k, x]) => [
    ...(k === 'metadata' && x && typeof x === 'object' && !Array.isArray(x) ? [{ at: `${at}.${k}`, m: x }] : []),
    ...metadataMaps(x, `${at}.${k}`),
  ]);
}

const podTemplate = (labels = { app: 'x' }) => ({ metadata: { annotations: { 'b.io/x': '1' }, labels }, spec: { containers: [{ name: 'c', image: 'i:1' }] } });

const WORKLOADS: any[] = [
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'x' } }, template: podTemplate() } },
  { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'x' } }, template: podTemplate() } },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'x' } }, template: podTemplate() } },
  {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'ss', namespace: 'shop' },
    spec: {
      serviceName: 'ss', selector: { matchLabels: { app: 'x' } }, template: podTemplate(),
      volumeClaimTemplates: [{ metadata: { name: 'data', labels: { app: 'x' }, annotations: { 'a.io/y': '2' } }, spec: { accessModes: ['ReadWriteOnce'] } }],
    },
  },
  { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'shop' }, spec: { template: podTemplate() } },
  {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj', namespace: 'shop' },
    spec: { schedule: '* * * * *', jobTemplate: { metadata: { annotations: { 'c.io/z': '3' }, labels: { job: 'y' } }, spec: { template: podTemplate() } } },
  },
  { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc', namespace: 'shop' }, spec: { selector: { app: 'x' }, template: podTemplate() } },
  { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'pt', namespace: 'shop' }, template: podTemplate() },
];

describe('every metadata lists name, namespace, labels, annotations, then the rest sorted (README)', () => {
  test("a FederatedApp's pod template: labels before annotations, in the objects and in the written YAML", () => {
    const { app, fed } = federation();
    new FederatedApp(fed, 'web', { containers: [{ image: 'web:1' }], placement: { clusters: ['us-1'] }, podAnnotations: { 'z.io/a': '1' }, config: { A: '1' } });
    const dep = find(objectsOf(fed, 'us-1'), 'Deployment', 'web');
    expect(Object.keys(dep.spec.template.metadata)).toEqual(['labels', 'annotations']);
    app.synth();
    const yaml = fs.readFileSync(path.join(app.outdir, 'us-1', '20-deployment.apps_shop_web.yaml'), 'utf8');
    expect(yaml).toMatch(/\n {2}template:\n {4}metadata:\n {6}labels:\n(?: {8}.*\n)+ {6}annotations:\n {8}cdk-federation\.io\/config-digest: /);
  });

  test.each(WORKLOADS.map((o) => [o.kind, o]))('%s: every nested metadata (pod template, job template, claim templates) in order', (_kind, manifest) => {
    const { fed } = federation();
    new FederatedResource(fed, manifest.metadata.name, { manifest, placement: { clusters: ['us-1'] } });
    const o = find(objectsOf(fed, 'us-1'), manifest.kind, manifest.metadata.name);
    const maps = metadataMaps(o);
    expect(maps.length).toBeGreaterThan(1); // the object's own and at least one embedded
    for (const { at, m } of maps) expect({ at, keys: Object.keys(m) }).toEqual({ at, keys: promised(m) });
    // cdk8s sorts every key, so these come out annotations-first unless finalizing reorders them
    expect(known(o.spec?.template?.metadata ?? o.template?.metadata ?? o.spec.jobTemplate.spec.template.metadata)).toEqual(['labels', 'annotations']);
  });

  test('finalizing reorders embedded metadata without changing its values or touching the input', () => {
    const input = { ...WORKLOADS[3], spec: { ...WORKLOADS[3].spec, template: { metadata: { annotations: { b: '1', a: '2' }, zeta: 'z', labels: { y: '1', x: '2' }, name: 'p' } } } };
    const frozen = JSON.stringify(input);
    const [o] = finalizeObjects([input], opts) as any[];
    expect(JSON.stringify(input)).toBe(frozen);
    expect(Object.keys(o.spec.template.metadata)).toEqual(['name', 'labels', 'annotations', 'zeta']);
    expect(Object.keys(o.spec.template.metadata.labels)).toEqual(['x', 'y']);
    expect(Object.keys(o.spec.template.metadata.annotations)).toEqual(['a', 'b']);
    expect(Object.keys(o.spec.volumeClaimTemplates[0].metadata)).toEqual(['name', 'labels', 'annotations']);
    expect(o.spec.template.metadata).toEqual(input.spec.template.metadata);
    expect(Object.keys(o.spec)).toEqual(Object.keys(input.spec)); // fields around keep their places
  });

  test('metadata already in order is kept as it is (not copied); a custom resource of a built-in kind name is left alone', () => {
    const dep = { ...WORKLOADS[0], spec: { ...WORKLOADS[0].spec, template: { metadata: { labels: { app: 'x' }, annotations: { a: '1' } } } } };
    const [o] = finalizeObjects([dep], opts) as any[];
    expect(o.spec).toBe(dep.spec);
    const custom = { ...WORKLOADS[0], apiVersion: 'example.com/v1' };
    const [c] = finalizeObjects([custom], opts) as any[];
    expect(Object.keys(c.spec.template.metadata)).toEqual(['annotations', 'labels']);
  });
});
