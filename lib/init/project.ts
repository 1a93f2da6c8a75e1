/**
 * The files of a new cdk-federation project (`cdkfed init`), rendered in memory: pure, so
 * every file is known (and every input checked) before anything is written.
 */
import * as YAML from 'yaml';
import { FederationError } from '../errors';
import { isDnsLabel } from '../k8s-names';
import type { PackageInfo } from '../package-info';
import type { KubeconfigContext } from '../registry/kubeconfig';

/** Where the clusters of a project come from: a kubeconfig's contexts. */
export interface KubeconfigSource {
  /** In file order; at least one. */
  readonly contexts: readonly KubeconfigContext[];
  /** The kubeconfig as the registry should name it; absent: $KUBECONFIG or ~/.kube/config at deploy time. */
  readonly kubeconfig?: string;
  /** What the user named, for the header comment. */
  readonly shown: string;
}

export interface ProjectOptions {
  /** Federation id, namespace and npm package name: a DNS label. */
  readonly name: string;
  /** cdk-federation's own package.json: its version and the versions it was tested with. */
  readonly package: PackageInfo;
  /** Clusters from a kubeconfig; absent: two example clusters. */
  readonly clusters?: KubeconfigSource;
}

/** One file of the project, path relative to the project folder. */
export interface ProjectFile {
  readonly path: string;
  readonly content: string;
}

/** Files in the order `cdkfed init` lists them. */
export const PROJECT_FILES = ['package.json', 'tsconfig.json', 'cdk8s.yaml', 'cdktf.json', 'clusters.yaml', 'main.ts', '.gitignore'] as const;

/** Marks every value of clusters.yaml the user must fill in. */
export const TODO = 'todo';

/** A DNS label made from a folder name: `My Fleet_2` → `my-fleet-2`; `cdk-federation-app` when nothing is left. */
export function projectName(folder: string): string {
  const s = folder.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').slice(0, 63).replace(/^-+|-+$/g, '');
  return isDnsLabel(s) ? s : 'cdk-federation-app';
}

/**
 * A cluster name (DNS label) for a kubeconfig context: the cluster part of an EKS ARN
 * (`arn:aws:eks:<region>:<account>:cluster/<name>`) or a GKE context (`gke_<project>_<zone>_<name>`),
 * else the context itself, lower-cased, other characters turned into "-"; `-2`, `-3`, … when taken.
 */
export function clusterNameFor(context: string, taken: ReadonlySet<string>): string {
  const eks = /^arn:aws[a-z-]*:eks:[^:]*:[^:]*:cluster\/(.+)$/.exec(context);
  const gke = /^gke_[^_]+_[^_]+_(.+)$/.exec(context);
  const base = projectName(eks?.[1] ?? gke?.[1] ?? context).slice(0, 58).replace(/-+$/, '');
  const stem = base === 'cdk-federation-app' && !/cdk-federation-app/.test(context) ? 'cluster' : base;
  if (!taken.has(stem)) return stem;
  for (let i = 2; ; i++) if (!taken.has(`${stem}-${i}`)) return `${stem}-${i}`;
}

/** The provider, when the context name or API server says it; else undefined (the user fills it in). */
export function guessProvider(c: KubeconfigContext): string | undefined {
  const server = c.server ?? '';
  if (/^arn:aws[a-z-]*:eks:/.test(c.name) || /\.eks\.amazonaws\.com(:\d+)?(\/|$)/.test(server)) return 'aws';
  if (/^gke_/.test(c.name) || /\.gke\.goog(:\d+)?(\/|$)/.test(server)) return 'gcp';
  if (/\.azmk8s\.io(:\d+)?(\/|$)/.test(server)) return 'azure';
  if (/^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.test(server) || /^(kind-|minikube$|docker-desktop$|k3d-|rancher-desktop$)/.test(c.name)) return 'local';
  return undefined;
}

const scalar = (v: string): string => YAML.stringify(v).trimEnd();

interface RegistryEntry {
  readonly name: string;
  readonly fields: ReadonlyArray<readonly [string, string, string?]>;
}

