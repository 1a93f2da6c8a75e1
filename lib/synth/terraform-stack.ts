/**
 * The cdktf app: one stack per cluster, each with its own kubernetes provider, its own
 * state, and one kubernetes_manifest per object of the cluster.
 *
 * cdktf builds the app, the stacks, their dependencies, backends, providers and variables
 * and writes every file. The resources themselves are plain JSON rendered from the model
 * (terraform-objects.ts): as cdktf constructs, each would be token-resolved several times
 * and carry a captured creation stack, which was most of the synthesis time at fleet scale,
 * while a kubernetes_manifest of a plain object holds no token to resolve.
 */
import * as path from 'path';
import { Construct } from 'constructs';
import {
  AnnotationMetadataEntryType, Annotations, App, Aspects, GcsBackend, KubernetesBackend, KubernetesProvider, LocalBackend, S3Backend, TerraformStack,
  TerraformVariable, Token, withoutCreationStacks,
} from './cdktf';
import { isDnsLabel } from '../k8s-names';
import { canonicalJson } from '../kube/digest';
import { describeObject, KubeObject } from '../kube/object';
import { ClusterSpec } from '../registry/types';
import { ClusterManifests, FederationOutline, TerraformBackend, TerraformClusterEndpoint } from './model';
import { StackFile } from './cluster-files';
import { cdktfJson } from './stable-json';
import { instantiate, Substitution, substituter } from './stack-template';
import { crsWithCrdInSameStack, escapeTemplate } from './terraform-objects';

/**
 * Writes `<outdir>/manifest.json` and `<outdir>/stacks/*`, one cluster at a time, as
 * cdktf's App.synth() does (prepare every stack, synthesize each, validate the app, write
 * the manifest) but with each stack's objects given only while that stack is written, so
 * a fleet's resources are never all in memory; the resources are added to each
 * cdk.tf.json by stackFileText (cluster-files.ts), on this thread or a worker. Every stack of a wave depends on every
 * stack of the previous (non-empty) wave, so `cdktf deploy '*'` goes wave by wave.
 * The model is validated by the caller.
 */
export class StackWriter {
  /** Stacks whose skeleton came from their shape's template (SkeletonTemplates) instead of cdktf's resolving. */
  public templated = 0;
  private readonly app: App;
  private readonly stacks = new Map<string, ClusterStack>();

  /** @param options.templates derive skeletons from templates where they are proven to agree (default true) */
  constructor(outline: FederationOutline, outdir: string, options: { readonly templates?: boolean } = {}) {
    this.app = new App({ outdir, stackTraces: false });
    withoutCreationStacks(() => {
      for (const m of outline.clusters) {
        const wave = outline.waves.find((w) => w.name === m.wave)!;
        this.stacks.set(m.cluster.name, new ClusterStack(this.app, {
          federation: outline.name,
          cluster: m.cluster,
          backend: outline.terraform.backend ?? { type: 'local' },
          endpoint: outline.terraform.endpoints?.[m.cluster.name],
          rolloutTimeoutSeconds: wave.healthTimeoutSeconds,
        }));
      }
      let previous: TerraformStack[] = [];
      for (const wave of outline.waves) {
        const current = outline.clusters.filter((m) => m.wave === wave.name).map((m) => this.stacks.get(m.cluster.name)!);
        if (current.length === 0) continue;
        for (const s of current) for (const p of previous) s.addDependency(p);
        previous = current;
      }
      // HCL output (SYNTH_HCL_OUTPUT) renders from the constructs, not from toTerraform(): no templates there
      const templates = options.templates === false || this.app.hclOutput ? undefined : new SkeletonTemplates(outdir);
      for (const s of this.stacks.values()) {
        const how = templates?.adopt(s) ?? 'unprepared';
        if (how === 'templated') this.templated++;
        if (how === 'unprepared') s.prepareStack();
      }
    });
  }

