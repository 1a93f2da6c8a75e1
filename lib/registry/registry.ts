import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { z } from 'zod';
import { FederationError } from '../errors';
import { isDnsLabel, isLabelKey, isLabelValue } from '../k8s-names';
import { compareStrings, sortedRecord } from '../kube/sort';
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
    if (!isMap(raw)) {
      problems.push({ path: [], message: raw === null || raw === undefined ? 'the file is empty; its top level must be a map with `clusters:` (a list of clusters)'
        : `the top level must be a map with \`clusters:\` (a list of clusters), got ${describeValue(raw)}`, hint: TOP_HINT });
      throw registryError(problems, where, source, []);
    }
    if (raw.clusters !== undefined && !Array.isArray(raw.clusters)) {
      problems.push({ path: ['clusters'], message: `\`clusters\` must be a list of clusters, got ${describeValue(raw.clusters)}`, hint: 'write each cluster as a list item: `clusters:` then `  - name: eu-1` …' });
    }
    const top = fileSchema.safeParse(raw);
    if (!top.success) {
      for (const issue of top.error.issues) {
        if (issue.path[0] === 'clusters' && raw.clusters !== undefined) continue; // reported above
        problems.push(fromZod(issue, raw, [], TOP_HINT));
      }
    }
    if (!top.success) throw registryError(problems, where, source, []);
    const names = top.data.clusters.map((e) => (e && typeof e === 'object' && typeof (e as { name?: unknown }).name === 'string' ? (e as { name: string }).name : undefined));
    const clusters: ClusterSpec[] = [];
    const seen = new Map<string, number>();
    top.data.clusters.forEach((entry, i) => {
      const base = ['clusters', i];
      if (!isMap(entry)) {
        problems.push({ path: base, message: `is not a map of cluster fields (name, region, provider, jurisdiction, context, …): got ${describeValue(entry)}`, hint: `allowed keys: ${Object.keys(clusterSchema.shape).join(', ')}` });
        return;
      }
      const parsed = clusterSchema.safeParse(entry);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) problems.push(fromZod(issue, entry, base, fieldHint(issue)));
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
          problems.push({ path: [...at('labels'), k], message: `cluster "${c.name}": invalid label key ${JSON.stringify(k)}`, hint: 'use [prefix/]name with a DNS-subdomain prefix and a name of at most 63 alphanumerics, "-", "_", "."' });
        } else if (!isLabelValue(v)) {
          problems.push({ path: [...at('labels'), k], message: `cluster "${c.name}": invalid value ${JSON.stringify(v)} for label "${k}"`, hint: 'use at most 63 alphanumerics, "-", "_", "." starting and ending alphanumeric' });
        }
      }
      clusters.push({
        name: c.name, region: c.region, ...(c.zone ? { zone: c.zone } : {}), provider: c.provider, jurisdiction: c.jurisdiction,
        labels: sortedRecord(c.labels ?? {}), context: c.context, ...(c.kubeconfig ? { kubeconfig: c.kubeconfig } : {}),
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
    this.clusters = [...clusters].sort((a, b) => compareStrings(a.name, b.name));
    this.source = source;
  }

  /** The cluster called `name`, or undefined. */
  public tryGet(name: string): ClusterSpec | undefined {
    return this.clusters.find((c) => c.name === name);
  }
}

const TOP_HINT = 'the file holds `clusters:` (a list) and optionally `apiVersion: cdk-federation.io/v1alpha1` and `kind: ClusterRegistry`';

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value for a message: the value itself (shortened), then what it is, e.g. `1 (a number)`. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null (an empty value)';
  let text = JSON.stringify(v) ?? String(v);
  if (text.length > 60) text = `${text.slice(0, 57)}...`;
  const kind = Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a map' : typeof v === 'string' ? 'a string' : `a ${typeof v}`;
  return `${text} (${kind})`;
}

/** The value at `p` through own properties only, and whether it is there at all (a missing field vs a null one). */
function ownFieldAt(root: unknown, p: readonly PropertyKey[]): { present: boolean; value: unknown } {
  let cur: unknown = root;
  for (const k of p) {
    if (!isMap(cur) && !Array.isArray(cur)) return { present: false, value: undefined };
    const rec = cur as Record<PropertyKey, unknown>;
    if (!Object.prototype.hasOwnProperty.call(rec, k)) return { present: false, value: undefined };
    cur = rec[k];
  }
  return { present: true, value: cur };
}

/**
 * One zod issue as a problem that names the field and quotes the value found there (zod
 * itself does not report the input): a missing field says missing, a value of the wrong
 * type says which type it has, a label value that is not a string says label values must
 * be strings.
 */
function fromZod(issue: z.core.$ZodIssue, entry: unknown, base: (string | number)[], hint: string): Problem {
  const rel = issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k));
  const p = [...base, ...rel];
  const name = rel.join('.');
  const { present, value } = ownFieldAt(entry, rel);
  if (issue.code === 'unrecognized_keys') {
    return { path: [...p, issue.keys[0]], message: `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`, hint };
  }
  let message: string;
  if (!present) {
    message = `missing required field "${name}"`;
  } else if (rel[0] === 'labels' && rel.length === 2) {
    message = `label "${String(rel[1])}" has value ${describeValue(value)}: label values must be strings`;
    hint = `quote the value, e.g. ${String(rel[1])}: "${value === null ? '' : String(value)}"`;
  } else if (issue.code === 'invalid_type') {
    message = `field "${name}" must be ${issue.expected === 'record' || issue.expected === 'object' ? 'a map' : `a ${issue.expected}`}, got ${describeValue(value)}`;
  } else if (issue.code === 'invalid_value') {
    message = `field "${name}" has invalid value ${JSON.stringify(value)}; expected ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`}`;
  } else if (issue.code === 'too_small' && typeof value === 'string') {
    message = `field "${name}" is an empty string`;
  } else {
    message = `field "${name}" has invalid value ${JSON.stringify(value)}: ${issue.message}`;
  }
  return { path: p, message, hint };
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
