/** The clusters of bench/fleet.ts: round-robin over four regions, every tenth a standby. */
import type { ClusterInput } from '../lib/registry/registry';

const REGIONS = ['us', 'eu', 'apac', 'sa'];
const JURISDICTION: Record<string, string> = { us: 'us', eu: 'eu', apac: 'apac', sa: 'sa' };

export function fleetClusters(n: number): ClusterInput[] {
  return Array.from({ length: n }, (_, i) => {
    const region = REGIONS[i % REGIONS.length];
    const name = `${region}-${String(i + 1).padStart(4, '0')}`;
    return {
      name, region, provider: 'local', jurisdiction: JURISDICTION[region], context: `ctx-${name}`,
      capacity: 1 + (i % 3), ...(i % 10 === 9 ? { role: 'standby' as const } : {}),
    };
  });
}

