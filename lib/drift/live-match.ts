/**
 * Plan's cheap test that a live object still holds every value a desired object sets, exactly
 * as written: one walk, no copies, for the thousands of objects of an unchanged fleet. True
 * means drift's comparison (driftedFields) finds nothing: the same fields are compared (status,
 * server-populated metadata, name and namespace left out) and equal values are the same value
 * there. False only means "look closer": driftedFields then decides (quantities spelled
 * differently, empty values the server drops, an empty map the server filled in). Pure.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- desired and live objects are untyped JSON of any kind */
import type { KubeObject } from '../kube/object';
import { SERVER_ANNOTATIONS, SERVER_METADATA } from '../kube/normalize';

const isMap = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);
const SKIP_METADATA = new Set([...SERVER_METADATA, 'name', 'namespace']);
const SKIP_ANNOTATIONS = new Set(SERVER_ANNOTATIONS);

/** Whether every leaf of `want` is at the same path of `live` with an identical value. */
function holds(want: unknown, live: unknown): boolean {
  if (Array.isArray(want)) {
    if (!Array.isArray(live)) return false;
    if (want.length === 0) return live.length === 0;
    for (let i = 0; i < want.length; i++) if (!holds(want[i], live[i])) return false;
    return true;
  }
  if (isMap(want)) {
    if (!isMap(live)) return false; // an empty map we set is satisfied by any map there
    for (const k of Object.keys(want)) if (!holds(want[k], live[k])) return false;
    return true;
  }
  return want === live && want !== undefined;
}

/** Whether `live` holds every value `desired` sets (see the file comment); false: ask driftedFields. */
export function holdsEveryValue(desired: KubeObject, live: Record<string, any> | undefined): boolean {
  if (!isMap(live)) return false;
  for (const k of Object.keys(desired)) {
    const want = (desired as Record<string, any>)[k];
    if (k === 'status') continue;
    if (k !== 'metadata' || !isMap(want)) {
      if (!holds(want, live[k])) return false;
      continue;
    }
    // metadata as drift compares it: without what the server populates, name and namespace (the object's identity)
    const lm = live.metadata;
    if (!isMap(lm)) return false;
    for (const mk of Object.keys(want)) {
      if (SKIP_METADATA.has(mk)) continue;
      const v = want[mk];
      if (mk === 'annotations' && isMap(v)) {
        const own = Object.keys(v).filter((a) => !SKIP_ANNOTATIONS.has(a));
        if (own.length === 0) continue; // drift drops an annotations map left empty
        if (!isMap(lm.annotations) || own.some((a) => !holds(v[a], lm.annotations[a]))) return false;
        continue;
      }
      if (!holds(v, lm[mk])) return false;
    }
  }
  return true;
}
