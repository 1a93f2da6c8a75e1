/**
 * One deploy at a time per (federation, cluster): a coordination.k8s.io Lease in the
 * cluster, renewed while the deploy runs. A second deploy is refused with the holder's
 * name; a lease whose holder stopped renewing can be taken over once it expires.
 */
import * as os from 'os';
import { FederationError } from '../errors';
import { LABEL_FEDERATION, LABEL_MANAGED_BY, leaseName, MANAGED_BY, SYSTEM_NAMESPACE } from '../kube/ownership';
import { ClusterClient, KubeApiError } from './client';

export const LEASE_SECONDS = 60;
const RELEASE_BUDGET_MS = 2000;

export interface HeldLease {
  readonly holder: string;
  /** Stops renewing and frees the lease. */
  release(): Promise<void>;
}

/** `host/pid`: what a second runner is told. */
export function defaultHolder(): string {
  return `${os.hostname()}/pid-${process.pid}`;
}

function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function leasePath(federation: string): string {
  return `/apis/coordination.k8s.io/v1/namespaces/${SYSTEM_NAMESPACE}/leases/${leaseName(federation)}`;
}

function expiresAt(lease: any): number {
  const renewed = Date.parse(lease?.spec?.renewTime ?? lease?.spec?.acquireTime ?? '');
  return Number.isFinite(renewed) ? renewed + (lease.spec.leaseDurationSeconds ?? LEASE_SECONDS) * 1000 : 0;
}

/**
 * Takes the lease or throws LEASE_HELD naming the holder. `breakLock` takes it over even
 * if it has not expired (the holder is known to be dead).
 */
export async function acquireLease(client: ClusterClient, federation: string, opts: { holder?: string; seconds?: number; breakLock?: boolean } = {}): Promise<HeldLease> {
  const holder = opts.holder ?? defaultHolder();
  const seconds = opts.seconds ?? LEASE_SECONDS;
  const now = new Date();
  const spec = { holderIdentity: holder, leaseDurationSeconds: seconds, acquireTime: microTime(now), renewTime: microTime(now) };
  const metadata = { name: leaseName(federation), namespace: SYSTEM_NAMESPACE, labels: { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_FEDERATION]: federation } };
  const base = leasePath(federation).replace(/\/[^/]+$/, '');
  try {
    await client.request('POST', base, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata, spec });
  } catch (e) {
    if (!(e instanceof KubeApiError && e.status === 409)) throw e;
    const live = await client.request('GET', leasePath(federation));
    const other = live.spec?.holderIdentity;
    const expired = Date.now() > expiresAt(live);
    if (other && other !== holder && !expired && !opts.breakLock) {
      const left = Math.ceil((expiresAt(live) - Date.now()) / 1000);
      throw new FederationError('LEASE_HELD', `cluster ${client.name}`, `another deploy of federation "${federation}" holds the lease (holder "${other}", renewed ${live.spec.renewTime}, expires in ${left}s)`,
        `wait for it to finish; if that deploy is dead, rerun after the lease expires or with --break-lock`);
    }
    try {
      await client.request('PUT', leasePath(federation), { ...live, spec: { ...live.spec, ...spec } });
    } catch (e2) {
      if (e2 instanceof KubeApiError && e2.status === 409) {
        throw new FederationError('LEASE_HELD', `cluster ${client.name}`, `another deploy of federation "${federation}" took the lease at the same moment`, 'wait for it to finish');
      }
      throw e2;
    }
  }
  let stopped = false;
  const renew = async (): Promise<void> => {
    if (stopped) return;
    try {
      const live = await client.request('GET', leasePath(federation));
      if (live.spec?.holderIdentity !== holder) return; // taken over (--break-lock): stop renewing
      await client.request('PUT', leasePath(federation), { ...live, spec: { ...live.spec, renewTime: microTime(new Date()) } });
    } catch {
      // a missed renewal is retried at the next tick; the lease lasts three ticks
    }
  };
  const timer = setInterval(() => void renew(), (seconds * 1000) / 3);
  timer.unref();
  return {
    holder,
    async release() {
      stopped = true;
      clearInterval(timer);
      // A short budget: a cluster lost mid-run must not hold the run's end; its lease expires by itself.
      try {
        const live = await client.request('GET', leasePath(federation), undefined, {}, 'application/json', RELEASE_BUDGET_MS);
        if (live.spec?.holderIdentity !== holder) return;
        await client.request('PUT', leasePath(federation), { ...live, spec: { ...live.spec, holderIdentity: '', renewTime: undefined, acquireTime: undefined } }, {}, 'application/json', RELEASE_BUDGET_MS);
      } catch {
        // the lease expires by itself
      }
    },
  };
}
