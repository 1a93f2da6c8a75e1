/**
 * The one module that imports cdktf and its Kubernetes provider bindings.
 *
 * cdktf is archived upstream; its community fork (cdktn) exports the same symbols, so a
 * move is a change of the two module names below and nothing else in the library.
 * The provider is imported per submodule: its index loads all ~100 resource bindings,
 * which costs seconds of start-up for the two classes we use.
 */
import { Construct } from 'constructs';
import { DataTerraformRemoteStateConfig, TerraformBackend, TerraformRemoteState } from 'cdktf';

export {
  App,
  AnnotationMetadataEntryType,
  Annotations,
  Aspects,
  GcsBackend,
  LocalBackend,
  S3Backend,
  TerraformBackend,
  TerraformStack,
  TerraformVariable,
  TerraformOutput,
  Token,
} from 'cdktf';
export { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
export type { ManifestConfig } from '@cdktf/provider-kubernetes/lib/manifest';
export { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
export type { KubernetesProviderConfig } from '@cdktf/provider-kubernetes/lib/provider';

/** Settings of Terraform's `kubernetes` backend (state in a Secret `tfstate-<workspace>-<secret_suffix>`). */
export interface KubernetesBackendConfig {
  readonly secretSuffix: string;
  readonly namespace?: string;
  readonly configPath?: string;
  readonly configContext?: string;
}

/**
 * Terraform's `kubernetes` state backend. cdktf 0.21 dropped its binding, so it is
 * declared here; the attributes are Terraform's own.
 */
export class KubernetesBackend extends TerraformBackend {
  constructor(scope: Construct, private readonly props: KubernetesBackendConfig) {
    super(scope, 'backend', 'kubernetes');
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    const p = this.props;
    return {
      secret_suffix: p.secretSuffix,
      ...(p.namespace !== undefined && { namespace: p.namespace }),
      ...(p.configPath !== undefined && { config_path: p.configPath }),
      ...(p.configContext !== undefined && { config_context: p.configContext }),
    };
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return this.synthesizeAttributes();
  }

  public getRemoteStateDataSource(scope: Construct, name: string, _fromStack: string): TerraformRemoteState {
    return new DataTerraformRemoteStateKubernetes(scope, name, { ...this.synthesizeAttributes() });
  }
}

class DataTerraformRemoteStateKubernetes extends TerraformRemoteState {
  constructor(scope: Construct, id: string, config: DataTerraformRemoteStateConfig & Record<string, unknown>) {
    super(scope, id, 'kubernetes', config);
  }
}

/**
 * Runs `fn` without the creation stack cdktf records for every token: it captures the
 * full stack (`Error.stackTraceLimit = MAX`) only to decorate resolution errors, and that
 * is more than half of synth time. With `prepareStackTrace` returning '' the capture
 * yields no frames. V8 formats other errors' stacks lazily, so errors thrown in `fn` still
 * carry their stack when read afterwards.
 */
export function withoutCreationStacks<T>(fn: () => T): T {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = () => '';
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = previous;
  }
}
