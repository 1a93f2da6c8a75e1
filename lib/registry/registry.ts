import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { z } from 'zod';
import { FederationError } from '../errors';
import { isDnsLabel, isLabelKey, isLabelValue } from '../k8s-names';
import { ClusterSpec, RESERVED_LABEL_KEYS } from './types';

/** The file format of clusters.yaml, checked strictly: unknown keys are errors, not ignored. */
const clusterSchema = z.strictObject({
  name: z.string(),
  region: z.string().min(1),
  zone: z.string().min(1).optional(),
  provider: z.string().min(1),
  jurisdiction: z.string().min(1),
  labels: z.record(z.string(), z.string()).optional(),
  context: z.string().min(1),
  kubeconfig: z.string().min(1).optional(),
  capacity: z.number().optional(),
  role: z.enum(['primary', 'standby', 'canary']).optional(),
});

const fileSchema = z.strictObject({
  apiVersion: z.literal('cdk-federation.io/v1alpha1').optional(),
  kind: z.literal('ClusterRegistry').optional(),
  clusters: z.array(z.unknown()),
});

/** A cluster as written by hand: capacity and role have defaults. */
export interface ClusterInput extends Omit<ClusterSpec, 'labels' | 'capacity' | 'role'> {
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default 1 */
  readonly capacity?: number;
  /** @default 'primary' */
  readonly role?: ClusterSpec['role'];
}

interface Problem {
  readonly path: (string | number)[];
  readonly message: string;
  readonly hint: string;
}

/**
 * The set of clusters a federation can place on. Immutable and validated on creation:
 * an invalid registry never exists, so every later step can trust it.
 */