function registryEntries(o: ProjectOptions): RegistryEntry[] {
  if (!o.clusters) {
    return [
      { name: 'eu-1', fields: [['region', 'eu'], ['provider', 'aws'], ['jurisdiction', 'eu'], ['context', 'eu-1', 'TODO: the kubeconfig context of this cluster (`kubectl config get-contexts`)'], ['role', 'canary', 'in wave "canary" of main.ts']] },
      { name: 'us-1', fields: [['region', 'us'], ['provider', 'aws'], ['jurisdiction', 'us'], ['context', 'us-1', 'TODO: the kubeconfig context of this cluster'], ['role', 'primary', 'in wave "main" of main.ts']] },
    ];
  }
  const taken = new Set<string>();
  const two = o.clusters.contexts.length > 1;
  return o.clusters.contexts.map((c, i) => {
    const name = clusterNameFor(c.name, taken);
    taken.add(name);
    const provider = guessProvider(c);
    const fields: [string, string, string?][] = [
      ['region', TODO, 'TODO: the cluster\'s region, e.g. eu, us, apac (placement, spread and geo routing use it)'],
      ['provider', provider ?? TODO, provider ? `from ${c.server ? 'the API server URL' : 'the context name'}` : 'TODO: e.g. aws, gcp, azure, onprem'],
      ['jurisdiction', TODO, 'TODO: its data-residency jurisdiction, e.g. eu, us (FederatedApp `residency` checks it)'],
      ['context', c.name, c.server ? `server ${c.server}` : undefined],
    ];
    if (o.clusters!.kubeconfig) fields.push(['kubeconfig', o.clusters!.kubeconfig]);
    fields.push(['role', two && i === 0 ? 'canary' : 'primary', two ? `in wave "${i === 0 ? 'canary' : 'main'}" of main.ts` : undefined]);
    return { name, fields };
  });
}

