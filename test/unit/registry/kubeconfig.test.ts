/** Synth's check of registry contexts against the kubeconfig: warnings only, never cluster access. */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { ClusterRegistry } from '../../../lib';
import { checkContexts, readKubeconfig } from '../../../lib/registry/kubeconfig';
import { tmpdir } from '../../support/fixtures';

const cluster = (name: string, context: string, kubeconfig?: string) => ({ name, region: 'r', provider: 'p', jurisdiction: 'j', context, ...(kubeconfig ? { kubeconfig } : {}) });
const kubeconfig = (file: string, ...contexts: string[]) => {
  fs.writeFileSync(file, YAML.stringify({ apiVersion: 'v1', kind: 'Config', contexts: contexts.map((name) => ({ name, context: { cluster: 'c', user: 'u' } })) }));
  return file;
};

describe('checkContexts', () => {
  test('$KUBECONFIG with several files: a context in any of them is found; one in none is named with the cluster', () => {
    const dir = tmpdir();
    const env = { KUBECONFIG: [kubeconfig(path.join(dir, 'a'), 'ctx-a'), path.join(dir, 'missing'), kubeconfig(path.join(dir, 'b'), 'ctx-b')].join(path.delimiter) };
    const reg = ClusterRegistry.fromClusters([cluster('a', 'ctx-a'), cluster('b', 'ctx-b'), cluster('c', 'ctx-typo')]);
    const w = checkContexts(reg.clusters, env);
    expect(w.map((x) => [x.code, x.where])).toEqual([['CONTEXT_NOT_IN_KUBECONFIG', 'cluster c']]);
    expect(w[0].message).toBe(`context "ctx-typo" is not in kubeconfig $KUBECONFIG (${env.KUBECONFIG}) (it has: ctx-a, ctx-b); synth does not need it, but deploy, plan and drift will fail for this cluster`);
  });

  test('a cluster\'s own kubeconfig is checked on its own; a missing one is named once for its clusters; no default kubeconfig: silent', () => {
    const dir = tmpdir();
    const own = kubeconfig(path.join(dir, 'own'), 'x');
    const env = { KUBECONFIG: path.join(dir, 'nothing-here') };
    const reg = ClusterRegistry.fromClusters([cluster('a', 'x', own), cluster('b', 'y', own), cluster('c', 'x', path.join(dir, 'gone')), cluster('d', 'x', path.join(dir, 'gone')), cluster('e', 'anything')]);
    expect(checkContexts(reg.clusters, env).map((x) => `${x.code} ${x.where}`)).toEqual([
      'CONTEXT_NOT_IN_KUBECONFIG cluster b',
      'KUBECONFIG_NOT_FOUND clusters c, d',
    ]);
  });

  test('an unreadable kubeconfig is a warning, and readKubeconfig tells a kubeconfig from other YAML', () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'bad'), 'contexts: {not: a list}\n');
    const reg = ClusterRegistry.fromClusters([cluster('a', 'x', path.join(dir, 'bad'))]);
    expect(checkContexts(reg.clusters, {}).map((x) => [x.code, x.message])).toEqual([['KUBECONFIG_UNREADABLE', `cannot check the contexts: ${path.join(dir, 'bad')}: is not a kubeconfig (expected a map with a \`contexts:\` list)`]]);
    expect(readKubeconfig(kubeconfig(path.join(dir, 'ok'), 'one', 'two')).contexts.map((c) => c.name)).toEqual(['one', 'two']);
  });
});
