import { App, AppProps } from 'cdk8s';
import { FederationError, formatWarning } from './errors';
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
   * Worker threads that write a fleet's files; 0 writes them on the main thread.
   * @default - $CDKFED_SYNTH_THREADS, else one per core (at most 4) from 8 clusters up
   */
  readonly synthThreads?: number;
  /**
   * @deprecated No effect. `cdkfed synth` prints a FederationError of the app it runs as a
   * clean message (`error CODE: …`) and exits 1; a library does not install process handlers.
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
 * What the process that runs the app is told through its environment: `cdkfed synth` (and
 * `cdk8s synth`, `cdktf synth`) set the output folders. Read in one place, where the app's
 * program starts (FederationApp's constructor); everything below gets options.
 */
interface SynthEnvironment {
  readonly outdir?: string;
  readonly terraformOutdir?: string | false;
  readonly synthThreads?: number;
}

function synthEnvironment(env: NodeJS.ProcessEnv): SynthEnvironment {
  const threads = env.CDKFED_SYNTH_THREADS;
  return {
    outdir: env.CDKFED_OUTDIR ?? env.CDK8S_OUTDIR,
    terraformOutdir: env.CDKFED_TERRAFORM === '0' ? false : env.CDKTF_OUTDIR,
    synthThreads: threads !== undefined && threads !== '' ? Math.max(0, Math.floor(Number(threads)) || 0) : undefined,
  };
}

/**
 * The root of a cdk-federation program: a cdk8s App whose synth() writes, for its
 * Federation, dist/<cluster>/*.yaml, dist/federation.json and cdktf.out/, all or nothing.
 * Output folders follow $CDKFED_OUTDIR, then $CDK8S_OUTDIR (set by `cdk8s synth`).
 */
export class FederationApp extends App {
  public readonly terraformOutdir: string | false;
  private readonly contextCheck: boolean;
  private readonly synthThreads?: number;
  private readonly env: NodeJS.ProcessEnv;

  constructor(props: FederationAppProps = {}) {
    const env = process.env;
    const fromEnv = synthEnvironment(env);
    super({ ...props, outdir: props.outdir ?? fromEnv.outdir ?? 'dist' });
    this.env = env;
    this.terraformOutdir = props.terraformOutdir ?? fromEnv.terraformOutdir ?? 'cdktf.out';
    this.synthThreads = props.synthThreads ?? fromEnv.synthThreads;
    this.contextCheck = props.checkContexts ?? true;
  }

  public synth(): void {
    const feds = this.node.findAll().filter((c): c is Federation => c instanceof Federation);
    if (feds.length !== 1) {
      throw new FederationError('FEDERATION_COUNT', this.node.path || 'App', `a FederationApp holds ${feds.length} federations`,
        'declare exactly one Federation per app (use one app per federation)');
    }
    const source = feds[0].toSource();
    for (const w of feds[0].warnings) process.stderr.write(`${formatWarning(w)}\n`);
    if (this.contextCheck) for (const w of checkContexts(feds[0].registry.clusters, this.env)) process.stderr.write(`${formatWarning(w)}\n`);
    writeOutputs(source, { outdir: this.outdir, terraformOutdir: this.terraformOutdir, threads: this.synthThreads });
  }
}
