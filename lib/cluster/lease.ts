/**
 * One deploy at a time per (federation, cluster): a coordination.k8s.io Lease in the
 * cluster, renewed while the deploy runs. A second deploy is refused with the holder's
 * name.
 *
 * Fencing, as client-go's leader election does it:
 * - Expiry is judged by our own observation, never by comparing the holder's renewTime
 *   with our clock (another host's clock may be minutes off): a lease held by someone else
 *   is taken only once its record has stayed unchanged for its whole duration, measured on
 *   this process's monotonic clock.
 * - The holder renews with optimistic concurrency (PUT at the resourceVersion it read), so a
 *   takeover between its read and its write is a 409, and counts as lost.
 * - The holder stops writing (assertLeaseHeld throws, the signal aborts) once a renewal
 *   finds the lease taken, or once it has not renewed for two thirds of the duration: a
 *   candidate waits the full duration after the last renewal it saw, so we stop first.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the Lease is read back as untyped JSON from the API server */
import * as os from 'os';
import { FederationError } from '../errors';
import { leaseName, recordLabels, SYSTEM_NAMESPACE } from '../kube/ownership';
import { ClusterClient, KubeApiError } from './client';

export const LEASE_SECONDS = 60;
const RELEASE_BUDGET_MS = 2000;
/** Renew six times per duration (client-go: retry 2 s for 15 s), retry sooner after a failed renewal. */
const RENEW_FRACTION = 1 / 6;
const RETRY_MS = 2000;
/** The holder's deadline (client-go's renewDeadline, 10 s of 15 s): after it, the lease is treated as lost. */
export const RENEW_DEADLINE_FRACTION = 2 / 3;
/** How often a candidate re-reads a lease it is watching. */
const WATCH_POLL_MS = 2000;

/** Local time for lease decisions: `now` is monotonic (never the wall clock), `wall` only stamps the record. */
export interface LeaseClock {
  now(): number;
  wall(): Date;
  sleep(ms: number): Promise<void>;
}

