import pLimit from 'p-limit';
import { computeHealth, Health, podFailureReason } from '../health/status';
import { judgeRollout } from '../health/gate';
import { KubeObject, ObjectRef, objectKey, refKey, refOf } from '../kube/object';
import { APPLYSET_PART_OF } from '../kube/ownership';
import { ClusterClient } from './client';
import { compareStrings } from '../kube/sort';

export interface ObjectHealth {
  readonly ref: ObjectRef;
  readonly health: Health;
}

export interface WaitResult {
  /** Every object Current. */
  readonly healthy: boolean;
  readonly objects: readonly ObjectHealth[];
}

export interface WaitOptions {
  readonly timeoutMs: number;
  /** Longest pause between polls; the first polls come quicker (100 ms, growing ×1.5), since most rollouts finish in a second or two. @default 1000 */
  readonly intervalMs?: number;
  /** Called after each poll with the current health. */
  readonly onPoll?: (objects: readonly ObjectHealth[]) => void;
  /** Aborts the wait early (another cluster of the wave failed). */
  readonly signal?: AbortSignal;
  /** The clock that measures the timeout. @default Date.now */
  readonly now?: () => number;
}

type Target = Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>;

/**
 * The live objects, judged by lib/health (kstatus rules). Objects of one kind that carry the
 * same ApplySet label are read with one LIST by that label (as prune finds members), so a
 * poll of a large set costs a handful of requests, not one per object; a lone object, or one
 * without the label, with a GET. Absent from the LIST means NotFound.
 */
export async function checkHealth(client: ClusterClient, objects: readonly Target[]): Promise<ObjectHealth[]> {
  const groups = new Map<string, Target[]>();
  for (const o of objects) {
    const set = o.metadata.labels?.[APPLYSET_PART_OF];
    const key = set ? `${o.apiVersion}\0${o.kind}\0${set}` : `${objectKey(o)}\0get`;
    const group = groups.get(key);
    if (group) group.push(o);
    else groups.set(key, [o]);
  }
  const limit = pLimit(8);
  const live = new Map<Target, unknown>();
  await Promise.all([...groups.values()].map((group) => limit(async () => {
    const [first] = group;
    if (group.length === 1) {
      live.set(first, await client.get(first.apiVersion, first.kind, first.metadata.namespace, first.metadata.name));
      return;
    }
    const items = await client.list(first.apiVersion, first.kind, { labelSelector: `${APPLYSET_PART_OF}=${first.metadata.labels![APPLYSET_PART_OF]}` });
    const byName = new Map(items.map((i) => [nsName(i.metadata ?? {}), i]));
    for (const o of group) live.set(o, byName.get(nsName(o.metadata)));
  })));
  return objects.map((o) => ({ ref: refOf(o), health: computeHealth(live.get(o)) }));
}

const nsName = (m: { namespace?: string; name?: string }) => `${m.namespace ?? ''}/${m.name}`;

/**
 * Polls until the gate (judgeRollout: every object Current, one Failed, or the timeout on
 * the given clock) decides, or the signal aborts. Decides nothing itself.
 */
export async function waitHealthy(client: ClusterClient, objects: readonly Target[], opts: WaitOptions): Promise<WaitResult> {
  const now = opts.now ?? Date.now;
  const start = now();
  let pause = 100;
  for (;;) {
    const health = await checkHealth(client, objects);
    opts.onPoll?.(health);
    const elapsed = now() - start;
    const verdict = judgeRollout(health.map((h) => ({ subject: refKey(h.ref), status: h.health.status, message: h.health.message })), elapsed, opts.timeoutMs).verdict;
    if (verdict !== 'wait' || opts.signal?.aborted) return { healthy: verdict === 'pass', objects: health };
    await sleep(Math.min(pause, Math.max(0, opts.timeoutMs - elapsed)), opts.signal);
    pause = Math.min(pause * 1.5, opts.intervalMs ?? 1000);
  }
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/**
 * Why an unhealthy workload is unhealthy, from its pods (CrashLoopBackOff, not Ready, …):
 * kstatus judges a Deployment by its counters only, which say nothing of the cause.
 */
export async function explainUnhealthy(client: ClusterClient, h: ObjectHealth): Promise<string> {
  if (!WORKLOADS.has(h.ref.kind) || !h.ref.namespace) return h.health.message;
  try {
    const live = await client.get(h.ref.group ? `${h.ref.group}/v1` : 'v1', h.ref.kind, h.ref.namespace, h.ref.name);
    const selector = live?.spec?.selector?.matchLabels as Record<string, string> | undefined;
    if (!selector) return h.health.message;
    const pods = await client.list('v1', 'Pod', { namespace: h.ref.namespace, labelSelector: Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',') });
    const reasons = new Map<string, number>();
    for (const pod of pods) {
      const r = podFailureReason(pod);
      if (r) reasons.set(r, (reasons.get(r) ?? 0) + 1);
    }
    if (reasons.size === 0) return h.health.message;
    const top = [...reasons.entries()].sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0])).slice(0, 2);
    return `${h.health.message}; pods: ${top.map(([r, n]) => `${n}× ${r}`).join('; ')}`;
  } catch {
    return h.health.message;
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
