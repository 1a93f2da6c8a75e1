/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { acquireLease, assertLeaseHeld, forbidWrites, isFreeLease, LeaseClock, leaseRecord, leaseVersion, observedExpired, observeLease, renewalInTime, worthWatching } from '../../../lib/cluster/lease';
import { ClusterClient, KubeApiError } from '../../../lib/cluster/client';
import { FederationError } from '../../../lib/errors';

const rec = (holder: string, renewTime?: string, durationSeconds = 60) => ({ holder, renewTime, durationSeconds });

describe('expiry by local observation (client-go leaderelection)', () => {
  test('a lease whose renewTime is far in the future by the holder\'s clock is expired once unchanged for its duration here', () => {
    const r = rec('other/pid-1', '2100-01-01T00:00:00.000000Z');
    let o = observeLease(undefined, r, 1_000);
    for (let t = 1_000; t < 61_000; t += 2_000) {
      o = observeLease(o, r, t);
      expect(observedExpired(o, t)).toBe(false);
    }
    o = observeLease(o, r, 61_000);
    expect(observedExpired(o, 61_000)).toBe(true);
  });
  test('a lease whose renewTime is far in the past is not expired until watched unchanged for its duration', () => {
    const r = rec('other/pid-1', '2001-01-01T00:00:00.000000Z');
    const o = observeLease(undefined, r, 5);
    expect(observedExpired(o, 5)).toBe(false);
    expect(observedExpired(o, 60_004)).toBe(false);
    expect(observedExpired(o, 60_005)).toBe(true);
  });
  test('a lease that keeps changing is never expired, however old its times look', () => {
    let o = observeLease(undefined, rec('a', '2001-01-01T00:00:00.000000Z'), 0);
    for (let t = 0, i = 0; t < 600_000; t += 10_000, i++) {
      o = observeLease(o, rec('a', `2001-01-01T00:00:${String(i % 60).padStart(2, '0')}.000000Z`), t);
      expect(observedExpired(o, t)).toBe(false);
    }
  });
  test('the holder may write only within two thirds of the duration after its last renewal was sent', () => {
    expect(renewalInTime(0, 60, 39_999)).toBe(true);
    expect(renewalInTime(0, 60, 40_000)).toBe(false);
  });
  test('the wall clock only chooses between watching and refusing at once', () => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    expect(worthWatching(rec('a', '2026-06-01T11:59:30.000000Z'), now)).toBe(false); // fresh: refuse at once
    expect(worthWatching(rec('a', '2026-06-01T11:58:00.000000Z'), now)).toBe(true); // looks old: watch
    expect(worthWatching(rec('a', '2100-01-01T00:00:00.000000Z'), now)).toBe(true); // clocks disagree: watch
    expect(worthWatching(rec('a'), now)).toBe(true);
  });
});

/** An in-memory Lease with resourceVersion semantics, behind the one method lease.ts uses (pure logic under test, no HTTP). */
function fakeCluster(initial?: { holder: string; renewTime: string; duration?: number }) {
  let rv = 1;
  let lease: any = initial ? { metadata: { name: 'l', resourceVersion: String(rv) }, spec: { holderIdentity: initial.holder, renewTime: initial.renewTime, leaseDurationSeconds: initial.duration ?? 60 } } : undefined;
  const log: string[] = [];
  const hooks: { onGet?: () => void; beforePost?: () => void; failPut?: () => Error | undefined } = {};
  const client = {
    name: 'c1',
    async request(method: string, _path: string, body?: any) {
      log.push(method);
      if (method === 'POST') {
        hooks.beforePost?.();
        if (lease) throw new KubeApiError('c1', 409, 'AlreadyExists', 'exists');
        lease = { ...body, metadata: { ...body.metadata, resourceVersion: String(++rv) } };
        return lease;
      }
      if (method === 'GET') {
        if (!lease) throw new KubeApiError('c1', 404, 'NotFound', 'leases "l" not found');
        const read = JSON.parse(JSON.stringify(lease));
        hooks.onGet?.(); // someone writes right after our read
        return read;
      }
      if (method === 'PUT') {
        const err = hooks.failPut?.();
        if (err) throw err;
        if (body.metadata.resourceVersion !== lease.metadata.resourceVersion) throw new KubeApiError('c1', 409, 'Conflict', 'Operation cannot be fulfilled');
        lease = { ...body, metadata: { ...body.metadata, resourceVersion: String(++rv) } };
        return lease;
      }
      throw new Error(method);
    },
  } as unknown as ClusterClient;
  return {
    client, log, hooks,
    get lease() { return lease; },
    /** Someone else creates the lease. */
    create(spec: object) {
      lease = { metadata: { name: 'l', resourceVersion: String(++rv) }, spec: { leaseDurationSeconds: 60, ...spec } };
    },
    /** Someone else writes the lease. */
    write(spec: object) {
      lease = { ...lease, metadata: { ...lease.metadata, resourceVersion: String(++rv) }, spec: { ...lease.spec, ...spec } };
    },
  };
}