function clustersYaml(o: ProjectOptions, entries: readonly RegistryEntry[]): string {
  const head = o.clusters
    ? [
      `# Cluster registry of ${o.name}: one cluster per context of kubeconfig ${o.clusters.shown}.`,
      `# TODO: fill in every value marked TODO (\`${TODO}\` is a placeholder that synthesizes but means nothing):`,
      '#   region and jurisdiction decide placement, spread, geo routing and data residency.',
    ]
    : [
      `# Cluster registry of ${o.name}: two example clusters.`,
      '# TODO: replace them with yours: `context` is the kubeconfig context that reaches each',
      '# cluster (`kubectl config get-contexts`; or start again with `cdkfed init --clusters`).',
    ];
  const lines = [...head,
    '# Every field: "Cluster registry" in node_modules/cdk-federation/README.md.',
    'apiVersion: cdk-federation.io/v1alpha1',
    'kind: ClusterRegistry',
    'clusters:'];
  for (const e of entries) {
    lines.push(`  - name: ${scalar(e.name)}`);
    const width = Math.max(...e.fields.map(([k, v]) => k.length + scalar(v).length)) + 2;
    for (const [k, v, comment] of e.fields) {
      const text = `${k}: ${scalar(v)}`;
      lines.push(`    ${comment ? `${text.padEnd(width + 2)}# ${comment}` : text}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function mainTs(o: ProjectOptions, entries: readonly RegistryEntry[]): string {
  const waves = entries.length > 1
    ? [
      '      // First the canary clusters (role: canary in clusters.yaml); the next wave starts once they are healthy and have baked.',
      '      { name: \'canary\', selector: { matchLabels: { role: \'canary\' } }, bakeTime: Duration.minutes(1) },',
      '      // Then every other cluster, two at a time.',
      '      { name: \'main\', selector: { matchExpressions: [{ key: \'role\', operator: \'NotIn\', values: [\'canary\'] }] }, maxParallel: 2 },',
    ]
    : [
      '      // One cluster, one wave; with more clusters, put canaries first (see the README of cdk-federation).',
      `      { name: 'main', clusters: [${JSON.stringify(entries[0].name).replace(/"/g, '\'')}] },`,
    ];
  return [
    `// ${o.name}: one app on every cluster of clusters.yaml, rolled out wave by wave.`,
    '//   npm run synth    writes dist/<cluster>/*.yaml, dist/federation.json and cdktf.out/ (needs no cluster)',
    '//   npm run plan     shows what a deploy would change in each cluster (reads dist/ only)',
    '//   npm run deploy   applies dist/ wave by wave, with health gates and rollback',
    `import { ClusterRegistry, ${entries.length > 1 ? 'Duration, ' : ''}FederatedApp, Federation, FederationApp } from 'cdk-federation';`,
    '',
    'const app = new FederationApp();',
    `const fed = new Federation(app, '${o.name}', {`,
    '  registry: ClusterRegistry.fromFile(\'clusters.yaml\'),',
    '  rollout: {',
    '    waves: [',
    ...waves,
    '    ],',
    '  },',
    '});',
    '',
    'new FederatedApp(fed, \'web\', {',
    '  containers: [{ image: \'nginx:1.27.3\', ports: [{ name: \'http\', containerPort: 80 }] }],',
    '  replicas: 2,',
    '  config: { GREETING: \'hello\' },',
    '});',
    '',
    'app.synth();',
    '',
  ].join('\n');
}

/** A dependency version of cdk-federation's own package.json; a missing one is a packaging bug. */
function pinned(pkg: PackageInfo, name: string): string {
  const v = pkg.dependencies[name] ?? pkg.devDependencies[name];
  if (!v) throw new FederationError('INIT_PACKAGE', 'cdk-federation/package.json', `has no version of "${name}"`, 'reinstall cdk-federation; this is a bug in the package');
  return v;
}

/** Every file of the project, in PROJECT_FILES order. Throws INIT_INVALID_NAME for a name that is not a DNS label. */
export function renderProject(o: ProjectOptions): ProjectFile[] {
  if (!isDnsLabel(o.name)) {
    throw new FederationError('INIT_INVALID_NAME', `--name ${JSON.stringify(o.name)}`, 'is not a DNS label (it names the federation, its namespace and the npm package)',
      'use at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit');
  }
  if (o.clusters && o.clusters.contexts.length === 0) {
    throw new FederationError('INIT_NO_CONTEXTS', o.clusters.shown, 'the kubeconfig has no contexts', 'name a kubeconfig with at least one context, or leave out --clusters for two example clusters');
  }
  const entries = registryEntries(o);
  const pkg = o.package;
  const app = 'npx tsx main.ts';
  const packageJson = {
    name: o.name,
    version: '0.1.0',
    private: true,
    description: `${o.name}: a cdk-federation project`,
    scripts: {
      synth: 'cdkfed synth',
      plan: 'cdkfed plan',
      deploy: 'cdkfed deploy',
      drift: 'cdkfed drift',
      typecheck: 'tsc --noEmit',
    },
    engines: { node: '>=20.19' },
    dependencies: {
      'cdk-federation': pkg.version,
      'cdk8s': pinned(pkg, 'cdk8s'),
      'cdktf': pinned(pkg, 'cdktf'),
      'constructs': pinned(pkg, 'constructs'),
    },
    devDependencies: {
      '@types/node': pinned(pkg, '@types/node'),
      'tsx': pinned(pkg, 'tsx'),
      'typescript': pinned(pkg, 'typescript'),
    },
  };
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022', module: 'commonjs', moduleResolution: 'node', lib: ['ES2022'], types: ['node'],
      strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true,
    },
    include: ['*.ts', 'src/**/*.ts'],
  };
  const cdktf = {
    language: 'typescript', app, output: 'cdktf.out', projectId: o.name, sendCrashReports: 'false',
    terraformProviders: [], terraformModules: [], codeMakerOutput: '.gen', context: {},
  };
  const files: Record<(typeof PROJECT_FILES)[number], string> = {
    'package.json': `${JSON.stringify(packageJson, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(tsconfig, null, 2)}\n`,
    'cdk8s.yaml': `# \`cdkfed synth\` and \`cdk8s synth\` run this app.\nlanguage: typescript\napp: ${app}\noutput: dist\n`,
    'cdktf.json': `${JSON.stringify(cdktf, null, 2)}\n`,
    'clusters.yaml': clustersYaml(o, entries),
    'main.ts': mainTs(o, entries),
    '.gitignore': [
      'node_modules/',
      'cdktf.out/',
      '.cdkfed-staging-*/',
      '.gen/',
      '.terraform/',
      '*.tfstate*',
      '# dist/ is committed on purpose: a pull request reviews it and `cdkfed deploy` applies exactly',
      '# what was reviewed (see "Pipelines" in the README of cdk-federation).',
      '',
    ].join('\n'),
  };
  return PROJECT_FILES.map((p) => ({ path: p, content: files[p] }));
}
