/**
 * What `cdkfed gitops` renders for: the engine, where the GitOps repository is, and who
 * promotes waves. Validated here once; the renderers take the result as given.
 */
import { FederationError } from '../errors';

export type Engine = 'flux' | 'argocd';
export type ArgoMode = 'applicationset' | 'applications';
/**
 * Who moves a release from wave to wave.
 * - `cdkfed`: every batch of a wave reads its own release branch, which only
 *   `cdkfed gitops promote` advances (bake time, health gates and rollback kept).
 * - `engine`: every cluster reads `ref`; the engine orders the waves (Flux dependsOn,
 *   Argo CD RollingSync), with no bake time and no rollback.
 */
export type Promotion = 'cdkfed' | 'engine';

export interface GitopsOptions {
  readonly engine: Engine;
  /** URL the engine clones the GitOps repository from. */
  readonly repoUrl: string;
  /** Branch the merged output lands on. @default 'main' */
  readonly ref?: string;
  /** Folder of the output inside the repository. @default 'gitops' */
  readonly pathPrefix?: string;
  /** How often the engine fetches and re-applies (Go duration). @default '10m' */
  readonly interval?: string;
  /** @default 'applicationset' */
  readonly argocdMode?: ArgoMode;
  /** @default 'cdkfed' */
  readonly promotion?: Promotion;
  /** With promotion `engine`: render although waves have a bake time nobody will wait for. @default false */
  readonly ignoreBakeTime?: boolean;
  /** The cluster the engine runs in: it applies there without a kubeconfig Secret. @default none (every cluster is remote) */
  readonly hub?: string;
  /** Namespace of the engine's objects. @default 'flux-system' for Flux, 'argocd' for Argo CD */
  readonly namespace?: string;
}

export type ResolvedOptions = Required<Omit<GitopsOptions, 'hub'>> & Pick<GitopsOptions, 'hub'>;

const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** What git accepts in a branch name, narrowed to the safe part (check-ref-format). */
const REF = /^(?!\/|.*\/\/|.*\.\.|.*\/$|.*\.lock$|.*@\{)[A-Za-z0-9._/-]+$/;

export function resolveOptions(o: GitopsOptions): ResolvedOptions {
  const where = 'cdkfed gitops';
  const bad = (flag: string, value: unknown, fix: string): never => {
    throw new FederationError('INVALID_FLAG', where, `${flag} ${JSON.stringify(value)} is not valid`, fix);
  };
  if (o.engine === undefined) throw new FederationError('INVALID_FLAG', where, '--engine is missing', 'add --engine flux or --engine argocd');
  if (!o.repoUrl) throw new FederationError('INVALID_FLAG', where, '--repo-url is missing', 'give the URL the engine clones the GitOps repository from, e.g. --repo-url https://github.com/acme/fleet.git');
  if (o.engine !== 'flux' && o.engine !== 'argocd') bad('--engine', o.engine, 'use --engine flux or --engine argocd');
  if (!o.repoUrl || /\s/.test(o.repoUrl)) bad('--repo-url', o.repoUrl ?? '', 'give the URL the engine clones the GitOps repository from, e.g. --repo-url https://github.com/acme/fleet.git');
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(o.repoUrl)) {
    throw new FederationError('INVALID_FLAG', where, '--repo-url holds a password; it would be written into the output', 'give the URL without credentials and let the engine read them from a Secret (Flux: GitRepository spec.secretRef; Argo CD: a repository Secret)');
  }
  const ref = o.ref ?? 'main';
  if (!REF.test(ref)) bad('--ref', ref, 'give a branch name, e.g. --ref main');
  const pathPrefix = normalizePrefix(o.pathPrefix ?? 'gitops', bad);
  const interval = o.interval ?? '10m';
  if (!GO_DURATION.test(interval)) bad('--interval', interval, 'give a Go duration, e.g. --interval 10m or --interval 1h30m');
  const argocdMode = o.argocdMode ?? 'applicationset';
  if (argocdMode !== 'applicationset' && argocdMode !== 'applications') bad('--argocd-mode', argocdMode, 'use applicationset or applications');
  const promotion = o.promotion ?? 'cdkfed';
  if (promotion !== 'cdkfed' && promotion !== 'engine') bad('--promotion', promotion, 'use cdkfed (waves promoted by `cdkfed gitops promote`) or engine');
  const namespace = o.namespace ?? (o.engine === 'flux' ? 'flux-system' : 'argocd');
  if (!DNS_LABEL.test(namespace)) bad('--namespace', namespace, 'give a namespace name (a DNS label)');
  return { engine: o.engine, repoUrl: o.repoUrl, ref, pathPrefix, interval, argocdMode, promotion, ignoreBakeTime: !!o.ignoreBakeTime, namespace, ...(o.hub !== undefined ? { hub: o.hub } : {}) };
}

/** 'gitops', './gitops/', '' → 'gitops', 'gitops', '' (a path inside the repository, never leaving it). */
function normalizePrefix(p: string, bad: (flag: string, value: unknown, fix: string) => never): string {
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  if (p.startsWith('/') || parts.includes('..') || parts.some((s) => !/^[A-Za-z0-9._-]+$/.test(s))) {
    bad('--path-prefix', p, 'give a relative folder inside the repository, e.g. --path-prefix deploy/gitops');
  }
  return parts.join('/');
}

/** A number of seconds as a Go duration: 600 → '10m', 90 → '90s', 3600 → '1h'. */
export function goDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s > 0 && s % 3600 === 0) return `${s / 3600}h`;
  if (s > 0 && s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}