function fakeClock(start = Date.parse('2026-06-01T12:00:00Z')): LeaseClock & { advance(ms: number): void } {
  let t = 0;
  return {
    now: () => t,
    wall: () => new Date(start + t),
    async sleep(ms: number) {
      t += ms;
    },
    advance(ms: number) {
      t += ms;
    },
  };
}

describe('the requests of taking and freeing a lease', () => {
  test('none yet: a read (not found) and a create; freed by one write at the resourceVersion of the create, without reading it again', async () => {
    const k = fakeCluster();
    const held = await acquireLease(k.client, 'shop', { holder: 'me/pid-1', clock: fakeClock() });
    expect(k.log).toEqual(['GET', 'POST']);
    expect(k.lease.spec.holderIdentity).toBe('me/pid-1');
    await held.release();
    expect(k.log).toEqual(['GET', 'POST', 'PUT']);
    expect(k.lease.spec.holderIdentity).toBe('');
    expect(k.lease.spec.renewTime).toBeUndefined();
  });
  test('freed by an earlier deploy (the usual case): a read and a write, no refused create; the next run takes it the same way', async () => {
    const k = fakeCluster({ holder: '', renewTime: '2001-01-01T00:00:00.000000Z' });
    const first = await acquireLease(k.client, 'shop', { holder: 'me/pid-1', clock: fakeClock() });
    await first.release();
    const second = await acquireLease(k.client, 'shop', { holder: 'me/pid-2', clock: fakeClock() });
    expect(k.log).toEqual(['GET', 'PUT', 'PUT', 'GET', 'PUT']);
    expect(k.lease.spec).toMatchObject({ holderIdentity: 'me/pid-2', leaseTransitions: 2 });
    await second.release();
    expect(k.lease.spec.holderIdentity).toBe('');
  });
  test('created by another run between our read and our create: its lease is watched like any held one, never overwritten', async () => {
    const clock = fakeClock();
    const k = fakeCluster();
    k.hooks.beforePost = () => k.create({ holderIdentity: 'other/pid-5', renewTime: clock.wall().toISOString() });
    const e = await acquireLease(k.client, 'shop', { holder: 'me/pid-1', clock }).catch((x) => x);
    expect(e.code).toBe('LEASE_HELD');
    expect(e.message).toMatch(/holder "other\/pid-5"/);
    expect(k.log).toEqual(['GET', 'POST', 'GET']);
    expect(k.lease.spec.holderIdentity).toBe('other/pid-5');
  });
  test('taken over with --break-lock while we held it, before any renewal of ours noticed: our release is a conflict and leaves their lease as it is', async () => {
    const k = fakeCluster();
    const held = await acquireLease(k.client, 'shop', { holder: 'me/pid-1', clock: fakeClock() });
    k.write({ holderIdentity: 'breaker/pid-8' });
    await held.release();
    expect(k.log).toEqual(['GET', 'POST', 'PUT']); // the PUT was refused (409)
    expect(k.lease.spec.holderIdentity).toBe('breaker/pid-8');
  });
});