export class ClusterRegistry {
  /** Loads and validates a clusters.yaml file. Errors name the file, line, cluster and field. */
  public static fromFile(file: string): ClusterRegistry {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new FederationError('REGISTRY_UNREADABLE', file, `cannot read the cluster registry: ${(e as Error).message}`,
        'pass the path of an existing clusters.yaml');
    }
    const lineCounter = new YAML.LineCounter();
    const doc = YAML.parseDocument(text, { lineCounter, uniqueKeys: true });
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      const pos = err.linePos?.[0];
      throw new FederationError('REGISTRY_SYNTAX', `${file}${pos ? `:${pos.line}` : ''}`, `invalid YAML: ${err.message.split('\n')[0]}`,
        'fix the YAML syntax');
    }
    const where = (p: (string | number)[]): string => {
      for (let i = p.length; i >= 0; i--) {
        const node = doc.getIn(p.slice(0, i), true) as YAML.Node | undefined;
        if (node && node.range) return `${file}:${lineCounter.linePos(node.range[0]).line}`;
      }
      return file;
    };
    return ClusterRegistry.build(doc.toJS(), where, file);
  }

  /** Builds a registry from code; validation is the same as for a file. */
  public static fromClusters(clusters: readonly ClusterInput[], where = 'ClusterRegistry.fromClusters'): ClusterRegistry {
    return ClusterRegistry.build({ clusters }, (p) => `${where}${p.length ? ` (${p.join('.')})` : ''}`, where);
  }

  private static build(raw: unknown, where: (p: (string | number)[]) => string, source: string): ClusterRegistry {
    const problems: Problem[] = [];
    const top = fileSchema.safeParse(raw ?? {});
    if (!top.success) {
      for (const issue of top.error.issues) problems.push(fromZod(issue, [], 'the file holds `clusters:` (a list) and optionally `apiVersion: cdk-federation.io/v1alpha1` and `kind: ClusterRegistry`'));
      throw registryError(problems, where, source, []);
    }
    const names = top.data.clusters.map((e) => (e && typeof e === 'object' && typeof (e as { name?: unknown }).name === 'string' ? (e as { name: string }).name : undefined));
    const clusters: ClusterSpec[] = [];
    const seen = new Map<string, number>();
    top.data.clusters.forEach((entry, i) => {
      const base = ['clusters', i];
      const parsed = clusterSchema.safeParse(entry);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) problems.push(fromZod(issue, base, fieldHint(issue)));
        return;
      }
      const c = parsed.data;
      const at = (field: string) => [...base, field];
      if (!isDnsLabel(c.name)) {
        problems.push({ path: at('name'), message: `cluster name "${c.name}" is not a DNS label`, hint: 'use at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit' });
      }
      if (seen.has(c.name)) {
        problems.push({ path: at('name'), message: `duplicate cluster name "${c.name}" (also clusters[${seen.get(c.name)}])`, hint: 'give every cluster a unique name' });
      } else {
        seen.set(c.name, i);
      }
      const capacity = c.capacity ?? 1;
      if (!Number.isFinite(capacity) || capacity <= 0) {
        problems.push({ path: at('capacity'), message: `cluster "${c.name}": capacity ${capacity} is not a positive number`, hint: 'set capacity to a number greater than 0 (relative weight, default 1)' });
      }
      for (const [k, v] of Object.entries(c.labels ?? {})) {
        if ((RESERVED_LABEL_KEYS as readonly string[]).includes(k)) {
          problems.push({ path: [...at('labels'), k], message: `cluster "${c.name}": label key "${k}" is reserved`, hint: `set the cluster's ${k} field instead; selectors see it as label "${k}"` });
        } else if (!isLabelKey(k)) {
          problems.push({ path: [...at('labels'), k], message: `cluster "${c.name}": invalid label key "${k}"`, hint: 'use [prefix/]name with a DNS-subdomain prefix and a name of at most 63 alphanumerics, "-", "_", "."' });
        } else if (!isLabelValue(v)) {
          problems.push({ path: [...at('labels'), k], message: `cluster "${c.name}": invalid value "${v}" for label "${k}"`, hint: 'use at most 63 alphanumerics, "-", "_", "." starting and ending alphanumeric' });
        }
      }
      clusters.push({
        name: c.name, region: c.region, ...(c.zone ? { zone: c.zone } : {}), provider: c.provider, jurisdiction: c.jurisdiction,
        labels: sortKeys(c.labels ?? {}), context: c.context, ...(c.kubeconfig ? { kubeconfig: c.kubeconfig } : {}),
        capacity, role: c.role ?? 'primary',
      });
    });
    if (problems.length === 0 && clusters.length === 0) {
      problems.push({ path: ['clusters'], message: 'the registry has no clusters', hint: 'list at least one cluster under `clusters:`' });
    }
    if (problems.length > 0) throw registryError(problems, where, source, names);
    return new ClusterRegistry(clusters, source);
  }

  /** Clusters sorted by name. */
  public readonly clusters: readonly ClusterSpec[];
  /** Where the registry came from (a file path or a description), for messages. */
  public readonly source: string;

  private constructor(clusters: ClusterSpec[], source: string) {
    this.clusters = [...clusters].sort((a, b) => a.name.localeCompare(b.name, 'en'));
    this.source = source;
  }

  /** The cluster called `name`, or undefined. */
  public tryGet(name: string): ClusterSpec | undefined {
    return this.clusters.find((c) => c.name === name);
  }
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function fromZod(issue: z.core.$ZodIssue, base: (string | number)[], hint: string): Problem {
  const p = [...base, ...issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k))];
  const field = p.length > base.length ? `field "${p.slice(base.length).join('.')}"` : 'entry';
  let message = `${field}: ${issue.message}`;
  if (issue.code === 'unrecognized_keys') message = `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) message = `missing required field "${p.slice(base.length).join('.')}"`;
  return { path: issue.code === 'unrecognized_keys' ? [...p, issue.keys[0]] : p, message, hint };
}

function fieldHint(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `allowed keys: ${Object.keys(clusterSchema.shape).join(', ')}`;
  }
  const field = issue.path[0];
  switch (field) {
    case 'context': return 'set `context` to the kubeconfig context that reaches this cluster';
    case 'role': return 'role is one of primary, standby, canary';
    case 'labels': return 'labels map strings to strings; quote values such as "true" or "1"';
    case 'capacity': return 'capacity is a positive number (relative weight)';
    default: return `set "${String(field ?? 'entry')}" to a non-empty string`;
  }
}

function registryError(problems: Problem[], where: (p: (string | number)[]) => string, source: string, names: (string | undefined)[]): FederationError {
  const clusterOf = (p: (string | number)[]) => (p[0] === 'clusters' && typeof p[1] === 'number'
    ? `clusters[${p[1]}]${names[p[1]] ? ` (${names[p[1]]})` : ''}` : '');
  const lines = problems.map((pr) => `${where(pr.path)}: ${clusterOf(pr.path) ? `${clusterOf(pr.path)} ` : ''}${pr.message}\n    fix: ${pr.hint}`);
  const first = problems[0];
  return new FederationError('REGISTRY_INVALID', where(first.path),
    `invalid cluster registry (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n  ${lines.join('\n  ')}`,
    problems.length === 1 ? first.hint : `fix each problem listed above in ${path.basename(source)}`);
}
