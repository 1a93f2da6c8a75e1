import { ApiObject, App, Chart, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { FederationError, FederationWarning } from './errors';
import { isDnsLabel } from './k8s-names';
import { WaveSpec } from './placement/types';
import { resolveWaves } from './placement';
import { ClusterRegistry, describeValue } from './registry/registry';
import { ClusterSpec } from './registry/types';
import { canonicalJson } from './kube/digest';
import { objectKey } from './kube/object';
import { compareStrings } from './kube/sort';
import type { IgnoreDifference, InventoryWave } from './inventory/types';
import { ClusterManifests, ClusterOutline, FederationModel, FederationOutline, FederationSource, KubeObject, ObjectOrigin, RenderedCluster, TerraformOptions } from './synth/model';
import { finalizeObjects } from './synth/objects';

/**
 * One rollout wave: a group of clusters updated together, gated on health. The same fields
 * as WaveSpec (name, clusters, selector, maxParallel), with the times as Durations;
 * Federation.resolveWaves maps it to the one wave type, InventoryWave.
 */
export interface WaveProps extends Omit<WaveSpec, 'healthTimeoutSeconds' | 'bakeTimeSeconds'> {
  /**
   * How long each cluster may take to become healthy after it is applied; past it the wave
   * fails (and is rolled back). The same time also bounds two other waits of the wave: how
   * long an object that is still progressing at the end of the bake may take to settle, and
   * how long a rolled-back cluster may take to become healthy again.
   * @default Duration.minutes(5)
   */
  readonly healthTimeout?: Duration;
  /** Wait after the wave is healthy before the next starts. @default - no bake time */
  readonly bakeTime?: Duration;
}

export interface RolloutProps {
  /** Ordered waves; every cluster that receives objects must be in exactly one. */
  readonly waves: readonly WaveProps[];
}

export interface FederationProps {
  /** The clusters this federation may place on. */
  readonly registry: ClusterRegistry;
  /** Rollout waves, in order. */
  readonly rollout: RolloutProps;
  /** Namespace of apps that do not name one. @default - the federation's id */
  readonly defaultNamespace?: string;
  /** Terraform output options. @default - local state per cluster */
  readonly terraform?: TerraformOptions;
  /**
   * Fields `cdkfed drift` ignores in every app (like Argo CD's ignoreDifferences), written to
   * federation.json so drift needs no source. `spec.replicas` of a workload an HPA scales is
   * always ignored. @default - none
   */
  readonly ignoreDifferences?: readonly IgnoreDifferenceProps[];
}

/** A field drift ignores: objects of `kind` (optionally one name, namespace or app), by JSON pointer or field path, optionally per cluster. */
export interface IgnoreDifferenceProps {
  readonly kind: string;
  /** `/spec/replicas` or `.spec.replicas`; a list item by its name (`/spec/template/spec/containers/web/image`), index or `*`. */
  readonly jsonPointers: readonly string[];
  /** @default - every cluster */
  readonly clusters?: readonly string[];
  /** @default - every object of the kind */
  readonly name?: string;
  /** @default - any namespace */
  readonly namespace?: string;
  /** Only objects of this FederatedApp. @default - any */
  readonly app?: string;
  /** Shown in drift reports. @default - none */
  readonly reason?: string;
}

const BUILTIN_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/**
 * The root of a federated application: holds the cluster registry and the rollout plan,
 * and one cdk8s Chart per cluster that receives objects. Those charts are the single
 * source of truth for what goes where: dist/, cdktf.out/ and federation.json all render them.
 */
export class Federation extends Construct {
  /** The Federation a construct belongs to. */
  public static of(c: IConstruct): Federation {
    const found = c.node.scopes.reverse().find((s): s is Federation => s instanceof Federation);
    if (!found) {
      throw new FederationError('NOT_IN_FEDERATION', c.node.path, 'this construct must be created inside a Federation',
        'pass a Federation (or a construct under one) as scope');
    }
    return found;
  }

  public readonly registry: ClusterRegistry;
  public readonly defaultNamespace: string;
  public readonly terraform: TerraformOptions;
  private readonly waves: readonly WaveProps[];
  private readonly charts = new Map<string, Chart>();
  private readonly namespaces = new Map<string, Set<string>>();
  /** The origin of every object under a scope made by scopeFor. */
  private readonly origins = new Map<IConstruct, ObjectOrigin>();
  private readonly _warnings: FederationWarning[] = [];
  private readonly ignoreRules: IgnoreDifference[] = [];

  constructor(scope: Construct, id: string, props: FederationProps) {
    super(scope, id);
    if (!isDnsLabel(id)) {
      throw new FederationError('INVALID_NAME', this.node.path, `federation id "${id}" is not a DNS label`,
        'use lower-case letters, digits and "-" (it becomes a label value and a namespace default)');
    }
    if (!(props.registry instanceof ClusterRegistry)) {
      throw new FederationError('INVALID_PROP', this.node.path, `prop "registry" is not a ClusterRegistry, got ${describeValue(props.registry)}`,
        'use ClusterRegistry.fromFile(path) or ClusterRegistry.fromClusters([...])');
    }
    if (!props.rollout || !Array.isArray(props.rollout.waves) || props.rollout.waves.length === 0) {
      throw new FederationError('INVALID_PROP', this.node.path, `prop "rollout.waves" must be a non-empty list of waves, got ${describeValue(props.rollout?.waves)}`,
        'declare at least one wave, e.g. { name: "all", selector: {} }');
    }
    this.registry = props.registry;
    this.waves = props.rollout.waves;
    this.defaultNamespace = props.defaultNamespace ?? id;
    if (!isDnsLabel(this.defaultNamespace)) {
      throw new FederationError('INVALID_PROP', this.node.path, `prop "defaultNamespace" value "${this.defaultNamespace}" is not a DNS label`,
        'use lower-case letters, digits and "-"');
    }
    this.terraform = props.terraform ?? {};
    this.addIgnoreDifferences(props.ignoreDifferences ?? [], `${this.node.path}: prop "ignoreDifferences"`);
  }

  /** Adds drift ignore rules (FederatedApp and FederatedResource add theirs here). */
  public addIgnoreDifferences(rules: readonly IgnoreDifferenceProps[], where: string = this.node.path): void {
    for (const r of rules) {
      if (!r || typeof r.kind !== 'string' || !r.kind || !Array.isArray(r.jsonPointers) || r.jsonPointers.length === 0 || r.jsonPointers.some((p) => typeof p !== 'string' || !/^[/.]./.test(p))) {
        throw new FederationError('INVALID_PROP', where, `ignore rule ${JSON.stringify(r)?.slice(0, 120)} needs a kind and jsonPointers starting with "/" or "."`,
          'e.g. { kind: "Deployment", jsonPointers: ["/spec/replicas"] }');
      }
      const { clusters, jsonPointers, ...rest } = r;
      this.ignoreRules.push({ ...rest, jsonPointers: [...jsonPointers], ...(clusters ? { clusters: [...clusters].sort() } : {}) });
    }
  }

  /** The federation's name: its construct id. */
  public get name(): string {
    return this.node.id;
  }

  /** The chart of one cluster, created on first use. */
  public chartFor(cluster: ClusterSpec): Chart {
    let chart = this.charts.get(cluster.name);
    if (!chart) {
      chart = new Chart(this, cluster.name, { disableResourceNameHashes: true });
      this.charts.set(cluster.name, chart);
    }
    return chart;
  }

  /**
   * The construct under which `owner` puts its objects for `cluster`: one per owner and
   * cluster, inside the cluster's chart, named after the owner's path in the federation.
   * `origin` (the app and its residency) is recorded for every object under it in
   * federation.json, so deploy can re-check residency without the source.
   */
  public scopeFor(cluster: ClusterSpec, owner: IConstruct, origin: ObjectOrigin = {}): Construct {
    const chart = this.chartFor(cluster);
    const id = owner.node.path.slice(this.node.path.length + 1).replace(/\//g, '-');
    const existing = chart.node.tryFindChild(id) as Construct | undefined;
    if (existing) return existing;
    const scope = new Construct(chart, id);
    this.origins.set(scope, origin);
    return scope;
  }

  /** Makes sure `namespace` exists in the cluster's chart (one Namespace object per cluster). */
  public ensureNamespace(cluster: ClusterSpec, namespace: string): void {
    if (BUILTIN_NAMESPACES.has(namespace)) return;
    const seen = this.namespaces.get(cluster.name) ?? new Set<string>();
    this.namespaces.set(cluster.name, seen);
    if (seen.has(namespace)) return;
    seen.add(namespace);
    new ApiObject(this.chartFor(cluster), `Namespace-${namespace}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  }

  /** Warnings recorded so far, in the order they were added. */
  public get warnings(): readonly FederationWarning[] {
    return [...this._warnings];
  }

  /** Records a warning; FederationApp.synth prints it. Never put a secret value in one. */
  public addWarning(w: FederationWarning): void {
    this._warnings.push(w);
  }

  /** Names of the clusters that received objects, sorted. */
  public get placedClusters(): string[] {
    return [...this.charts.keys()].sort();
  }

  /**
   * The rollout waves, resolved: the one place WaveProps become InventoryWaves (Durations to
   * seconds here; defaults, names and clusters by placement's resolveWaves). Each wave lists
   * every registered cluster it selects; federation.json keeps only those that receive
   * objects (inventoryWaves). Throws if a placed cluster is in no wave or in two.
   */
  public resolveWaves(): InventoryWave[] {
    return resolveWaves(this.registry.clusters, this.waves.map((w, i) => {
      const where = `${this.node.path}/rollout.waves[${i}]`;
      return {
        name: w.name, clusters: w.clusters, selector: w.selector, maxParallel: w.maxParallel,
        healthTimeoutSeconds: w.healthTimeout ? seconds(w.healthTimeout, where, 'healthTimeout') : undefined,
        bakeTimeSeconds: w.bakeTime ? seconds(w.bakeTime, where, 'bakeTime') : undefined,
      };
    }), this.placedClusters, `${this.node.path}/rollout`);
  }

  /**
   * The waves as federation.json holds them: resolveWaves, each wave keeping only the
   * clusters that receive objects (deploy finds a context for each). A wave whose clusters
   * all receive nothing is kept, empty, so wave names and order do not depend on placement.
   */
  public inventoryWaves(): InventoryWave[] {
    const placed = new Set(this.placedClusters);
    return this.resolveWaves().map((w) => ({ ...w, clusters: w.clusters.filter((c) => placed.has(c)) }));
  }

  /**
   * Validates the whole tree and renders it as plain data: the single input of every
   * writer. Throws the first FederationError found.
   */
  public toModel(): FederationModel {
    const { outline, render } = this.toSource();
    return { ...outline, clusters: outline.clusters.map(render) };
  }

  /**
   * Validates the whole tree and returns the model one cluster at a time: the outline
   * (clusters, waves, Terraform options) now, each cluster's objects when rendered. Writers
   * stream from it, so the objects of a fleet are never all held at once.
   */
  public toSource(): FederationSource {
    // Waves are checked against the final placement, once every construct exists.
    const waves = this.inventoryWaves();
    const errors = this.node.findAll().flatMap((c) => c.node.validate().map((m) => ({ path: c.node.path, m })));
    if (errors.length > 0) {
      throw new FederationError('VALIDATION_FAILED', errors[0].path, errors.map((e) => `${e.path}: ${e.m}`).join('\n  '));
    }
    const waveOf = new Map<string, string>();
    for (const w of waves) for (const c of w.clusters) waveOf.set(c, w.name);
    const outline: FederationOutline = {
      name: this.name,
      clusters: this.placedClusters.map((name) => ({ cluster: this.registry.tryGet(name)!, wave: waveOf.get(name)! })),
      waves,
      terraform: this.terraform,
      ...(this.ignoreRules.length ? { ignoreDifferences: [...this.ignoreRules].sort((a, b) => compareStrings(canonicalJson(a), canonicalJson(b))) } : {}),
    };
    return { outline, render: (c) => this.renderCluster(c), renderUnfinalized: (c) => this.renderUnfinalized(c) };
  }

  /** One cluster's objects, finalized (ownership stamped, checked, in apply order). */
  private renderCluster(c: ClusterOutline): ClusterManifests {
    const { cluster, wave, objects: rendered, origins, where } = this.renderUnfinalized(c);
    const objects = finalizeObjects(rendered, { federation: this.name, cluster: cluster.name, where });
    return { cluster, wave, objects, origins };
  }

  /** One cluster's objects as its chart renders them: what renderCluster finalizes. */
  private renderUnfinalized({ cluster, wave }: ClusterOutline): RenderedCluster {
    const { objects, origins } = this.renderChart(this.charts.get(cluster.name)!);
    return { cluster, wave, objects, origins, where: `${this.node.path}/${cluster.name}` };
  }

  /**
   * A chart's objects as JSON, with the origin of each. Renders each ApiObject directly:
   * Chart.toJson() would re-resolve and re-validate the whole app once per chart, and the
   * tree was validated above. Order does not matter: finalizeObjects sorts.
   */
  private renderChart(chart: Chart): { objects: KubeObject[]; origins: Map<string, ObjectOrigin> } {
    const objects: KubeObject[] = [];
    const origins = new Map<string, ObjectOrigin>();
    const plain = rendersPlain(chart);
    // The chart's tree in pre-order (as findAll), without nested charts, whose objects are
    // theirs; each object's origin is that of its outermost scope that has one.
    const visit = (scope: IConstruct, outer: ObjectOrigin | undefined) => {
      for (const c of scope.node.children) {
        if (Chart.isChart(c)) continue;
        const origin = outer ?? this.origins.get(c);
        if (ApiObject.isApiObject(c)) {
          const json = ((plain && renderPlain(c)) || c.toJson()) as KubeObject;
          objects.push(json);
          if (origin && json && json.metadata) origins.set(objectKey(json), origin);
        }
        visit(c, origin);
      }
    };
    visit(chart, this.origins.get(chart));
    return { objects, origins };
  }
}

const NOT_PLAIN = new Error('not plain JSON');

/**
 * cdk8s's sanitizeValue (sorted keys, no null or undefined members; with `dropEmpty`, no
 * empty lists or maps either), for plain JSON only: throws NOT_PLAIN otherwise. A list or
 * map that is sanitized already is returned as it is, not copied: most of an object's
 * props are, and copying them was most of the rendering's garbage. So rendered objects
 * share those parts with the ApiObjects' props, read-only as KubeObject says.
 */
function sanitizePlain(v: unknown, dropEmpty = false): unknown {
  if (v === null || v === undefined) return undefined;
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'boolean') return v;
  if (t !== 'object') throw NOT_PLAIN;
  if (Array.isArray(v)) {
    if (dropEmpty && v.length === 0) return undefined;
    let copy: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = sanitizePlain(v[i], dropEmpty);
      if (!copy && x !== v[i]) copy = v.slice(0, i);
      if (copy) copy.push(x);
    }
    return copy ?? v;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) throw NOT_PLAIN;
  const o = v as Record<string, unknown>;
  let previous: string | undefined;
  for (const k in o) {
    if (previous !== undefined && previous > k) return sanitizedCopy(o, dropEmpty);
    previous = k;
  }
  // Keys in order: copied only from the first member that changes.
  let copy: Record<string, unknown> | undefined;
  let empty = true;
  for (const k in o) {
    const x = o[k];
    const y = sanitizePlain(x, dropEmpty);
    if (!copy && (y === undefined || y !== x)) {
      copy = {};
      for (const j in o) {
        if (j === k) break;
        copy[j] = o[j];
      }
    }
    if (y !== undefined) {
      empty = false;
      if (copy) copy[k] = y;
    }
  }
  return dropEmpty && empty ? undefined : copy ?? o;
}

function sanitizedCopy(o: Record<string, unknown>, dropEmpty: boolean): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let empty = true;
  for (const k of Object.keys(o).sort()) {
    const x = sanitizePlain(o[k], dropEmpty);
    if (x !== undefined && x !== null) {
      out[k] = x;
      empty = false;
    }
  }
  return dropEmpty && empty ? undefined : out;
}

/**
 * Whether the objects of a chart may be rendered by renderPlain: no custom resolvers and
 * keys sorted (the same for every object of an app, so asked once per chart).
 * CDK8S_DISABLE_SORT is not our setting: cdk8s's ApiObject.toJson() reads it on every call,
 * so the fast path must read it too to render what toJson() would.
 */
function rendersPlain(chart: Chart): boolean {
  return !process.env.CDK8S_DISABLE_SORT && App.of(chart).resolvers.length === DEFAULT_RESOLVERS;
}

/**
 * ApiObject.toJson() of an object whose props are plain JSON, without its work for values
 * that are not: each value offered to every resolver (with App.of walking the tree for
 * each), then patches applied to a deep copy. For plain JSON with cdk8s's built-in
 * resolvers alone, those change nothing, and this gives the same JSON at a fraction of the
 * cost. Undefined (the caller uses toJson()) for anything else: tokens, Lazy, class
 * instances, JSON patches (and, per chart, custom resolvers or CDK8S_DISABLE_SORT: rendersPlain).
 *
 * Why private fields (`as unknown as`): cdk8s offers no public way to read an ApiObject's
 * props, patches or metadata parts without toJson(), which was most of synth's time at fleet
 * scale. What is read (ApiObject `props` and `patches`; ApiObjectMetadataDefinition
 * `_additionalAttributes`, `labels`, `annotations`, `finalizers`, `ownerReferences`) is
 * pinned by test/unit/cdk8s-internals.test.ts: a field cdk8s moves makes this fall back to
 * toJson() (slower, same output), a field it adds would be missed, and the test fails on either.
 * @internal exported for that test
 */
export function renderPlain(c: ApiObject): Record<string, unknown> | undefined {
  const patches = (c as unknown as { patches?: unknown }).patches;
  if (!Array.isArray(patches) || patches.length > 0) return undefined;
  const props = (c as unknown as { props?: unknown }).props;
  if (!props || typeof props !== 'object') return undefined;
  let json: Record<string, unknown>;
  try {
    json = sanitizePlain({ ...props, metadata: metadataPlain(c.metadata) }) as Record<string, unknown>;
  } catch (e) {
    if (e === NOT_PLAIN) return undefined;
    throw e;
  }
  const result: Record<string, unknown> = {};
  for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(json)]) if (k in json) result[k] = json[k];
  return result;
}

/**
 * ApiObjectMetadataDefinition.toJson() for plain metadata, from the fields that method
 * reads (the same object, sanitized without empty lists and maps); NOT_PLAIN for anything
 * else, or if those fields are not where cdk8s keeps them.
 */
function metadataPlain(m: ApiObject['metadata']): unknown {
  const f = m as unknown as Record<string, unknown>;
  const extra = f._additionalAttributes;
  if (!extra || typeof extra !== 'object' || !f.labels || !f.annotations || !Array.isArray(f.finalizers) || !Array.isArray(f.ownerReferences)) throw NOT_PLAIN;
  return sanitizePlain({
    ...extra, name: m.name, namespace: m.namespace, annotations: f.annotations, finalizers: f.finalizers, ownerReferences: f.ownerReferences, labels: f.labels,
  }, true);
}

/** cdk8s's own resolvers (Lazy, implicit tokens, number/string unions): an App without custom ones has these. */
const DEFAULT_RESOLVERS = 3;

function seconds(d: Duration, where: string, prop: string): number {
  const s = d.toSeconds({ integral: false });
  if (!Number.isFinite(s) || s < 0) {
    throw new FederationError('INVALID_PROP', where, `prop "${prop}" is ${s}s`, 'use a non-negative Duration');
  }
  return s;
}