const systemClock: LeaseClock = {
  now: () => performance.now(),
  wall: () => new Date(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

export interface HeldLease {
  readonly holder: string;
  readonly cluster: string;
  /** The resourceVersion of the Lease as read before the write that took it (undefined: created). */
  readonly takenFrom?: string;
  /** Aborts (reason: the LEASE_LOST error) when the lease is found taken or could not be renewed in time. */
  readonly signal: AbortSignal;
  /** Throws LEASE_LOST if this run may no longer write to the cluster. Call it before every write. */
  assertHeld(): void;
  /** Stops renewing and frees the lease (only if it is still ours). */
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

/** The part of a Lease that says who holds it and since when; any change means its holder is alive (or it changed hands). */
export interface LeaseRecord {
  readonly holder: string;
  readonly durationSeconds: number;
  readonly renewTime?: string;
  readonly acquireTime?: string;
  readonly transitions?: number;
}

export function leaseRecord(live: any): LeaseRecord {
  const s = live?.spec ?? {};
  return { holder: s.holderIdentity ?? '', durationSeconds: s.leaseDurationSeconds ?? LEASE_SECONDS, renewTime: s.renewTime, acquireTime: s.acquireTime, transitions: s.leaseTransitions };
}

/** What a candidate has seen of a lease: the record and when (local monotonic ms) it first saw it in this form. */
export interface LeaseObservation {
  readonly key: string;
  readonly record: LeaseRecord;
  readonly since: number;
}

/** Pure: the next observation. The clock restarts whenever the record changes (client-go's observedTime). */
export function observeLease(prev: LeaseObservation | undefined, record: LeaseRecord, now: number): LeaseObservation {
  const key = JSON.stringify([record.holder, record.durationSeconds, record.renewTime ?? '', record.acquireTime ?? '', record.transitions ?? 0]);
  return prev && prev.key === key ? prev : { key, record, since: now };
}

/** Pure: expired once the record has stayed unchanged for its duration by our clock; the holder's timestamps play no part. */
export function observedExpired(o: LeaseObservation, now: number): boolean {
  return now - o.since >= o.record.durationSeconds * 1000;
}

/** Pure: ms left before an observed lease may be taken. */
export function observedRemainingMs(o: LeaseObservation, now: number): number {
  return Math.max(0, o.record.durationSeconds * 1000 - (now - o.since));
}

/** Pure, holder side: may we still write, given when our last successful renewal was sent (local monotonic ms)? */
export function renewalInTime(lastRenewSent: number, durationSeconds: number, now: number): boolean {
  return now - lastRenewSent < durationSeconds * 1000 * RENEW_DEADLINE_FRACTION;
}

/**
 * Pure: whether a lease held by someone else is worth watching. Its renewTime judged by our wall
 * clock only chooses between watching and refusing at once, never whether to take it: one that looks
 * freshly renewed (within its duration) has a live holder most likely, so a second deploy is refused
 * at once, as it was before; one that looks old, or whose time is ahead of ours (clocks disagree),
 * is watched for its duration and taken if it stays unchanged.
 */
export function worthWatching(record: LeaseRecord, wallNow: number): boolean {
  const renewed = Date.parse(record.renewTime ?? record.acquireTime ?? '');
  if (!Number.isFinite(renewed)) return true;
  const age = wallNow - renewed;
  return age < 0 || age >= record.durationSeconds * 1000;
}

// The lease a deploy holds per client, so a write anywhere (rollout, rollback, prune) can check it with only the client at hand.
const heldByClient = new WeakMap<ClusterClient, HeldLease>();
// Clusters a deploy found up to date without taking their lease (forbidWrites): nothing may be written there.
const readOnly = new WeakSet<ClusterClient>();

/**
 * Throws LEASE_LOST if this process took the cluster's lease and no longer holds it, and
 * LEASE_NOT_TAKEN if it chose not to take it (forbidWrites); a client with neither passes.
 */
export function assertLeaseHeld(client: ClusterClient): void {
  const held = heldByClient.get(client);
  if (held) held.assertHeld();
  else if (readOnly.has(client)) {
    throw new FederationError('LEASE_NOT_TAKEN', `cluster ${client.name}`, 'this deploy found the cluster up to date without taking its lease, so it may not write to it',
      'this is a bug in cdkfed: please report it; deploy again to converge');
  }
}

/** This run only reads the cluster (found up to date without its lease): every later write to it throws. */
export function forbidWrites(client: ClusterClient): void {
  readOnly.add(client);
}

/**
 * Whether reads sent after this Lease was read see no deploy in progress: the Lease exists
 * and nobody holds it (its last holder freed it). Every deploy writes only while it holds
 * the Lease, which it takes and frees by writes that change its resourceVersion; so if a
 * later read finds the same resourceVersion, no deploy wrote in between (leaseVersion).
 */
export function isFreeLease(live: any): boolean {
  return !!leaseVersion(live) && !leaseRecord(live).holder;
}

/** The Lease's resourceVersion (undefined: no Lease). */
export function leaseVersion(live: any): string | undefined {
  return live?.metadata?.resourceVersion;
}

/** The held lease's signal, to stop waiting (health gate, bake) the moment the lease is lost. */
export function leaseSignal(client: ClusterClient): AbortSignal | undefined {
  return heldByClient.get(client)?.signal;
}

export interface AcquireOptions {
  readonly holder?: string;
  readonly seconds?: number;
  /** Take it at once even if held (its holder is known to be dead). */
  readonly breakLock?: boolean;
  /** Progress while watching a lease held by someone else. */
  readonly onWait?: (message: string) => void;
  /** For tests. @default performance.now, Date, setTimeout */
  readonly clock?: LeaseClock;
  /**
   * The Lease as read a moment before (readLease), e.g. beside the preflight's checks: taking it
   * starts from it instead of reading it again. A write since is a conflict, as for any read.
   * @default read now
   */
  readonly read?: Promise<unknown>;
}

/**
 * Takes the lease or throws LEASE_HELD naming the holder. A lease held by someone else that
 * looks stale is watched for up to its duration and taken if nobody renews it meanwhile;
 * `breakLock` takes it at once.
 */
export async function acquireLease(client: ClusterClient, federation: string, opts: AcquireOptions = {}): Promise<HeldLease> {
  const holder = opts.holder ?? defaultHolder();
  const seconds = opts.seconds ?? LEASE_SECONDS;
  const clock = opts.clock ?? systemClock;
  const spec = (prev?: any) => {
    const at = microTime(clock.wall());
    const changedHands = (prev?.holderIdentity ?? '') !== holder;
    return {
      holderIdentity: holder, leaseDurationSeconds: seconds, acquireTime: at, renewTime: at,
      leaseTransitions: (prev?.leaseTransitions ?? 0) + (prev && changedHands ? 1 : 0),
    };
  };
  const metadata = { name: leaseName(federation), namespace: SYSTEM_NAMESPACE, labels: recordLabels(federation) };
  const base = leasePath(federation).replace(/\/[^/]+$/, '');
  // Read first: after the first deploy the Lease exists (a release frees it, never deletes it),
  // so taking it is a read and a write instead of a refused create, a read and a write.
  const existing = await (opts.read ?? readLease(client, federation));
  if (!existing) {
    const sent = clock.now();
    try {
      const created = await client.request('POST', base, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata, spec: spec() });
      return holdLease(client, federation, holder, seconds, clock, { sent, written: created });
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 409)) throw e;
    }
  }
  return holdLease(client, federation, holder, seconds, clock, await takeOver(client, federation, holder, { ...opts, clock }, spec, existing));
}

