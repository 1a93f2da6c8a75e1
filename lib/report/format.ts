import { compareStrings } from '../kube/sort';

/** `--output` of plan and drift: text, markdown (a pull-request comment) or JSON. */
export type Format = 'text' | 'markdown' | 'json';

/** Cluster rows in rollout order: by wave, then by name. */
export function ordered<T extends { cluster: string; wave: string }>(rows: readonly T[], waves: readonly { name: string }[]): T[] {
  const w = (name: string) => waves.findIndex((x) => x.name === name);
  return [...rows].sort((a, b) => w(a.wave) - w(b.wave) || compareStrings(a.cluster, b.cluster));
}
