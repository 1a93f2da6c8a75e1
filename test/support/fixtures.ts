/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ClusterInput, ClusterRegistry, Federation, FederationApp, FederationError, FederationProps } from '../../lib';

/** Six clusters: a primary and a standby in us, eu and apac. */
export const CLUSTERS: ClusterInput[] = [
  { name: 'us-1', region: 'us', provider: 'aws', jurisdiction: 'us', context: 'ctx-us-1', capacity: 3, labels: { tier: 'prod' } },
  { name: 'us-2', region: 'us', provider: 'aws', jurisdiction: 'us', context: 'ctx-us-2', capacity: 1, role: 'standby' },
  { name: 'eu-1', region: 'eu', provider: 'gcp', jurisdiction: 'eu', context: 'ctx-eu-1', capacity: 2, labels: { tier: 'prod' } },
  { name: 'eu-2', region: 'eu', provider: 'gcp', jurisdiction: 'eu', context: 'ctx-eu-2', capacity: 1, role: 'standby' },
  { name: 'ap-1', region: 'apac', provider: 'azure', jurisdiction: 'apac', context: 'ctx-ap-1', capacity: 1 },
  { name: 'ap-2', region: 'apac', provider: 'azure', jurisdiction: 'apac', context: 'ctx-ap-2', capacity: 1, role: 'standby' },
];

const created: string[] = [];

/** A new temporary folder, removed after the test file's tests have run. */
export function tmpdir(prefix = 'cdkfed-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A federation over CLUSTERS with one wave holding every cluster, in an app that never exits the process. */
export function federation(props: Partial<FederationProps> = {}): { app: FederationApp; fed: Federation } {
  const app = new FederationApp({ outdir: tmpdir(), terraformOutdir: false });
  const fed = new Federation(app, 'shop', {
    registry: ClusterRegistry.fromClusters(CLUSTERS),
    rollout: { waves: [{ name: 'all', selector: {} }] },
    ...props,
  });
  return { app, fed };
}

/** The objects of one cluster as the writers see them. */
export function objectsOf(fed: Federation, cluster: string) {
  const m = fed.toModel().clusters.find((c) => c.cluster.name === cluster);
  if (!m) throw new Error(`no output for ${cluster}`);
  return m.objects;
}

export function find(objects: readonly any[], kind: string, name: string): any {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

/** Every file under dir, relative path → content. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/** The FederationError that fn throws (fails the test if it throws nothing or something else). */
export function errorOf(fn: () => unknown): FederationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FederationError);
    return e as FederationError;
  }
  throw new Error('expected a FederationError, but nothing was thrown');
}
