/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import * as fs from 'fs';
import * as path from 'path';
import { ClusterRegistry, FederationError } from '../../../lib';
import { CLUSTERS, tmpdir } from '../../support/fixtures';

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
    const r = ClusterRegistry.fromFile(path.join(__dirname, '../../../apps/clusters.yaml'));
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

describe('registry errors name the value', () => {
  const ONE = 'clusters:\n  - name: a\n    region: eu\n    provider: p\n    jurisdiction: eu\n    context: a\n';
  /** The problem line of a one-problem error, without the file:line prefix, and its fix. */
  function problem(yaml: string): { line: string; fix: string } {
    const e = loadError(yaml);
    expect(e.code).toBe('REGISTRY_INVALID');
    const lines = e.message.split('\n');
    expect(lines[0]).toMatch(/invalid cluster registry \(1 problem\):$/);
    return { line: lines[1].replace(/^\s*\S*clusters\.yaml(:\d+)?: /, ''), fix: lines[2].replace(/^\s*fix: /, '') };
  }

  test.each<[string, string, string]>([
    ['a bad role', `${ONE}    role: leader\n`, 'clusters[0] (a) field "role" has invalid value "leader"; expected one of "primary", "standby", "canary"'],
    ['a number as label value', `${ONE}    labels: { tier: 1 }\n`, 'clusters[0] (a) label "tier" has value 1 (a number): label values must be strings'],
    ['a boolean as label value', `${ONE}    labels: { tier: true }\n`, 'clusters[0] (a) label "tier" has value true (a boolean): label values must be strings'],
    ['an empty label value', `${ONE}    labels: { tier: }\n`, 'clusters[0] (a) label "tier" has value null (an empty value): label values must be strings'],
    ['labels as a list', `${ONE}    labels: [a]\n`, 'clusters[0] (a) field "labels" must be a map, got ["a"] (a list)'],
    ['a string capacity', `${ONE}    capacity: big\n`, 'clusters[0] (a) field "capacity" must be a number, got "big" (a string)'],
    ['a number context', ONE.replace('context: a', 'context: 5'), 'clusters[0] (a) field "context" must be a string, got 5 (a number)'],
    ['an empty context', ONE.replace('context: a', 'context: ""'), 'clusters[0] (a) field "context" is an empty string'],
    ['an invalid label value', `${ONE}    labels: { tier: "no spaces" }\n`, 'clusters[0] (a) cluster "a": invalid value "no spaces" for label "tier"'],
    ['a bad apiVersion', `apiVersion: v2\n${ONE}`, 'field "apiVersion" has invalid value "v2"; expected "cdk-federation.io/v1alpha1"'],
    ['a bad kind', `kind: Clusters\n${ONE}`, 'field "kind" has invalid value "Clusters"; expected "ClusterRegistry"'],
    ['a top-level list', '- a\n- b\n', 'the top level must be a map with `clusters:` (a list of clusters), got ["a","b"] (a list)'],
    ['a top-level string', 'hello\n', 'the top level must be a map with `clusters:` (a list of clusters), got "hello" (a string)'],
    ['an empty file', '', 'the file is empty; its top level must be a map with `clusters:` (a list of clusters)'],
    ['clusters as a map', 'clusters: { a: 1 }\n', '`clusters` must be a list of clusters, got {"a":1} (a map)'],
    ['a cluster that is not a map', 'clusters:\n  - hello\n', 'clusters[0] is not a map of cluster fields (name, region, provider, jurisdiction, context, …): got "hello" (a string)'],
    ['a missing field', ONE.replace('    provider: p\n', ''), 'clusters[0] (a) missing required field "provider"'],
  ])('%s', (_name, yaml, expected) => {
    const { line, fix } = problem(yaml);
    expect(line).toBe(expected);
    expect(fix.length).toBeGreaterThan(10);
  });

  test('a label value of the wrong type is never reported as missing, and the fix shows it quoted', () => {
    const { line, fix } = problem(`${ONE}    labels: { gpu: 4 }\n`);
    expect(line).not.toContain('missing');
    expect(fix).toBe('quote the value, e.g. gpu: "4"');
  });

  test('fromClusters quotes values the same way', () => {
    expect(() => ClusterRegistry.fromClusters([{ ...CLUSTERS[0], labels: { tier: 1 as any } }]))
      .toThrow('label "tier" has value 1 (a number): label values must be strings');
    expect(() => ClusterRegistry.fromClusters([{ ...CLUSTERS[0], role: 'leader' as any }]))
      .toThrow('field "role" has invalid value "leader"; expected one of "primary", "standby", "canary"');
  });
});
