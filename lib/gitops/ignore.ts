/**
 * federation.json's ignoreDifferences in each engine's terms. Our rules select objects by
 * kind, name, namespace, app label and cluster, and fields by JSON pointer or field path in
 * which a segment after a list field names a list item (`containers/web/image`) and `*`
 * matches any. What an engine cannot express is an error naming the rule, never a rule
 * silently dropped (the engine would then fight whoever owns the field).
 */
import { FederationError } from '../errors';
import { INVENTORY_FILE } from '../inventory/format';
import type { IgnoreDifference } from '../inventory/types';
import { apiGroup } from '../kube/object';
import { compareStrings } from '../kube/sort';
import { LABEL_APP } from '../kube/ownership';
import { pointerSegments } from '../kube/paths';

/** Fields of the Kubernetes API that are lists of items keyed by `name`. */
const NAMED_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers', 'env', 'ports', 'volumes', 'volumeMounts', 'volumeDevices', 'imagePullSecrets', 'resourceClaims']);

type Step = { readonly key: string } | { readonly item: string } | { readonly any: true };

/** A rule path as steps: map keys, list items by name, wildcards. */
function stepsOf(pointer: string): Step[] {
  const segs = pointerSegments(pointer);
  return segs.map((s, i) => (s === '*' ? { any: true as const } : i > 0 && NAMED_LISTS.has(segs[i - 1]) && !/^[0-9]+$/.test(s) ? { item: s } : { key: s }));
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function where(index: number): string {
  return `${INVENTORY_FILE} ignoreDifferences[${index}]`;
}

function describeRule(r: IgnoreDifference): string {
  return `{ kind: ${r.kind}${r.name ? `, name: ${r.name}` : ''}${r.app ? `, app: ${r.app}` : ''}, jsonPointers: ${JSON.stringify(r.jsonPointers)} }`;
}

/** One entry of a Flux Kustomization's spec.ignore. */
export interface FluxIgnore {
  readonly paths: string[];
  readonly target: { kind: string; name?: string; namespace?: string; labelSelector?: string };
}

/** The rules that apply in `cluster`, as Flux `ignore` entries (JSON pointers only; name and namespace are anchored regexes in Flux's selector). */
export function fluxIgnores(rules: readonly IgnoreDifference[], cluster: string): FluxIgnore[] {
  return rules.flatMap((r, i) => {
    if (r.clusters && !r.clusters.includes(cluster)) return [];
    const paths = r.jsonPointers.map((p) => {
      const steps = stepsOf(p);
      if (steps.some((s) => !('key' in s))) {
        throw new FederationError('GITOPS_IGNORE_UNSUPPORTED', where(i), `rule ${describeRule(r)}: path "${p}" selects a list item by name or with "*", which Flux's ignore (plain JSON pointers) cannot express`,
          'write the path with the item\'s index (e.g. /spec/template/spec/containers/0/image), or use --engine argocd, whose jqPathExpressions can');
      }
      return `/${steps.map((s) => escapePointer((s as { key: string }).key)).join('/')}`;
    });
    return [{
      paths,
      target: {
        kind: r.kind,
        ...(r.name !== undefined ? { name: escapeRegex(r.name) } : {}),
        ...(r.namespace !== undefined ? { namespace: escapeRegex(r.namespace) } : {}),
        ...(r.app !== undefined ? { labelSelector: `${LABEL_APP}=${r.app}` } : {}),
      },
    }];
  });
}

/** One entry of an Argo CD Application's spec.ignoreDifferences. */
export interface ArgoIgnore {
  readonly group: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly jsonPointers?: string[];
  readonly jqPathExpressions?: string[];
}

/** The objects a rule may select, as the inventory holds them (Argo CD matches the group exactly and cannot select by label). */
export interface KnownObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly app?: string;
}

/**
 * The rules as Argo CD ignoreDifferences. `cluster` undefined means one list shared by every
 * cluster (an ApplicationSet template): a rule limited to some clusters is then an error.
 * Groups come from the objects of the kind in `objects`; a rule selecting by app becomes one
 * entry per object of that app (Argo CD has no label selector here).
 */
export function argoIgnores(rules: readonly IgnoreDifference[], objects: readonly KnownObject[], cluster?: string): ArgoIgnore[] {
  const out = new Map<string, ArgoIgnore>();
  rules.forEach((r, i) => {
    if (r.clusters && cluster === undefined) {
      throw new FederationError('GITOPS_IGNORE_UNSUPPORTED', where(i), `rule ${describeRule(r)} holds only in clusters ${r.clusters.join(', ')}, but an ApplicationSet shares one ignoreDifferences list between all clusters`,
        'use --argocd-mode applications (one Application per cluster), or make the rule hold in every cluster');
    }
    if (r.clusters && cluster !== undefined && !r.clusters.includes(cluster)) return;
    const pointers: string[] = [];
    const jq: string[] = [];
    for (const p of r.jsonPointers) {
      const steps = stepsOf(p);
      if (steps.every((s) => 'key' in s)) pointers.push(`/${steps.map((s) => escapePointer((s as { key: string }).key)).join('/')}`);
      else jq.push(jqPath(steps));
    }
    const matches = objects.filter((o) => o.kind === r.kind && (r.name === undefined || o.name === r.name) && (r.namespace === undefined || o.namespace === r.namespace) && (r.app === undefined || o.app === r.app));
    for (const o of matches) {
      const entry: ArgoIgnore = {
        group: apiGroup(o.apiVersion),
        kind: r.kind,
        ...(r.app !== undefined ? { name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}) } : {
          ...(r.name !== undefined ? { name: r.name } : {}),
          ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
        }),
        ...(pointers.length ? { jsonPointers: pointers } : {}),
        ...(jq.length ? { jqPathExpressions: jq } : {}),
      };
      const key = JSON.stringify([entry.group, entry.kind, entry.namespace ?? '', entry.name ?? '', pointers, jq]);
      const seen = out.get(key);
      if (!seen) out.set(key, entry);
    }
  });
  return [...out.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, e]) => e);
}

/** Steps as a jq path expression, as Argo CD's jqPathExpressions take them: `.spec.containers[] | select(.name == "web") | .image`. */
function jqPath(steps: readonly Step[]): string {
  const parts: string[] = [];
  let cur = '';
  for (const s of steps) {
    // A bracket right after a pipe needs a leading dot (`.[0]`); after a path it must not have one for older jq.
    const bracket = (b: string) => `${cur === '' ? '.' : ''}[${b}]`;
    if ('key' in s) cur += /^[A-Za-z_][A-Za-z0-9_]*$/.test(s.key) ? `.${s.key}` : bracket(/^[0-9]+$/.test(s.key) ? s.key : JSON.stringify(s.key));
    else if ('any' in s) cur += bracket('');
    else {
      parts.push(`${cur}${bracket('')} | select(.name == ${JSON.stringify(s.item)})`);
      cur = '';
    }
  }
  if (cur) parts.push(cur);
  return parts.join(' | ');
}