describe('acquireLease against a lease held by someone else', () => {
  test('renewTime far in the future by the holder\'s clock: watched unchanged for the duration here, then taken', async () => {
    const k = fakeCluster({ holder: 'ghost/pid-9', renewTime: '2100-01-01T00:00:00.000000Z' });
    const clock = fakeClock();
    const waits: string[] = [];
    const held = await acquireLease(k.client, 'shop', { holder: 'me/pid-1', clock, onWait: (m) => waits.push(m) });
    expect(clock.now()).toBeGreaterThanOrEqual(60_000);
    expect(clock.now()).toBeLessThan(63_000);
    expect(k.lease.spec.holderIdentity).toBe('me/pid-1');
    expect(k.lease.spec.leaseTransitions).toBe(1);
    expect(waits[0]).toMatch(/lease held by "ghost\/pid-9" and not renewed: taking it over if it stays unchanged for 60s more/);
    expect(() => held.assertHeld()).not.toThrow();
    await held.release();
  });
  test('a holder that keeps renewing while we watch: LEASE_HELD, never taken', async () => {
    const k = fakeCluster({ holder: 'alive/pid-2', renewTime: '2001-01-01T00:00:00.000000Z' });
    let n = 0;
    k.hooks.onGet = () => { if (n++ > 0) k.write({ renewTime: `2001-01-01T00:00:0${n % 10}.000000Z` }); };
    const e = await acquireLease(k.client, 'shop', { holder: 'me/pid-1', clock: fakeClock() }).catch((x) => x);
    expect(e).toBeInstanceOf(FederationError);
    expect(e.code).toBe('LEASE_HELD');
    expect(e.message).toMatch(/holder "alive\/pid-2".*renewed or changed hands while this run watched it/);
    expect(k.lease.spec.holderIdentity).toBe('alive/pid-2');
    expect(k.log).not.toContain('PUT');
  });
  test('freshly renewed by our clock: refused at once with when and how it can be taken', async () => {
    const clock = fakeClock();
    const k = fakeCluster({ holder: 'busy/pid-3', renewTime: new Date(clock.wall().getTime() - 5_000).toISOString() });
    const e = await acquireLease(k.client, 'shop', { holder: 'me/pid-1', clock }).catch((x) => x);
    expect(e.code).toBe('LEASE_HELD');
    expect(e.message).toMatch(/another deploy of federation "shop" holds the lease \(holder "busy\/pid-3"/);
    expect(e.hint).toMatch(/unchanged for 60s \(watched from this machine\) is taken over; --break-lock takes it at once/);
    expect(clock.now()).toBe(0);
  });
  test('--break-lock takes it at once', async () => {
    const clock = fakeClock();
    const k = fakeCluster({ holder: 'busy/pid-3', renewTime: clock.wall().toISOString() });
    const held = await acquireLease(k.client, 'shop', { holder: 'me/pid-1', clock, breakLock: true });
    expect(k.lease.spec.holderIdentity).toBe('me/pid-1');
    expect(clock.now()).toBe(0);
    await held.release();
  });
  test('freed (no holder): taken at once', async () => {
    const k = fakeCluster({ holder: '', renewTime: '2001-01-01T00:00:00.000000Z' });
    const held = await acquireLease(k.client, 'shop', { holder: 'me/pid-1', clock: fakeClock() });
    expect(k.lease.spec.holderIdentity).toBe('me/pid-1');
    await held.release();
    expect(k.lease.spec.holderIdentity).toBe('');
  });
  test('taken by someone else between our read and our write: 409, LEASE_HELD', async () => {
    const k = fakeCluster({ holder: '', renewTime: '2001-01-01T00:00:00.000000Z' });
    k.hooks.onGet = () => k.write({ holderIdentity: '' }); // a write after every read moves the resourceVersion on
    const e = await acquireLease(k.client, 'shop', { holder: 'me/pid-1', clock: fakeClock() }).catch((x) => x);
    expect(e.code).toBe('LEASE_HELD');
    expect(e.message).toMatch(/took the lease at the same moment/);
  });
});

describe('acquireLease from a Lease read earlier (the preflight\'s read, `read`)', () => {
  test('freed when read: taken with one write, no second read; the held lease names the version it was taken from', async () => {
    const k = fakeCluster({ holder: '', renewTime: '2001-01-01T00:00:00.000000Z' });
    const read = k.client.request('GET', '/lease');
    const version = leaseVersion(await read);
    expect(isFreeLease(await read)).toBe(true);
    const held = await acquireLease(k.client, 'shop', { holder: 'me/pid-1', clock: fakeClock(), read });
    expect(k.log).toEqual(['GET', 'PUT']);
    expect(k.lease.spec.holderIdentity).toBe('me/pid-1');
    expect(held.takenFrom).toBe(version);
    expect(leaseVersion(k.lease)).not.toBe(version);
    await held.release();
  });
  test('created (none when read): taken from no version', async () => {
    const k = fakeCluster();
    const held = await acquireLease(k.client, 'shop', { holder: 'me/pid-1', clock: fakeClock() });
    expect(held.takenFrom).toBeUndefined();
    await held.release();
  });
  test('taken by another run after that read: 409, LEASE_HELD, and the other run\'s lease is left as it is', async () => {
    const k = fakeCluster({ holder: '', renewTime: '2001-01-01T00:00:00.000000Z' });
    const read = await k.client.request('GET', '/lease');
    k.write({ holderIdentity: 'other/pid-5', renewTime: '2026-06-01T12:00:00.000000Z' });
    const e = await acquireLease(k.client, 'shop', { holder: 'me/pid-1', clock: fakeClock(), read: Promise.resolve(read) }).catch((x) => x);
    expect(e.code).toBe('LEASE_HELD');
    expect(k.lease.spec.holderIdentity).toBe('other/pid-5');
    expect(k.log).toEqual(['GET', 'PUT']);
  });
  test('none when read, created by another run since: its lease is watched like any held one, never overwritten', async () => {
    const clock = fakeClock();
    const k = fakeCluster();
    const read = Promise.resolve(undefined);
    k.create({ holderIdentity: 'other/pid-5', renewTime: clock.wall().toISOString() });
    const e = await acquireLease(k.client, 'shop', { holder: 'me/pid-1', clock, read }).catch((x) => x);
    expect(e.code).toBe('LEASE_HELD');
    expect(k.lease.spec.holderIdentity).toBe('other/pid-5');
  });
});

describe('a held lease is fenced', () => {
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  test('taken over (another holder written): the next renewal finds it, assertHeld throws LEASE_LOST naming the new holder, the signal aborts, release writes nothing', async () => {
    const k = fakeCluster();
    const held = await acquireLease(k.client, 'shop', { holder: 'me/pid-1', seconds: 0.3 }); // renews every 50 ms
    await wait(120);
    expect(() => held.assertHeld()).not.toThrow();
    expect(k.log.filter((m) => m === 'PUT').length).toBeGreaterThan(0);
    k.write({ holderIdentity: 'thief/pid-7' });
    await wait(300);
    expect(held.signal.aborted).toBe(true);
    let e: any;
    try {
      assertLeaseHeld(k.client);
    } catch (x) {
      e = x;
    }
    expect(e.code).toBe('LEASE_LOST');
    expect(e.where).toBe('cluster c1');
    expect(e.message).toMatch(/lost the lease of federation "shop" \(now held by "thief\/pid-7"\): another run took it over; it stopped writing/);
    expect(held.signal.reason).toBe(e);
    const puts = k.log.filter((m) => m === 'PUT').length;
    await held.release();
    expect(k.log.filter((m) => m === 'PUT').length).toBe(puts);
    expect(k.lease.spec.holderIdentity).toBe('thief/pid-7');
  });
  test('a takeover between the renewal\'s read and its write is a conflict: lost', async () => {
    const k = fakeCluster();
    const held = await acquireLease(k.client, 'shop', { holder: 'me/pid-1', seconds: 0.3 });
    k.hooks.onGet = () => k.write({ holderIdentity: 'me/pid-1', renewTime: 'x' }); // rv moves on after our read
    await wait(300);
    expect(() => held.assertHeld()).toThrow(/between our read and our renewal \(conflict\)/);
  });
  test('renewals that keep failing: lost after two thirds of the duration, not before', async () => {
    const k = fakeCluster();
    const held = await acquireLease(k.client, 'shop', { holder: 'me/pid-1', seconds: 1.5 }); // renew 250 ms, deadline 1 s
    k.hooks.failPut = () => new KubeApiError('c1', 500, 'InternalError', 'etcd timeout');
    await wait(500);
    expect(() => held.assertHeld()).not.toThrow();
    expect(k.log.filter((m) => m === 'PUT').length).toBeGreaterThan(0); // it did try
    await wait(800);
    expect(() => held.assertHeld()).toThrow(/could not be renewed for \d+s \(etcd timeout\)|not renewed for/);
    expect(held.signal.aborted).toBe(true);
    await held.release();
  });
  test('no renewal for two thirds of the duration by the local clock (a stalled process): assertHeld refuses even before any timer runs', async () => {
    const k = fakeCluster();
    const clock = fakeClock();
    const held = await acquireLease(k.client, 'shop', { holder: 'me/pid-1', clock });
    clock.advance(39_000);
    expect(() => held.assertHeld()).not.toThrow();
    clock.advance(1_000);
    expect(() => held.assertHeld()).toThrow(/not renewed for 40s, so another run may take it/);
    await held.release();
    expect(k.lease.spec.holderIdentity).toBe('me/pid-1'); // lost: never written again, it expires by itself
  });
  test('record helper reads an empty spec as free with the default duration', () => {
    expect(leaseRecord({})).toEqual({ holder: '', durationSeconds: 60, renewTime: undefined, acquireTime: undefined, transitions: undefined });
  });
});

describe('reads that see no deploy in progress', () => {
  test('only a Lease that exists and nobody holds is free', () => {
    expect(isFreeLease(undefined)).toBe(false);
    expect(isFreeLease({ metadata: { resourceVersion: '7' }, spec: { holderIdentity: '' } })).toBe(true);
    expect(isFreeLease({ metadata: { resourceVersion: '7' }, spec: {} })).toBe(true);
    expect(isFreeLease({ metadata: { resourceVersion: '7' }, spec: { holderIdentity: 'other/pid-1' } })).toBe(false);
    expect(isFreeLease({ metadata: {}, spec: { holderIdentity: '' } })).toBe(false); // no version to compare with
  });

  test('a cluster this run found up to date without its lease refuses every write; other clients are unaffected', () => {
    const a = { name: 'a' } as unknown as ClusterClient;
    const b = { name: 'b' } as unknown as ClusterClient;
    expect(() => assertLeaseHeld(a)).not.toThrow();
    forbidWrites(a);
    const e = (() => { try { assertLeaseHeld(a); } catch (x) { return x as FederationError; } })();
    expect(e?.code).toBe('LEASE_NOT_TAKEN');
    expect(e?.message).toMatch(/cluster a: .*without taking its lease/);
    expect(() => assertLeaseHeld(b)).not.toThrow();
  });
});