  /** Synthesizes the stack of one cluster without its resources (cdk.tf.json and its folder may not be written yet); the caller writes it with them (stackFileText). */
  public prepare(m: ClusterManifests): StackFile {
    const stack = this.stacks.get(m.cluster.name)!;
    const session = { outdir: this.app.outdir, skipValidation: this.app.skipValidation, manifest: this.app.manifest };
    return withoutCreationStacks(() => stack.synthesizeSkeleton(m.objects, session));
  }

  /** Validates the app and writes manifest.json; returns the stack names. */
  public finish(): string[] {
    withoutCreationStacks(() => {
      if (!this.app.skipValidation) {
        const errors = this.app.node.validate();
        if (errors.length) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
      }
      this.app.manifest.writeToFile();
    });
    return [...this.stacks.keys()];
  }
}

export interface ClusterStackProps {
  readonly federation: string;
  readonly cluster: ClusterManifests['cluster'];
  readonly backend: TerraformBackend;
  readonly endpoint?: TerraformClusterEndpoint;
  /** How long a workload may take to roll out (the wave's health timeout). */
  readonly rolloutTimeoutSeconds: number;
}

/**
 * One cluster's stack: backend, provider and variables as cdktf constructs; its
 * kubernetes_manifest resources (without cdktf's per-resource `"//"` metadata, which
 * would repeat the resource address) as plain JSON added when the stack is written.
 */
export class ClusterStack extends TerraformStack {
  /** What cdktf's synthesizer last wrote, kept so it is not resolved again. */
  private synthesized: Record<string, unknown> | undefined;
  /** Set by useTemplate: the skeleton is the template with this stack's strings put in. */
  private template: { readonly skeleton: Record<string, unknown>; readonly replace: (s: string) => string } | undefined;

  constructor(scope: Construct, public readonly props: ClusterStackProps) {
    super(scope, props.cluster.name);
    addBackend(this, props);
    addProvider(this, props);
  }

  /**
   * From now on toTerraform() is `skeleton` with `replace` applied to every string and key,
   * instead of cdktf's resolving of the constructs (SkeletonTemplates proves the two agree).
   */
  public useTemplate(skeleton: Record<string, unknown>, replace: (s: string) => string): void {
    this.template = { skeleton, replace };
  }

  public toTerraform(): any { // eslint-disable-line @typescript-eslint/no-explicit-any
    const tf = this.template ? instantiate(this.template.skeleton, this.template.replace) : super.toTerraform();
    this.synthesized = tf;
    return tf;
  }

  /**
   * Synthesizes this stack without its resources as cdktf does (validation, annotations,
   * a cdk.tf.json of backend, provider and variables; a templated stack's cdk.tf.json is
   * not written: recordSynthesis) and returns what the resources are added to
   * (stackFileText), which writes cdk.tf.json in the same layout.
   */
  public synthesizeSkeleton(objects: readonly KubeObject[], session: Parameters<TerraformStack['synthesizer']['synthesize']>[0]): StackFile {
    for (const cr of crsWithCrdInSameStack(objects)) {
      Annotations.of(this).addWarning(
        `${describeObject(cr)}: its CRD is in the same stack; kubernetes_manifest cannot plan it until the CRD exists ` +
        '(install the CRD first, e.g. `tofu apply -target` on the CRD resource, or from an earlier wave)');
    }
    if (!this.template || !recordSynthesis(this, session)) this.synthesizer.synthesize(session);
    const skeleton = this.synthesized ?? this.toTerraform();
    this.synthesized = undefined;
    return {
      file: path.join(session.outdir, session.manifest.forStack(this).synthesizedStackPath),
      skeleton,
      rolloutTimeoutSeconds: this.props.rolloutTimeoutSeconds,
    };
  }
}

/** The strings of a stack's props that differ from cluster to cluster; the rest is its shape. */
interface StackStrings {
  readonly name: string;
  readonly context: string;
  readonly host?: string;
  readonly ca?: string;
}

