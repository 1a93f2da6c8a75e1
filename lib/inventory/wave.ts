/**
 * The waits a wave's two times bound, by name, so each caller says which one it means.
 * A wave (InventoryWave) holds `healthTimeoutSeconds` and `bakeTimeSeconds`; deploy waits
 * four ways:
 *
 * - gate: after a cluster is applied (or found at the target revision), how long until
 *   every object is Current; past it the wave fails. The health timeout.
 * - bake: after the whole wave is healthy, how long deploy keeps watching it before prune
 *   and the next wave. The bake time.
 * - settle: after the bake, how long an object that is still InProgress (a scale-up
 *   during the bake) may take to become Current. The health timeout again.
 * - rollback: how long a rolled-back cluster may take to be healthy at its previous
 *   revision. The health timeout again.
 *
 * One field governs gate, settle and rollback on purpose: a cluster given that long to roll
 * out is given as long to settle or to roll back, and federation.json keeps one number.
 * The health timeout is also what synth gives Terraform (the stacks' rollout wait) and what
 * `cdkfed gitops` gives the engines (a Flux Kustomization's timeout; promote's gate, plus
 * the time the engine needs to fetch).
 */
import type { InventoryWave } from './types';

type HealthTimeout = Pick<InventoryWave, 'healthTimeoutSeconds'>;

/** How long each cluster of the wave may take to become healthy after it is applied. */
export function gateTimeoutMs(wave: HealthTimeout): number {
  return wave.healthTimeoutSeconds * 1000;
}

/** How long deploy watches the healthy wave before prune and the next wave. */
export function bakeMs(wave: Pick<InventoryWave, 'bakeTimeSeconds'>): number {
  return wave.bakeTimeSeconds * 1000;
}

/** How long, after the bake, an object still InProgress may take to become Current: the gate's timeout. */
export function settleTimeoutMs(wave: HealthTimeout): number {
  return gateTimeoutMs(wave);
}

/** How long a rolled-back cluster may take to be healthy at its previous revision: the gate's timeout. */
export function rollbackTimeoutMs(wave: HealthTimeout): number {
  return gateTimeoutMs(wave);
}