/** The Lease, or undefined if there is none. */
export async function readLease(client: ClusterClient, federation: string): Promise<any> {
  try {
    return await client.request('GET', leasePath(federation));
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 404) return undefined;
    throw e;
  }
}

/** When the write that took the lease was sent, and the Lease as that write left it (its resourceVersion is ours). */
interface Taken {
  readonly sent: number;
  readonly written: any;
  /** The resourceVersion that write replaced (undefined: created). */
  readonly from?: string;
}

async function takeOver(client: ClusterClient, federation: string, holder: string, opts: AcquireOptions & { clock: LeaseClock }, spec: (prev?: any) => object, first?: any): Promise<Taken> {
  const where = `cluster ${client.name}`;
  const { clock } = opts;
  let seen: LeaseObservation | undefined;
  let reported: number | undefined;
  let read = first;
  for (;;) {
    const live = read ?? await client.request('GET', leasePath(federation));
    read = undefined;
    const record = leaseRecord(live);
    const free = !record.holder || record.holder === holder;
    if (!free && !opts.breakLock) {
      const held = `another deploy of federation "${federation}" holds the lease (holder "${record.holder}", renewed ${record.renewTime ?? 'never'} by its clock)`;
      if (!seen && !worthWatching(record, clock.wall().getTime())) {
        throw new FederationError('LEASE_HELD', where, `${held}; expires in ${record.durationSeconds}s unless renewed`,
          `wait for it to finish; if that deploy is dead, run again: a lease left unchanged for ${record.durationSeconds}s (watched from this machine) is taken over; --break-lock takes it at once`);
      }
      const next = observeLease(seen, record, clock.now());
      if (seen && next !== seen) {
        throw new FederationError('LEASE_HELD', where, `${held}: it was renewed or changed hands while this run watched it, so its holder is alive`,
          'wait for it to finish; use --break-lock only if that deploy is known to be dead');
      }
      seen = next;
      if (!observedExpired(seen, clock.now())) {
        const left = observedRemainingMs(seen, clock.now());
        // One line when watching starts, then about every 10 s: a progress note, not a log flood.
        if (reported === undefined || reported - left >= 10_000) {
          reported = left;
          opts.onWait?.(`lease held by "${record.holder}" and not renewed: taking it over if it stays unchanged for ${Math.ceil(left / 1000)}s more`);
        }
        await clock.sleep(Math.min(WATCH_POLL_MS, Math.max(1, left)));
        continue;
      }
    }
    try {
      // PUT at the resourceVersion read: if anyone wrote the lease since, this is a 409 and we do not hold it.
      const sent = clock.now();
      const written = await client.request('PUT', leasePath(federation), { ...live, spec: { ...live.spec, ...spec(live.spec) } });
      return { sent, written, from: leaseVersion(live) };
    } catch (e2) {
      if (e2 instanceof KubeApiError && e2.status === 409) {
        throw new FederationError('LEASE_HELD', where, `another deploy of federation "${federation}" took the lease at the same moment`, 'wait for it to finish');
      }
      throw e2;
    }
  }
}

