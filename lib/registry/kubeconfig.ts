/**
 * Reading kubeconfig files as plain YAML: the contexts they name and the server of each.
 * No cluster is contacted and @kubernetes/client-node is not used (lib/cluster/client.ts is
 * its only importer): synth and `cdkfed init` must work without cluster access.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { FederationError, FederationWarning } from '../errors';
import { ClusterSpec } from './types';

/** One context of a kubeconfig. */
export interface KubeconfigContext {
  readonly name: string;
  /** The cluster entry the context points at. */
  readonly cluster?: string;
  /** That cluster's API server URL. */
  readonly server?: string;
}

export interface Kubeconfig {
  readonly file: string;
  /** In file order. */
  readonly contexts: readonly KubeconfigContext[];
  readonly currentContext?: string;
}

/** `~` and `~/…` expanded to the home folder, as kubectl does. */
export function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

/** The files kubectl would read when no kubeconfig is named: each of $KUBECONFIG, else ~/.kube/config. */
export function defaultKubeconfigFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  return env.KUBECONFIG
    ? env.KUBECONFIG.split(path.delimiter).filter(Boolean).map(expandHome)
    : [path.join(os.homedir(), '.kube', 'config')];
}

/** Reads a kubeconfig; throws KUBECONFIG_UNREADABLE (missing, unreadable) or KUBECONFIG_INVALID (not a kubeconfig). */
export function readKubeconfig(file: string): Kubeconfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new FederationError('KUBECONFIG_UNREADABLE', file, `cannot read the kubeconfig: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      'name an existing kubeconfig file (`kubectl config view` shows the one in use)');
  }
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (e) {
    throw new FederationError('KUBECONFIG_INVALID', file, `is not valid YAML: ${(e as Error).message.split('\n')[0]}`, 'fix the file, or name another kubeconfig');
  }
  if (doc === null || doc === undefined) return { file, contexts: [] };
  const obj = doc as { contexts?: unknown; clusters?: unknown; 'current-context'?: unknown };
  if (typeof doc !== 'object' || Array.isArray(doc) || (obj.contexts !== undefined && obj.contexts !== null && !Array.isArray(obj.contexts))) {
    throw new FederationError('KUBECONFIG_INVALID', file, 'is not a kubeconfig (expected a map with a `contexts:` list)', 'name a kubeconfig file, e.g. ~/.kube/config');
  }
  const servers = new Map<string, string>();
  for (const c of Array.isArray(obj.clusters) ? obj.clusters : []) {
    if (c && typeof c.name === 'string' && typeof c.cluster?.server === 'string') servers.set(c.name, c.cluster.server);
  }
  const contexts: KubeconfigContext[] = [];
  for (const c of (obj.contexts as unknown[] | undefined) ?? []) {
    const entry = c as { name?: unknown; context?: { cluster?: unknown } } | null;
    if (!entry || typeof entry.name !== 'string' || !entry.name) continue;
    const cluster = typeof entry.context?.cluster === 'string' ? entry.context.cluster : undefined;
    const server = cluster ? servers.get(cluster) : undefined;
    contexts.push({ name: entry.name, ...(cluster ? { cluster } : {}), ...(server ? { server } : {}) });
  }
  const current = obj['current-context'];
  return { file, contexts, ...(typeof current === 'string' && current ? { currentContext: current } : {}) };
}

/**
 * Warnings, at synth, for registry clusters whose context is not in the kubeconfig that
 * deploy would use (the cluster's own `kubeconfig`, else $KUBECONFIG or ~/.kube/config). Synth
 * needs no cluster access, so these are warnings, never errors; when no default kubeconfig
 * exists at all (a pipeline's synth step), nothing is said: there is nothing to compare with.
 */
export function checkContexts(clusters: readonly ClusterSpec[], env: NodeJS.ProcessEnv = process.env): FederationWarning[] {
  const warnings: FederationWarning[] = [];
  const groups = new Map<string, ClusterSpec[]>();
  for (const c of clusters) {
    const key = c.kubeconfig ?? '';
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const [named, members] of groups) { // in registry order of each group's first cluster
    let files: string[];
    let shown: string;
    if (named) {
      files = [path.resolve(expandHome(named))];
      shown = named;
      if (!fs.existsSync(files[0])) {
        warnings.push({
          code: 'KUBECONFIG_NOT_FOUND', where: `cluster${members.length > 1 ? 's' : ''} ${members.map((m) => m.name).join(', ')}`,
          message: `kubeconfig "${named}" named in the registry does not exist; deploy, plan and drift will fail to reach ${members.length > 1 ? 'these clusters' : 'this cluster'}`,
          hint: 'fix `kubeconfig` in the registry, or remove it to use $KUBECONFIG or ~/.kube/config',
        });
        continue;
      }
    } else {
      files = defaultKubeconfigFiles(env).filter((f) => fs.existsSync(f));
      if (files.length === 0) continue;
      shown = env.KUBECONFIG ? `$KUBECONFIG (${env.KUBECONFIG})` : '~/.kube/config';
    }
    const have = new Set<string>();
    let unreadable: string | undefined;
    for (const f of files) {
      try {
        for (const c of readKubeconfig(f).contexts) have.add(c.name);
      } catch (e) {
        unreadable = (e as Error).message.split('\n')[0];
      }
    }
    if (unreadable && have.size === 0) {
      warnings.push({ code: 'KUBECONFIG_UNREADABLE', where: members.map((m) => `cluster ${m.name}`).join(', '), message: `cannot check the contexts: ${unreadable}`,
        hint: 'fix the kubeconfig; deploy, plan and drift read it' });
      continue;
    }
    const list = [...have].sort();
    const listed = list.length === 0 ? 'none' : list.length > 8 ? `${list.slice(0, 8).join(', ')}, … (${list.length})` : list.join(', ');
    for (const m of members) {
      if (have.has(m.context)) continue;
      warnings.push({
        code: 'CONTEXT_NOT_IN_KUBECONFIG', where: `cluster ${m.name}`,
        message: `context "${m.context}" is not in kubeconfig ${shown} (it has: ${listed}); synth does not need it, but deploy, plan and drift will fail for this cluster`,
        hint: 'set `context` of this cluster in the registry to one of the kubeconfig\'s contexts (`kubectl config get-contexts`), or add the context to the kubeconfig',
      });
    }
  }
  return warnings;
}