/** In every placeholder, and in no real value or shape (shapeOf refuses those). */
const PROBE_MARK = 'zzcdkfedprobe';
const PROBE: Required<StackStrings> = { name: `${PROBE_MARK}-name`, context: `${PROBE_MARK}-context`, host: `${PROBE_MARK}-host`, ca: `${PROBE_MARK}-ca` };

/** Every form in which addBackend and addProvider write a stack's strings into its skeleton. */
const STRING_FORMS: ReadonlyArray<(s: StackStrings) => string | undefined> = [
  (s) => varPrefix(s.name), (s) => s.name, (s) => contextExpression(s.context), (s) => s.context, (s) => s.host, (s) => s.ca,
];

/** Each form of the placeholders, to be replaced by the same form of `s` (the placeholders present where `s` has a value). */
export function stackSubstitutions(s: StackStrings): Substitution[] {
  const probe: StackStrings = { name: PROBE.name, context: PROBE.context, ...(s.host !== undefined && { host: PROBE.host }), ...(s.ca !== undefined && { ca: PROBE.ca }) };
  return STRING_FORMS.flatMap((form) => {
    const [p, v] = [form(probe), form(s)];
    return p === undefined || v === undefined ? [] : [[p, v] as const];
  });
}

/**
 * A stack's shape (every prop but its strings, as a key), its strings, and the props of its
 * probe: the shape with placeholders for the strings, and nothing of the cluster beyond
 * name, context and kubeconfig, so that a skeleton that reads anything else disagrees with
 * the real stacks' and is not used. Undefined when the stack's strings could be read as
 * something else than text (a name that is no DNS label, a cdktf token, a placeholder).
 */
function shapeOf(props: ClusterStackProps): { key: string; strings: StackStrings; probe: ClusterStackProps } | undefined {
  const { cluster, endpoint } = props;
  const strings: StackStrings = {
    name: cluster.name, context: cluster.context,
    ...(endpoint && { host: endpoint.host }), ...(endpoint?.clusterCaCertificate !== undefined && { ca: endpoint.clusterCaCertificate }),
  };
  const plain = (v: unknown) => typeof v === 'string' && !v.includes(PROBE_MARK) && !Token.isUnresolved(v);
  if (!isDnsLabel(cluster.name) || !Object.values(strings).every(plain)) return undefined;
  const shape = { federation: props.federation, backend: props.backend, kubeconfig: cluster.kubeconfig, endpoint: endpoint && { ca: strings.ca !== undefined } };
  const key = canonicalJson(shape);
  if (key.includes(PROBE_MARK)) return undefined;
  const probe: ClusterStackProps = {
    federation: props.federation,
    backend: props.backend,
    cluster: { name: PROBE.name, context: PROBE.context, ...(cluster.kubeconfig !== undefined && { kubeconfig: cluster.kubeconfig }) } as ClusterSpec,
    ...(endpoint && { endpoint: { host: PROBE.host, ...(strings.ca !== undefined && { clusterCaCertificate: PROBE.ca }) } }),
    rolloutTimeoutSeconds: Number.NaN, // not in the skeleton; if it ever were, the probe would disagree
  };
  return { key, strings, probe };
}

/**
 * Skeletons by substitution (stack-template.ts): per shape, cdktf resolves a probe stack
 * built with placeholder strings, and the first real stack of the shape. Only if the probe's
 * skeleton with that stack's strings put in is byte for byte what cdktf gave for it do the
 * other stacks of the shape get theirs the same way, unprepared and unresolved (neither
 * changes a stack that references no other stack); else cdktf renders each. A fleet has
 * one or a few shapes, so cdktf resolves a few stacks instead of every one.
 */
class SkeletonTemplates {
  /** Per shape key: the probe's skeleton, or null where it disagreed. */
  private readonly shapes = new Map<string, Record<string, unknown> | null>();

  constructor(private readonly outdir: string) {}

