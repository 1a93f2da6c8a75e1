/**
 * What applying an object would change in one cluster, computed by the API server itself: a
 * server-side dry-run apply with deploy's field manager, compared with the live object, both
 * with server-populated fields stripped and secret values masked. `cdkfed plan` reports it
 * per object; the set manager (set.ts) runs it over a whole set. Writes nothing.
 */
import type * as DiffModule from 'diff';
import { KubeObject, ObjectRef, refOf } from '../kube/object';
import { FIELD_MANAGER } from '../kube/ownership';
import { maskPair, stripServerFields, toYaml } from '../kube/normalize';
import { changedPaths, formatPath, valueAt } from '../kube/paths';
import { errorMessage, notOurs } from './apply';
import type { ChangeSetEntry } from './changeset';
import { ClusterClient, KubeApiError } from './client';

/** Unified diff of two (already masked) objects, headers `live` and `after deploy`. */
export function unifiedDiff(before: unknown, after: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const patch = (require('diff') as typeof DiffModule).createTwoFilesPatch('live', 'after deploy', toYaml(before), toYaml(after), undefined, undefined, { context: 3 });
  return patch.split('\n').filter((l) => !l.startsWith('====') && !l.startsWith('\\ No newline')).join('\n').trimEnd();
}

/**
 * One object, as an entry of a dry-run ChangeSet (`created`, `configured` with the changed
 * fields, `unchanged`, or `failed` with why): `live` is its copy from the member LIST (undefined: read it, it may exist
 * without our label); a kind the cluster does not serve yet is a create when a CRD of the same
 * set (`crds`, `group/Kind`) defines it.
 */
export async function dryRunDiff(client: ClusterClient, m: KubeObject, crds: ReadonlyMap<string, boolean>, listed: unknown): Promise<ChangeSetEntry> {
  const ref = refOf(m);
  let served = true;
  try {
    served = await client.serves(m.apiVersion, m.kind);
  } catch (e) {
    if (!(e instanceof KubeApiError)) throw e;
  }
  if (!served) {
    const group = ref.group;
    if (crds.has(`${group}/${m.kind}`)) return created(ref, m, 'its CRD is created first by the same deploy');
    return { ref, action: 'failed', message: `the cluster does not serve ${m.kind} in ${m.apiVersion}: install its CRD first` };
  }
  const live = listed ?? await client.get(m.apiVersion, m.kind, m.metadata.namespace, m.metadata.name);
  let after: unknown;
  try {
    after = await client.apply(m, { fieldManager: FIELD_MANAGER, dryRun: true });
  } catch (e) {
    // A namespaced object whose namespace does not exist yet: the deploy creates the namespace first.
    if (!live && e instanceof KubeApiError && e.status === 404) return created(ref, m);
    const conflict = e instanceof KubeApiError && e.status === 409 ? ' (deploy would need --force-conflicts)' : '';
    return { ref, action: 'failed', message: `dry run failed: ${errorMessage(e)}${conflict}` };
  }
  if (!live) return created(ref, after);
  const foreign = notOurs(m, live);
  if (foreign) return { ref, action: 'failed', message: `${foreign}: deploy refuses it unless run with --adopt` };
  const [before, next] = maskPair(stripServerFields(live), stripServerFields(after));
  const paths = changedPaths(before, next);
  if (paths.length === 0) return { ref, action: 'unchanged' };
  return { ref, action: 'configured', fields: paths.map((p) => ({ path: formatPath(p, (q) => valueAt(next, q) ?? valueAt(before, q)) })), diff: unifiedDiff(before, next) };
}

function created(ref: ObjectRef, obj: unknown, message?: string): ChangeSetEntry {
  const [, masked] = maskPair(undefined, stripServerFields(obj));
  return { ref, action: 'created', diff: unifiedDiff(undefined, masked), ...(message ? { message } : {}) };
}