function holdLease(client: ClusterClient, federation: string, holder: string, seconds: number, clock: LeaseClock, taken: Taken): HeldLease {
  const where = `cluster ${client.name}`;
  const controller = new AbortController();
  let lastRenewSent = taken.sent;
  // The Lease as our last write left it: a write at its resourceVersion succeeds only if nobody wrote it since.
  let lastWritten = taken.written;
  let lost: FederationError | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inflight: Promise<void> | undefined;
  const lose = (why: string, holderNow?: string): FederationError => {
    if (!lost) {
      lost = new FederationError('LEASE_LOST', where,
        `this deploy lost the lease of federation "${federation}"${holderNow ? ` (now held by "${holderNow}")` : ''}: ${why}; it stopped writing to this cluster`,
        'another deploy may be writing to this cluster now: let it finish, then check it with `cdkfed drift` and deploy again');
      if (timer) clearTimeout(timer);
      controller.abort(lost);
    }
    return lost;
  };
  const schedule = (ms: number) => {
    if (stopped || lost) return;
    timer = setTimeout(() => {
      inflight = renew();
    }, ms);
    timer.unref();
  };
  const renew = async (): Promise<void> => {
    if (stopped || lost) return;
    const start = clock.now();
    const budget = Math.max(1000, seconds * 1000 * RENEW_FRACTION);
    try {
      const live = await client.request('GET', leasePath(federation), undefined, {}, 'application/json', budget);
      const now = leaseRecord(live).holder;
      if (now !== holder) {
        lose(now ? 'another run took it over' : 'it was freed by someone else', now || undefined);
        return;
      }
      const written = await client.request('PUT', leasePath(federation), { ...live, spec: { ...live.spec, renewTime: microTime(clock.wall()) } }, {}, 'application/json', budget);
      lastWritten = written;
      if (stopped) return;
      lastRenewSent = start;
      schedule(seconds * 1000 * RENEW_FRACTION);
    } catch (e) {
      if (stopped) return;
      if (e instanceof KubeApiError && e.status === 409) {
        lose('another run wrote the lease between our read and our renewal (conflict)');
        return;
      }
      if (!renewalInTime(lastRenewSent, seconds, clock.now())) {
        lose(`it could not be renewed for ${Math.round((clock.now() - lastRenewSent) / 1000)}s (${(e as Error)?.message ?? e}), so another run may take it`);
        return;
      }
      schedule(Math.min(RETRY_MS, seconds * 1000 * RENEW_FRACTION));
    }
  };
  schedule(seconds * 1000 * RENEW_FRACTION);
  const held: HeldLease = {
    holder,
    cluster: client.name,
    takenFrom: taken.from,
    signal: controller.signal,
    assertHeld() {
      if (lost) throw lost;
      if (stopped) throw lose('it was released');
      // Checked here too: a stalled event loop or a hung request must not let a write through after the deadline.
      if (!renewalInTime(lastRenewSent, seconds, clock.now())) {
        throw lose(`it was not renewed for ${Math.round((clock.now() - lastRenewSent) / 1000)}s, so another run may take it`);
      }
    },
    async release() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      // A renewal in flight must not land after the lease is freed (if it did, the PUT below is a 409); waited for within the same short budget.
      await Promise.race([inflight, new Promise((r) => setTimeout(r, RELEASE_BUDGET_MS).unref())]);
      if (lost) return; // not ours any more: never write it
      // A short budget: a cluster lost mid-run must not hold the run's end; its lease expires by itself.
      try {
        // At the resourceVersion of our last write, without reading it again: if anyone wrote
        // the Lease since (a takeover), this is a 409 and their lease stays as it is.
        const live = lastWritten;
        if (live?.spec?.holderIdentity !== holder || !live?.metadata?.resourceVersion) return;
        await client.request('PUT', leasePath(federation), { ...live, spec: { ...live.spec, holderIdentity: '', renewTime: undefined, acquireTime: undefined } }, {}, 'application/json', RELEASE_BUDGET_MS);
      } catch {
        // the lease expires by itself
      }
    },
  };
  heldByClient.set(client, held);
  return held;
}

/** The LEASE_LOST error if this process took the cluster's lease and no longer holds it. */
export function leaseLostError(client: ClusterClient): FederationError | undefined {
  try {
    assertLeaseHeld(client);
    return undefined;
  } catch (e) {
    if (e instanceof FederationError) return e;
    throw e;
  }
}

/** `signal`, also aborted when the cluster's lease is lost: a health wait stops at once instead of at its timeout. */
export function withLeaseSignal(signal: AbortSignal, client: ClusterClient): AbortSignal {
  const lease = leaseSignal(client);
  return lease ? AbortSignal.any([signal, lease]) : signal;
}