  /** Prepares `stack` and returns 'prepared', or gives it its template ('templated'), or neither ('unprepared'). */
  public adopt(stack: ClusterStack): 'prepared' | 'templated' | 'unprepared' {
    const shape = shapeOf(stack.props);
    if (!shape) return 'unprepared';
    const known = this.shapes.get(shape.key);
    if (known === null) return 'unprepared';
    const replace = substituter(stackSubstitutions(shape.strings));
    if (known) {
      stack.useTemplate(known, replace);
      return 'templated';
    }
    // An app of its own (nothing is written unless it is synthesized): the probe is no stack of the output.
    const probe = new ClusterStack(new App({ outdir: this.outdir, stackTraces: false }), shape.probe);
    probe.prepareStack();
    const skeleton = probe.toTerraform() as Record<string, unknown>;
    stack.prepareStack();
    const agrees = cdktfJson(instantiate(skeleton, replace)) === cdktfJson(stack.toTerraform());
    this.shapes.set(shape.key, agrees ? skeleton : null);
    return 'prepared';
  }
}


/** Where cdktf keeps a construct's custom synthesis (assets): a stack holding one is synthesized by cdktf. */
const CUSTOM_SYNTHESIS = Symbol.for('cdktf/customSynthesis');
const ANNOTATION_LEVELS: ReadonlySet<string> = new Set([AnnotationMetadataEntryType.INFO, AnnotationMetadataEntryType.WARN, AnnotationMetadataEntryType.ERROR]);

/**
 * What cdktf's StackSynthesizer.synthesize leaves of a templated stack, whose skeleton is
 * known without it: validations run, and the stack's entry in manifest.json with its
 * annotations, but no cdk.tf.json (its folder neither): the caller writes that once, with
 * the resources (stackFileText). False, having done nothing, for a stack where cdktf's
 * synthesis has more to do (aspects, custom synthesis, resources that moved, an error
 * annotation, which cdktf reports): cdktf synthesizes that one.
 * test/unit/synth/terraform-stack.test.ts compares every file with cdktf's synthesis.
 */
function recordSynthesis(stack: TerraformStack, session: Parameters<TerraformStack['synthesizer']['synthesize']>[0]): boolean {
  const nodes = stack.node.findAll();
  if (nodes.some((c) => Aspects.of(c).all.length > 0 || CUSTOM_SYNTHESIS in c) || stack.hasResourceMove()) return false;
  const annotations = nodes.flatMap((c) => c.node.metadata.filter((m) => ANNOTATION_LEVELS.has(m.type))
    .map((m) => ({ constructPath: c.node.path, level: m.type as AnnotationMetadataEntryType, message: m.data, stacktrace: m.trace })));
  if (annotations.some((a) => a.level === AnnotationMetadataEntryType.ERROR)) return false;
  if (!session.skipValidation) stack.runAllValidations();
  // readonly in cdktf's types; its synthesizer sets it the same way
  (session.manifest.forStack(stack) as { annotations: unknown }).annotations = annotations;
  return true;
}

/**
 * Terraform runs in <outdir>/stacks/<cluster>. Relative paths of the registry (kubeconfig)
 * mean the project directory, the one holding the output directory, as for `cdkfed deploy`.
 */
const PROJECT_DIR = '../../..';
function fromStackDir(p: string): string {
  return path.isAbsolute(p) || p.startsWith('~') ? p : `${PROJECT_DIR}/${p}`;
}

/** Terraform names allow `-`, but TF_VAR_eu-west-1_host is awkward in a shell. */
function varPrefix(cluster: string): string {
  return cluster.replace(/-/g, '_');
}

/** The context as a string literal inside a Terraform expression. */
function contextExpression(context: string): string {
  return escapeTemplate(JSON.stringify(context));
}

/**
 * Kubeconfig and context by default, as `cdkfed deploy` does. In a pipeline without a
 * kubeconfig, setting `<cluster>_host` (and CA, token) switches the provider to them;
 * the token is a sensitive variable, so no credential is ever written out.
 */
