/**
 * The cdktf app: one stack per cluster, each with its own kubernetes provider, its own
 * state, and one kubernetes_manifest per object of the cluster's chart.
 */
import * as path from 'path';
import { Construct } from 'constructs';
import {
  Annotations, App, GcsBackend, KubernetesBackend, KubernetesProvider, LocalBackend, Manifest, S3Backend, TerraformStack,
  TerraformVariable, withoutCreationStacks,
} from './cdktf';
import { describeObject } from '../kube/object';
import { ClusterManifests, FederationModel, TerraformBackend, TerraformClusterEndpoint } from './model';
import {
  crsWithCrdInSameStack, dependencies, escapeTemplate, logicalIds, TERRAFORM_FIELD_MANAGER, toManifest, waitFor,
} from './terraform-objects';

/**
 * Builds the app and writes `<outdir>/manifest.json` and `<outdir>/stacks/*`; returns the
 * stack names. Every stack of a wave depends on every stack of the previous (non-empty)
 * wave, so `cdktf deploy '*'` goes wave by wave. The model is validated by the caller.
 */
export function synthStacks(model: FederationModel, outdir: string): string[] {
  return withoutCreationStacks(() => {
    const app = new App({ outdir, stackTraces: false });
    const stacks = new Map<string, TerraformStack>();
    for (const m of model.clusters) {
      const wave = model.waves.find((w) => w.name === m.wave)!;
      stacks.set(m.cluster.name, new ClusterStack(app, {
        federation: model.name,
        manifests: m,
        backend: model.terraform.backend ?? { type: 'local' },
        endpoint: model.terraform.endpoints?.[m.cluster.name],
        rolloutTimeoutSeconds: wave.healthTimeoutSeconds,
      }));
    }
    let previous: TerraformStack[] = [];
    for (const wave of model.waves) {
      const current = model.clusters.filter((m) => m.wave === wave.name).map((m) => stacks.get(m.cluster.name)!);
      if (current.length === 0) continue;
      for (const s of current) for (const p of previous) s.addDependency(p);
      previous = current;
    }
    app.synth();
    return [...stacks.keys()];
  });
}

export interface ClusterStackProps {
  readonly federation: string;
  readonly manifests: ClusterManifests;
  readonly backend: TerraformBackend;
  readonly endpoint?: TerraformClusterEndpoint;
  /** How long a workload may take to roll out (the wave's health timeout). */
  readonly rolloutTimeoutSeconds: number;
}

/**
 * kubernetes_manifest without cdktf's per-resource `"//"` metadata (construct path and
 * ID, which here repeat the resource address): six lines less per object in review.
 */
class KubeObjectResource extends Manifest {
  public toTerraform(): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const tf = super.toTerraform();
    delete tf.resource[Manifest.tfResourceType][this.friendlyUniqueId]['//'];
    return tf;
  }
}

export class ClusterStack extends TerraformStack {
  constructor(scope: Construct, props: ClusterStackProps) {
    const cluster = props.manifests.cluster;
    super(scope, cluster.name);
    addBackend(this, props);
    addProvider(this, props);

    const objects = props.manifests.objects;
    const ids = logicalIds(objects, `cluster ${cluster.name}`);
    const deps = dependencies(objects);
    const timeout = `${props.rolloutTimeoutSeconds}s`;
    objects.forEach((obj, i) => {
      const wait = waitFor(obj);
      const r = new KubeObjectResource(this, ids[i], {
        manifest: toManifest(obj),
        fieldManager: { name: TERRAFORM_FIELD_MANAGER },
        ...(wait && { wait: 'rollout' in wait ? { rollout: true } : { condition: [wait.condition] } }),
        ...(wait && { timeouts: { create: timeout, update: timeout } }),
      });
      r.overrideLogicalId(ids[i]);
      // by address: a workload may come before its ConfigMap in the model's order
      if (deps[i].length > 0) r.dependsOn = deps[i].map((d) => `${Manifest.tfResourceType}.${ids[d]}`);
    });

    for (const cr of crsWithCrdInSameStack(objects)) {
      Annotations.of(this).addWarning(
        `${describeObject(cr)}: its CRD is in the same stack; kubernetes_manifest cannot plan it until the CRD exists ` +
        '(install the CRD first, e.g. `tofu apply -target` on the CRD resource, or from an earlier wave)');
    }
  }
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

/**
 * Kubeconfig and context by default, as `cdkfed deploy` does. In a pipeline without a
 * kubeconfig, setting `<cluster>_host` (and CA, token) switches the provider to them;
 * the token is a sensitive variable, so no credential is ever written out.
 */
function addProvider(stack: ClusterStack, props: ClusterStackProps): void {
  const cluster = props.manifests.cluster;
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
    configContext: viaKubeconfig(escapeTemplate(JSON.stringify(cluster.context))),
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
  const c = props.manifests.cluster;
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
