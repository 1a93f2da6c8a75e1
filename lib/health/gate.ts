/**
 * Health gates, pure: from the health of a wave's objects and the time elapsed, decide
 * whether to wait, pass or fail. The only judge of "healthy in time": cluster/wait.ts polls
 * and asks judgeRollout (so the staged apply's wait for definitions and rollback's wait judge
 * as deploy's gate does), deploy's bake asks judgeBake. Rollout gate: every object Current within the wave's
 * healthTimeout, any Failed object fails at once. Bake: after the wave is healthy, keep
 * watching for bakeTime; an object that turns Failed or disappears is a regression and fails
 * the gate, a transient InProgress (a scale-up) is tolerated but must settle by the end.
 */
import type { HealthStatus } from './status';

export interface GateObject {
  /** `cluster: Kind ns/name`, for the verdict. */
  readonly subject: string;
  readonly status: HealthStatus;
  readonly message: string;
}

export type Verdict =
  | { readonly verdict: 'pass' }
  | { readonly verdict: 'wait'; readonly pending: number }
  | { readonly verdict: 'fail'; readonly reason: string; readonly subject?: string };

const BAD_IN_BAKE: ReadonlySet<HealthStatus> = new Set(['Failed', 'NotFound', 'Terminating']);

function firstNot(objects: readonly GateObject[], ok: (o: GateObject) => boolean): GateObject | undefined {
  return objects.find((o) => !ok(o));
}

/** The gate while a cluster's objects roll out; `timeoutMs` is the wave's gateTimeoutMs (or rollbackTimeoutMs), lib/inventory/wave.ts. */
export function judgeRollout(objects: readonly GateObject[], elapsedMs: number, timeoutMs: number): Verdict {
  const failed = objects.find((o) => o.status === 'Failed');
  if (failed) return { verdict: 'fail', subject: failed.subject, reason: `${failed.subject} failed: ${failed.message}` };
  const pending = objects.filter((o) => o.status !== 'Current');
  if (pending.length === 0) return { verdict: 'pass' };
  if (elapsedMs >= timeoutMs) {
    const o = pending[0];
    return { verdict: 'fail', subject: o.subject, reason: `${o.subject} not healthy after ${fmtSeconds(timeoutMs)} (healthTimeout): ${o.status}: ${o.message}${pending.length > 1 ? ` (and ${pending.length - 1} more)` : ''}` };
  }
  return { verdict: 'wait', pending: pending.length };
}

/**
 * The gate during a wave's bake time; `settleMs` is how long past the bake an InProgress
 * object may take to settle (deploy passes the wave's settleTimeoutMs, lib/inventory/wave.ts).
 */
export function judgeBake(objects: readonly GateObject[], elapsedMs: number, bakeMs: number, settleMs: number): Verdict {
  const bad = objects.find((o) => BAD_IN_BAKE.has(o.status));
  if (bad) return { verdict: 'fail', subject: bad.subject, reason: `${bad.subject} regressed during bake: ${bad.status}: ${bad.message}` };
  if (elapsedMs < bakeMs) return { verdict: 'wait', pending: 0 };
  const unsettled = firstNot(objects, (o) => o.status === 'Current');
  if (!unsettled) return { verdict: 'pass' };
  if (elapsedMs >= bakeMs + settleMs) {
    return { verdict: 'fail', subject: unsettled.subject, reason: `${unsettled.subject} did not settle after bake: ${unsettled.status}: ${unsettled.message}` };
  }
  return { verdict: 'wait', pending: objects.filter((o) => o.status !== 'Current').length };
}

export function fmtSeconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 120 ? `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}` : `${s}s`;
}