function addProvider(stack: ClusterStack, props: ClusterStackProps): void {
  const cluster = props.cluster;
  const p = varPrefix(cluster.name);
  const variable = (name: string, cfg: ConstructorParameters<typeof TerraformVariable>[2]) => {
    const { default: def, ...rest } = cfg;
    const v = new TerraformVariable(stack, name, def === null ? rest : cfg);
    v.overrideLogicalId(name);
    // cdktf drops a null default, which would make the variable required
    if (def === null) v.addOverride('default', null);
  };
  variable('kubeconfig', {
    type: 'string',
    default: cluster.kubeconfig ? fromStackDir(cluster.kubeconfig) : '~/.kube/config',
    description: 'kubeconfig file holding the cluster context (TF_VAR_kubeconfig=$KUBECONFIG to follow cdkfed deploy)',
  });
  variable(`${p}_host`, {
    type: 'string',
    default: props.endpoint?.host ?? null,
    nullable: true,
    description: `API server of ${cluster.name}; when set, the provider ignores the kubeconfig and uses host, CA and token`,
  });
  variable(`${p}_cluster_ca_certificate`, {
    type: 'string',
    default: props.endpoint?.clusterCaCertificate ?? null,
    nullable: true,
    description: `PEM CA bundle of ${cluster.name}'s API server`,
  });
  variable(`${p}_token`, { type: 'string', default: null, nullable: true, sensitive: true, description: `bearer token for ${cluster.name}` });

  const viaKubeconfig = (expr: string) => `\${var.${p}_host == null ? ${expr} : null}`;
  new KubernetesProvider(stack, 'kubernetes', {
    configPath: viaKubeconfig('var.kubeconfig'),
    configContext: viaKubeconfig(contextExpression(cluster.context)),
    host: `\${var.${p}_host}`,
    clusterCaCertificate: `\${var.${p}_cluster_ca_certificate}`,
    token: `\${var.${p}_token}`,
  });
}

/**
 * One state per cluster. Local state sits beside the output directory, where cdktf puts
 * it by default, so deleting cdktf.out/ never loses state; the path is relative so that
 * cdk.tf.json does not embed this machine's directories. Remote backends get the
 * cluster name in their key.
 */
function addBackend(stack: ClusterStack, props: ClusterStackProps): void {
  const c = props.cluster;
  const b = props.backend;
  const prefix = `cdkfed/${props.federation}`;
  switch (b.type) {
    case 'local':
      new LocalBackend(stack, { path: `${PROJECT_DIR}/terraform.${c.name}.tfstate` });
      return;
    case 's3': {
      const s3 = new S3Backend(stack, {
        bucket: b.bucket, region: b.region, key: `${b.keyPrefix ?? prefix}/${c.name}.tfstate`, encrypt: true,
        ...(b.dynamodbTable !== undefined && { dynamodbTable: b.dynamodbTable }),
      });
      // S3-native locking (Terraform/OpenTofu >= 1.10) when no DynamoDB table is given
      if (b.dynamodbTable === undefined) s3.addOverride('use_lockfile', true);
      return;
    }
    case 'gcs':
      new GcsBackend(stack, { bucket: b.bucket, prefix: `${b.prefix ?? prefix}/${c.name}` });
      return;
    case 'kubernetes': {
      // a named context keeps every state in that (management) cluster; otherwise each
      // cluster keeps its own state, reached like the provider reaches it
      const shared = b.configContext !== undefined;
      const configPath = shared ? b.configPath : (b.configPath ?? c.kubeconfig);
      new KubernetesBackend(stack, {
        secretSuffix: `${b.secretSuffixPrefix ?? `${props.federation}-`}${c.name}`,
        namespace: b.namespace,
        configPath: configPath === undefined ? undefined : fromStackDir(configPath),
        configContext: shared ? b.configContext : c.context,
      });
      return;
    }
  }
}
