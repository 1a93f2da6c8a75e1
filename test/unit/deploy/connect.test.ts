/* eslint-disable @typescript-eslint/no-explicit-any -- a fake client: only the method warmUp calls */
import { warmUp } from '../../../lib/deploy/connect';
import type { InventoryOutline } from '../../../lib/inventory/read';
import type { ClusterClient } from '../../../lib/cluster/client';

const entry = (apiVersion: string, kind: string, name: string) => ({ apiVersion, kind, name, file: `c/${name}.yaml`, digest: '', fileDigest: '' });

function outline(objects: Record<string, ReturnType<typeof entry>[]>): InventoryOutline {
  return { clusters: new Map(Object.entries(objects).map(([name, o]) => [name, { spec: { name, objects: o } as any, digest: '' }])) } as any;
}

describe('warmUp', () => {
  test('asks each selected cluster once per group version its objects use, leaving out those a CRD of its set defines and the clusters not selected', async () => {
    const asked: string[] = [];
    const client = (name: string) => ({ serves: async (v: string, k: string) => { asked.push(`${name} ${v} ${k}`); return true; } }) as unknown as ClusterClient;
    const inv = outline({
      a: [entry('v1', 'Namespace', 'shop'), entry('v1', 'ConfigMap', 'x'), entry('apps/v1', 'Deployment', 'web'), entry('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'),
        entry('example.com/v1', 'Widget', 'w'), entry('other.io/v1', 'Gadget', 'g')],
      b: [entry('v1', 'ConfigMap', 'y')],
    });
    warmUp(inv, ['a'], new Map([['a', client('a')], ['b', client('b')]]));
    expect(asked).toEqual(['a v1 Namespace', 'a apps/v1 Deployment', 'a apiextensions.k8s.io/v1 CustomResourceDefinition', 'a other.io/v1 Gadget']);
  });

  test('a cluster that cannot be reached is the preflight\'s to report: no rejection escapes', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const client = { serves: async () => { throw new Error('connect ECONNREFUSED'); } } as unknown as ClusterClient;
      warmUp(outline({ a: [entry('v1', 'ConfigMap', 'x'), entry('apps/v1', 'Deployment', 'web')] }), ['a'], new Map([['a', client]]));
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
