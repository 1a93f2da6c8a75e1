import * as fs from 'fs';
import * as path from 'path';
import { ClusterRegistry, FederationError } from '../../lib';
import { CLUSTERS, tmpdir } from './support/fixtures';

function load(yaml: string): ClusterRegistry {
  const file = path.join(tmpdir(), 'clusters.yaml');
  fs.writeFileSync(file, yaml);
  return ClusterRegistry.fromFile(file);
}

function loadError(yaml: string): FederationError {
  try {
    load(yaml);
  } catch (e) {
    expect(e).toBeInstanceOf(FederationError);
    return e as FederationError;
  }
  throw new Error('expected the registry to be rejected');
}

const GOOD = `clusters:
  - name: eu-1
    region: eu
    provider: gcp
    jurisdiction: eu
    context: eu-1
    labels: { tier: prod }
    capacity: 2
    role: primary
  - name: us-1
    region: us
    zone: us-east-1a
    provider: aws
    jurisdiction: us
    context: us-1
`;

describe('ClusterRegistry.fromFile', () => {
  test('loads clusters sorted by name with defaults for capacity, role and labels', () => {
    const r = load(GOOD);
    expect(r.clusters.map((c) => c.name)).toEqual(['eu-1', 'us-1']);
    expect(r.tryGet('us-1')).toEqual({ name: 'us-1', region: 'us', zone: 'us-east-1a', provider: 'aws', jurisdiction: 'us', labels: {}, context: 'us-1', capacity: 1, role: 'primary' });
    expect(r.tryGet('eu-1')?.labels).toEqual({ tier: 'prod' });
  });

  test('loads the bundled example registry', () => {
    const r = ClusterRegistry.fromFile(path.join(__dirname, '../../apps/clusters.yaml'));
    expect(r.clusters).toHaveLength(6);
    expect(r.clusters.filter((c) => c.role === 'standby')).toHaveLength(3);
  });

  test('unknown key: names file:line, the cluster and the key, and lists allowed keys', () => {
    const e = loadError(GOOD.replace('    capacity: 2\n', '    capacty: 2\n'));
    expect(e.code).toBe('REGISTRY_INVALID');
    expect(e.message).toMatch(/clusters\.yaml:8/);
    expect(e.message).toContain('clusters[0]');
    expect(e.message).toContain('"capacty"');
    expect(e.message).toContain('allowed keys');
  });

  test('duplicate names are rejected, naming both entries', () => {
    const e = loadError(GOOD.replace('name: us-1', 'name: eu-1'));
    expect(e.message).toContain('duplicate cluster name "eu-1"');
    expect(e.message).toMatch(/clusters\.yaml:10/);
  });

  test.each([['Eu_1'], ['-eu'], ['a'.repeat(64)]])('invalid cluster name %s', (name) => {
    const e = loadError(GOOD.replace('name: eu-1', `name: ${name}`));
    expect(e.message).toContain(`cluster name "${name}" is not a DNS label`);
    expect(e.message).toContain('fix:');
  });

  test('invalid label key and value, and reserved label keys', () => {
    expect(loadError(GOOD.replace('{ tier: prod }', '{ "bad key": x }')).message).toContain('invalid label key "bad key"');
    expect(loadError(GOOD.replace('{ tier: prod }', '{ tier: "no spaces" }')).message).toContain('invalid value "no spaces" for label "tier"');
    const reserved = loadError(GOOD.replace('{ tier: prod }', '{ region: other }'));
    expect(reserved.message).toContain('label key "region" is reserved');
  });

  test('missing context names the field and says what to set', () => {
    const e = loadError(GOOD.replace('    context: us-1\n', ''));
    expect(e.message).toContain('missing required field "context"');
    expect(e.message).toContain('clusters[1]');
    expect(e.message).toContain('kubeconfig context');
  });

  test.each([['0'], ['-1']])('non-positive capacity %s', (cap) => {
    const e = loadError(GOOD.replace('capacity: 2', `capacity: ${cap}`));
    expect(e.message).toContain(`capacity ${Number(cap)} is not a positive number`);
  });

  test('bad role', () => {
    expect(loadError(GOOD.replace('role: primary', 'role: leader')).message).toContain('primary, standby, canary');
  });

  test('empty registry, missing clusters key, bad YAML, missing file', () => {
    expect(loadError('clusters: []\n').message).toContain('the registry has no clusters');
    expect(loadError('cluster: []\n').message).toContain('unknown key(s) "cluster"');
    const syntax = loadError('clusters:\n  - name: [\n');
    expect(syntax.code).toBe('REGISTRY_SYNTAX');
    expect(() => ClusterRegistry.fromFile('/nonexistent/clusters.yaml')).toThrow(/cannot read the cluster registry/);
  });

  test('reports every problem at once', () => {
    const e = loadError(GOOD.replace('capacity: 2', 'capacity: 0').replace('    context: us-1\n', ''));
    expect(e.message).toContain('2 problems');
  });
});

describe('ClusterRegistry.fromClusters', () => {
  test('validates like a file and names the field', () => {
    expect(ClusterRegistry.fromClusters(CLUSTERS).clusters).toHaveLength(6);
    expect(() => ClusterRegistry.fromClusters([{ ...CLUSTERS[0], capacity: -2 }])).toThrow(/capacity -2 is not a positive number/);
    expect(() => ClusterRegistry.fromClusters([])).toThrow(/no clusters/);
  });
});
