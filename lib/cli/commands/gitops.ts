import * as path from 'path';
import { readInventory } from '../../inventory/read';
import { Engine, ArgoMode, Promotion } from '../../gitops/options';
import { renderGitops } from '../../gitops/render';
import { writeGitops } from '../../gitops/write';
import { connectHub } from '../../gitops/hub';
import { promote, renderPromotion } from '../../gitops/promote';
import { gitopsStatus, renderStatus, statusExitCode } from '../../gitops/status';

export interface GitopsFlags {
  readonly engine: Engine;
  readonly dist: string;
  readonly out: string;
  readonly repoUrl: string;
  readonly ref: string;
  readonly pathPrefix?: string;
  readonly interval: string;
  readonly argocdMode: ArgoMode;
  readonly promotion: Promotion;
  readonly ignoreBakeTime?: boolean;
  readonly hub?: string;
  readonly namespace?: string;
}

/** `cdkfed gitops`: dist/ rendered for Flux or Argo CD into --out, all or nothing; 0 written, 1 error. */
export function gitopsCommand(flags: GitopsFlags): number {
  const inv = readInventory(flags.dist);
  const files = renderGitops(inv, {
    engine: flags.engine,
    repoUrl: flags.repoUrl,
    ref: flags.ref,
    // By default the folder sits where --out says, relative to the repository root (the working directory).
    pathPrefix: flags.pathPrefix ?? defaultPrefix(flags.out),
    interval: flags.interval,
    argocdMode: flags.argocdMode,
    promotion: flags.promotion,
    ignoreBakeTime: flags.ignoreBakeTime,
    ...(flags.hub !== undefined ? { hub: flags.hub } : {}),
    ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}),
  });
  writeGitops(flags.out, files);
  const waves = inv.waves.filter((w) => w.clusters.length > 0).length;
  process.stdout.write(`wrote ${flags.out}/ for ${flags.engine === 'flux' ? 'Flux' : 'Argo CD'}: ${inv.clusters.size} clusters in ${waves} waves, ${files.length} files\n`);
  process.stdout.write(flags.promotion === 'engine'
    ? `waves are ordered by ${flags.engine === 'flux' ? 'dependsOn' : 'RollingSync'}; commit ${flags.out}/ and apply ${flags.out}/${flags.engine}/ to the hub\n`
    : `each wave reads its own release branch (see ${flags.out}/gitops.json); commit ${flags.out}/, apply ${flags.out}/${flags.engine}/ to the hub, then run \`cdkfed gitops promote\`\n`);
  return 0;
}

function defaultPrefix(out: string): string {
  const rel = path.relative(process.cwd(), path.resolve(out));
  return rel.startsWith('..') || path.isAbsolute(rel) ? path.basename(out) : rel.split(path.sep).join('/');
}

/** Where the release is and how to reach the hub: what promote and status share. */
export interface GitopsHubFlags {
  readonly repo: string;
  readonly ref: string;
  readonly pathPrefix: string;
  readonly kubeconfig?: string;
  readonly context: string;
  readonly output: 'text' | 'json';
}

export interface GitopsPromoteFlags extends GitopsHubFlags {
  readonly wave?: string;
}

/** `cdkfed gitops promote`: 0 promoted or already up to date, 1 error or a failed gate (after rollback). */
export async function gitopsPromoteCommand(flags: GitopsPromoteFlags): Promise<number> {
  const hub = connectHub(flags.context, { kubeconfig: flags.kubeconfig, kubeconfigEnv: process.env.KUBECONFIG });
  try {
    const report = await promote({
      repo: flags.repo, ref: flags.ref, pathPrefix: flags.pathPrefix, hub, ...(flags.wave !== undefined ? { upToWave: flags.wave } : {}),
      onEvent: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(renderPromotion(report, flags.output));
    return report.outcome === 'failed' ? 1 : 0;
  } finally {
    hub.close();
  }
}

export type GitopsStatusFlags = GitopsHubFlags;

/** `cdkfed gitops status`: 0 every cluster runs the release, 2 some do not (yet), 1 error. */
export async function gitopsStatusCommand(flags: GitopsStatusFlags): Promise<number> {
  const hub = connectHub(flags.context, { kubeconfig: flags.kubeconfig, kubeconfigEnv: process.env.KUBECONFIG });
  try {
    const st = await gitopsStatus({ repo: flags.repo, ref: flags.ref, pathPrefix: flags.pathPrefix, hub });
    process.stdout.write(renderStatus(st, flags.output));
    return statusExitCode(st);
  } finally {
    hub.close();
  }
}
