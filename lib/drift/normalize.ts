/**
 * What plan and drift compare: objects with the fields the API server populates stripped
 * (so only what deploy would change remains), and secret values masked before anything is
 * rendered. Pure.
 */
import * as YAML from 'yaml';
import { looksLikeCredential } from '../kube/secret-names';

/** metadata fields the server owns (kubectl diff, Argo CD and Flux strip the same). */
const SERVER_METADATA = ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink'];
const SERVER_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision'];

export const MASK = '***';

function clone<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

/** A copy without status and server-populated metadata. */
export function stripServerFields(obj: unknown): Record<string, any> {
  const o = clone((obj ?? {}) as Record<string, any>);
  delete o.status;
  const m = o.metadata ?? {};
  for (const k of SERVER_METADATA) delete m[k];
  if (m.annotations) {
    for (const k of SERVER_ANNOTATIONS) delete m.annotations[k];
    if (Object.keys(m.annotations).length === 0) delete m.annotations;
  }
  return o;
}

const isSecret = (o: Record<string, any>) => o?.kind === 'Secret' && (o.apiVersion === 'v1' || o.apiVersion === undefined);

/** Env entries that carry a literal value under a credential-like name, in any pod template or pod spec. */
function envLists(o: Record<string, any>): Array<Array<Record<string, any>>> {
  const specs = [o?.spec?.template?.spec, o?.spec?.jobTemplate?.spec?.template?.spec, o?.kind === 'Pod' ? o?.spec : undefined].filter(Boolean);
  return specs.flatMap((s) => [...(s.containers ?? []), ...(s.initContainers ?? [])]).map((c) => c.env ?? []).filter(Array.isArray);
}

/**
 * Masks secret values in a before/after pair so a diff still shows whether each one changed:
 * Secret data/stringData values and literal env values under credential-like names become
 * `*** (unchanged)` on both sides, or `***` before and `*** (changed)` after. The result never
 * holds a secret value. Either side may be undefined (create, delete).
 */
export function maskPair(before: Record<string, any> | undefined, after: Record<string, any> | undefined): [Record<string, any> | undefined, Record<string, any> | undefined] {
  const b = clone(before);
  const a = clone(after);
  const mark = (x: Record<string, any> | undefined, key: string, v: string | undefined) => {
    if (x && key in x) x[key] = v;
  };
  for (const field of ['data', 'stringData', 'binaryData']) {
    const bs = b && isSecret(b) ? b[field] : undefined;
    const as = a && isSecret(a) ? a[field] : undefined;
    for (const key of new Set([...Object.keys(bs ?? {}), ...Object.keys(as ?? {})])) {
      const same = bs?.[key] === as?.[key];
      mark(bs, key, same ? `${MASK} (unchanged)` : MASK);
      mark(as, key, same ? `${MASK} (unchanged)` : `${MASK} (changed)`);
    }
  }
  const envB = b ? envLists(b) : [];
  const envA = a ? envLists(a) : [];
  const originals = (lists: Array<Array<Record<string, any>>>) => new Map(lists.flat().map((e) => [`${e.name}`, e.value]));
  const [origB, origA] = [originals(envB), originals(envA)];
  for (const lists of [envB, envA]) {
    for (const e of lists.flat()) {
      if (typeof e.value !== 'string' || !looksLikeCredential(String(e.name))) continue;
      const same = origB.get(e.name) === origA.get(e.name);
      e.value = same ? `${MASK} (unchanged)` : lists === envA ? `${MASK} (changed)` : MASK;
    }
  }
  return [b, a];
}

/** Masks one object on its own (a delete, a drift report of a live object). */
export function maskSecrets(o: Record<string, any>): Record<string, any> {
  return maskPair(o, o)[0]!;
}

/** YAML as plan and drift print it: stable, no line folding. */
export function toYaml(o: unknown): string {
  return o === undefined ? '' : YAML.stringify(o, { lineWidth: 0, aliasDuplicateObjects: false, sortMapEntries: false });
}
