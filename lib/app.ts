import { App, AppProps } from 'cdk8s';
import { FederationError, formatWarning, isFederationError } from './errors';
import { Federation } from './federation';
import { checkContexts } from './registry/kubeconfig';
import { writeOutputs } from './synth/write';

export interface FederationAppProps extends AppProps {
  /**
   * Folder of the cdktf output.
   * @default - $CDKTF_OUTDIR, else 'cdktf.out'; none when $CDKFED_TERRAFORM is '0'
   */
  readonly terraformOutdir?: string | false;
  /**
   * Print a FederationError as a clean message and exit 1, instead of a stack trace.
   * @default true
   */
  readonly exitOnError?: boolean;
  /**
   * Warn (stderr) about registry clusters whose context is not in the kubeconfig deploy would
   * use. Never an error: synth works without cluster access.
   * @default true
   */
  readonly checkContexts?: boolean;
}

/**
 * The root of a cdk-federation program: a cdk8s App whose synth() writes, for its
 * Federation, dist/<cluster>/*.yaml, dist/federation.json and cdktf.out/, all or nothing.
 * Output folders follow $CDKFED_OUTDIR, then $CDK8S_OUTDIR (set by `cdk8s synth`).
 */
export class FederationApp extends App {
  public readonly terraformOutdir: string | false;
  private readonly contextCheck: boolean;

  constructor(props: FederationAppProps = {}) {
    super({ ...props, outdir: props.outdir ?? process.env.CDKFED_OUTDIR ?? process.env.CDK8S_OUTDIR ?? 'dist' });
    this.terraformOutdir = props.terraformOutdir ?? (process.env.CDKFED_TERRAFORM === '0' ? false : process.env.CDKTF_OUTDIR ?? 'cdktf.out');
    this.contextCheck = props.checkContexts ?? true;
    if (props.exitOnError ?? true) installErrorHandler();
  }

  public synth(): void {
    const feds = this.node.findAll().filter((c): c is Federation => c instanceof Federation);
    if (feds.length !== 1) {
      throw new FederationError('FEDERATION_COUNT', this.node.path || 'App', `a FederationApp holds ${feds.length} federations`,
        'declare exactly one Federation per app (use one app per federation)');
    }
    const source = feds[0].toSource();
    for (const w of feds[0].warnings) process.stderr.write(`${formatWarning(w)}\n`);
    if (this.contextCheck) for (const w of checkContexts(feds[0].registry.clusters)) process.stderr.write(`${formatWarning(w)}\n`);
    writeOutputs(source, { outdir: this.outdir, terraformOutdir: this.terraformOutdir });
  }
}

let installed = false;
function installErrorHandler(): void {
  if (installed) return;
  installed = true;
  process.on('uncaughtException', (e) => {
    if (isFederationError(e)) {
      process.stderr.write(`error ${e.code}: ${e.message}\n`);
    } else {
      process.stderr.write(`${e.stack ?? e}\n`);
    }
    process.exit(1);
  });
}
