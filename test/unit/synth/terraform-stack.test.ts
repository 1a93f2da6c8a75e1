import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stackFileText } from '../../../lib/synth/cluster-files';
import { ClusterManifests, FederationOutline, KubeObject, TerraformOptions } from '../../../lib/synth/model';
import { StackWriter, stackSubstitutions } from '../../../lib/synth/terraform-stack';
import { cluster, shopObjects, wave } from '../../support/terraform';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkfed-tfstack-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;

/** Every stack of `outline` written as writeOutputs writes it, with or without templates: the files and how many stacks were templated. */
function writeStacks(outline: FederationOutline & { clusters: readonly ClusterManifests[] }, templates: boolean) {
  const dir = path.join(tmp, `run${n++}`);
  fs.mkdirSync(dir, { recursive: true });
  const writer = new StackWriter(outline, dir, { templates });
  for (const m of outline.clusters) {
    const stack = writer.prepare(m);
    fs.mkdirSync(path.dirname(stack.file), { recursive: true });
    fs.writeFileSync(stack.file, stackFileText(stack, m.objects, `cluster ${m.cluster.name}`));
  }
  writer.finish();
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
  return { templated: writer.templated, files: Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')])) };
}

const objects: KubeObject[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }];

/**
 * Clusters whose strings are hard on a substitution: a context holding the cluster's name,
 * a one-letter name (found inside every other word), quotes, template sigils and non-ASCII
 * in contexts, names with and without '-', and shapes of their own (kubeconfig, endpoints).
 */
function fleet(terraform: TerraformOptions): FederationOutline & { clusters: ClusterManifests[] } {
  const clusters: ClusterManifests[] = [
    { cluster: cluster('a', { context: 'a' }), wave: 'one', objects },
    { cluster: cluster('eu-1'), wave: 'one', objects: shopObjects() }, // a CRD and its custom resource: a warning in manifest.json
    { cluster: cluster('gke-2', { kubeconfig: 'k/gke.yaml' }), wave: 'one', objects },
    { cluster: cluster('p-1'), wave: 'two', objects },
    { cluster: cluster('p-2'), wave: 'two', objects },
    { cluster: cluster('p-3'), wave: 'two', objects },
    { cluster: cluster('us-east-1', { context: 'arn:aws:eks:us-east-1:1:cluster/us-east-1 "q" ${x} %{y} \\' }), wave: 'two', objects },
    { cluster: cluster('zz9', { context: 'ünïcødé-zz9' }), wave: 'two', objects },
  ];
  return {
    name: 'fed',
    clusters,
    waves: [wave('one', ['a', 'eu-1', 'gke-2']), wave('two', ['p-1', 'p-2', 'p-3', 'us-east-1', 'zz9'])],
    terraform: {
      ...terraform,
      endpoints: { 'p-1': { host: 'https://p-1:6443', clusterCaCertificate: 'PEM p-1\n' }, 'p-2': { host: 'https://p-2' }, 'p-3': { host: 'https://10.0.0.3', clusterCaCertificate: 'PEM "3"' } },
    },
  };
}

describe('stack skeletons from templates', () => {
  const backends: Array<[string, TerraformOptions]> = [
    ['local', {}],
    ['s3', { backend: { type: 's3', bucket: 'tf', region: 'eu-west-1' } }],
    ['s3 with a lock table', { backend: { type: 's3', bucket: 'tf', region: 'eu-west-1', keyPrefix: 'states', dynamodbTable: 'locks' } }],
    ['gcs', { backend: { type: 'gcs', bucket: 'tf' } }],
    ['gcs with a prefix', { backend: { type: 'gcs', bucket: 'tf', prefix: 'fed' } }],
    ['kubernetes, in each cluster', { backend: { type: 'kubernetes', namespace: 'tf-state' } }],
    ['kubernetes, in a shared context', { backend: { type: 'kubernetes', secretSuffixPrefix: 'x-', configPath: '/k', configContext: 'mgmt' } }],
  ];
  test.each(backends)('%s backend: every file byte-identical to cdktf rendering each stack', (_, terraform) => {
    const outline = fleet(terraform);
    const fromTemplates = writeStacks(outline, true);
    const fromCdktf = writeStacks(outline, false);
    expect(fromCdktf.templated).toBe(0);
    // shapes: a, eu-1, us-east-1 and zz9 (no kubeconfig or endpoint: 3 templated), gke-2 alone, p-1 and p-3 (1 templated), p-2 alone
    expect(fromTemplates.templated).toBe(4);
    expect(Object.keys(fromTemplates.files)).toEqual(Object.keys(fromCdktf.files));
    for (const [f, text] of Object.entries(fromCdktf.files)) expect({ f, text: fromTemplates.files[f] }).toEqual({ f, text });
    expect(fromTemplates.files['manifest.json']).toContain('its CRD is in the same stack');
  });

  test('a stack whose strings are not plain text gets no template, and its output does not change', () => {
    const outline = fleet({});
    const odd = { ...outline, clusters: outline.clusters.map((c) => (c.cluster.name === 'zz9' ? { ...c, cluster: { ...c.cluster, context: 'zzcdkfedprobe-name' } } : c)) };
    const fromTemplates = writeStacks(odd, true);
    expect(fromTemplates.templated).toBe(3);
    expect(fromTemplates.files).toEqual(writeStacks(odd, false).files);
  });

  test('substitutions: each form of the placeholders for the same form of the stack strings', () => {
    expect(stackSubstitutions({ name: 'us-east-1', context: 'c "1"' })).toEqual([
      ['zzcdkfedprobe_name', 'us_east_1'],
      ['zzcdkfedprobe-name', 'us-east-1'],
      ['"zzcdkfedprobe-context"', '"c \\"1\\""'],
      ['zzcdkfedprobe-context', 'c "1"'],
    ]);
    expect(stackSubstitutions({ name: 'p', context: '${x}', host: 'h', ca: 'pem' })).toEqual([
      ['zzcdkfedprobe_name', 'p'],
      ['zzcdkfedprobe-name', 'p'],
      ['"zzcdkfedprobe-context"', '"$${x}"'],
      ['zzcdkfedprobe-context', '${x}'],
      ['zzcdkfedprobe-host', 'h'],
      ['zzcdkfedprobe-ca', 'pem'],
    ]);
  });
});
