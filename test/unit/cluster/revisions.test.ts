/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { randomBytes } from 'crypto';
import { gzipSync } from 'zlib';
import { buildShop } from '../../../apps/shop';
import { FederationApp } from '../../../lib';
import {
  blockingUnreadable, checkDigests, checkRevisionSize, decodeRevision, recordedSetDigest, RecordEntry, recordsToTrim, revisionSecret, RevisionRecord,
  revisionRecordSize, SECRET_DATA_LIMIT, UnreadableRecord,
} from '../../../lib/cluster/revisions';
import { readInventory } from '../../../lib/inventory/read';
import { KubeObject } from '../../../lib/kube/object';
import { errorOf, tmpdir } from '../../support/fixtures';

const cm = (name: string, data: Record<string, string> = { a: '1' }): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'shop' }, data } as any);
const rec = (revision: number, status: RevisionRecord['status'], objects: KubeObject[] = [cm('x')]): RevisionRecord => ({
  federation: 'shop', cluster: 'c1', revision, status, digest: recordedSetDigest(objects), objects, started: '2026-01-01T00:00:00.000Z', updated: '2026-01-01T00:00:00.000Z',
});

describe('record size (#11)', () => {
  test('a usual set fits', () => {
    expect(() => checkRevisionSize('shop', 'c1', 'sha256:x', [cm('a'), cm('b')])).not.toThrow();
  });
  test('a set whose gzipped record exceeds the 1 MiB Secret limit fails before any write, naming cluster, size and limit', () => {
    // random data does not compress: 3 × 400 KB of it cannot fit
    const big = [0, 1, 2].map((i) => cm(`blob-${i}`, { data: randomBytes(400_000).toString('base64') }));
    const e = errorOf(() => checkRevisionSize('shop', 'eu-1', 'sha256:x', big));
    expect(e.code).toBe('REVISION_TOO_LARGE');
    expect(e.where).toBe('cluster eu-1');
    const size = revisionRecordSize(rec(1, 'deployed', big));
    expect(size).toBeGreaterThan(SECRET_DATA_LIMIT);
    expect(e.message).toMatch(/its 3 objects would hold \d+ bytes \(gzipped\), over the 1048576-byte limit of a Secret/);
    expect(e.hint).toMatch(/smaller/);
    expect(e.message).not.toContain(big[0].data!.data.slice(0, 20)); // never the content
  });
  test('just under the limit but without room for a failure reason is refused too', () => {
    const near = [cm('n', { d: randomBytes(SECRET_DATA_LIMIT - 7000).toString('base64') })];
    const size = revisionRecordSize(rec(1, 'deployed', near));
    expect(size).toBeLessThan(SECRET_DATA_LIMIT);
    expect(size).toBeGreaterThan(SECRET_DATA_LIMIT - 8 * 1024);
    expect(errorOf(() => checkRevisionSize('shop', 'c1', 'sha256:x', near)).code).toBe('REVISION_TOO_LARGE');
  });
});

describe('decodeRevision: records are checked on read (#1, #11)', () => {
  test('a record round-trips', () => {
    const r = rec(3, 'deployed', [cm('a'), cm('b')]);
    expect(decodeRevision(revisionSecret(r), 'shop')).toEqual({ record: r });
  });
  test('the record digest is the inventory cluster digest, computed from the objects alone', () => {
    const out = tmpdir();
    const app = new FederationApp({ outdir: out, terraformOutdir: false });
    buildShop(app);
    app.synth();
    const c = readInventory(out).clusters.get('eu-primary')!;
    expect(recordedSetDigest(c.objects.map((o) => o.manifest))).toBe(c.digest);
    // and after the JSON round trip a record goes through
    expect(recordedSetDigest(JSON.parse(JSON.stringify(c.objects.map((o) => o.manifest))))).toBe(c.digest);
  });
  const unreadable = (s: any) => {
    const d = decodeRevision(s, 'shop');
    if (!('unreadable' in d)) throw new Error('decoded');
    return d.unreadable;
  };
  test('objects that do not match the digest: unreadable, named, with both digests shortened', () => {
    const s = revisionSecret(rec(4, 'deployed', [cm('a')]));
    s.data.objects = gzipSync(Buffer.from(JSON.stringify([cm('a', { a: 'tampered' })]))).toString('base64');
    const u = unreadable(s);
    expect(u).toMatchObject({ namespace: 'cdk-federation-system', name: 'cdkfed.shop.v4', revision: 4, status: 'deployed' });
    expect(u.reason).toMatch(/^its objects do not match its digest \(recorded sha256:[0-9a-f]{12}…, computed sha256:[0-9a-f]{12}…\)$/);
  });
  test.each([
    ['garbage objects', (s: any) => { s.data.objects = Buffer.from('not gzip').toString('base64'); }, /data.objects is not gzipped JSON/],
    ['garbage meta', (s: any) => { s.data.meta = 'bm90IGpzb24='; }, /data.meta is not base64-encoded JSON/],
    ['missing data', (s: any) => { delete s.data; }, /data.meta/],
    ['another federation', (s: any) => { s.data.meta = Buffer.from(JSON.stringify({ ...rec(4, 'deployed'), objects: undefined, federation: 'other' })).toString('base64'); }, /records federation "other"/],
    ['label and record disagree', (s: any) => { s.metadata.labels['cdk-federation.io/revision'] = '9'; }, /records revision 4 under revision label 9/],
  ])('%s: unreadable', (_, spoil, reason) => {
    const s = revisionSecret(rec(4, 'deployed'));
    spoil(s);
    expect(unreadable(s).reason).toMatch(reason);
  });
});

describe('checkDigests: newest first down to the record in force (#11)', () => {
  const tamper = (r: RevisionRecord): RevisionRecord => ({ ...r, objects: [cm('x', { a: 'changed' })] });
  const entry = (r: RevisionRecord) => ({ s: revisionSecret(r), record: r });
  test('a tampered record in force, or newer than it, fails its digest; history below the one in force is not digested', () => {
    const out = checkDigests([entry(rec(1, 'deployed')), entry(tamper(rec(2, 'deployed'))), entry(rec(3, 'deployed')), entry(tamper(rec(4, 'failed'))), entry(rec(5, 'pending'))]);
    expect(out.records.map((r) => r.revision)).toEqual([1, 2, 3, 5]);
    expect(out.unreadable.map((u) => [u.name, u.reason.slice(0, 40)])).toEqual([['cdkfed.shop.v4', 'its objects do not match its digest (rec']]);
  });
  test('when the newest deployed record fails, the next one down is checked and becomes the one in force; the failed one blocks', () => {
    const out = checkDigests([entry(rec(1, 'deployed')), entry(tamper(rec(2, 'deployed')))]);
    expect(out.records.map((r) => r.revision)).toEqual([1]);
    expect(blockingUnreadable(out.records, out.unreadable).map((u) => u.name)).toEqual(['cdkfed.shop.v2']);
  });
});

describe('blockingUnreadable: which unreadable records stop the cluster (#1)', () => {
  const u = (revision: number): UnreadableRecord => ({ namespace: 'ns', name: `r${revision}`, revision, reason: 'x' });
  test('one newer than the record in force may be in force itself: blocks', () => {
    expect(blockingUnreadable([rec(1, 'deployed'), rec(2, 'deployed')], [u(3)])).toEqual([u(3)]);
  });
  test('with no readable record in force, any unreadable one blocks (never "no previous revision")', () => {
    expect(blockingUnreadable([], [u(1)])).toEqual([u(1)]);
    expect(blockingUnreadable([rec(2, 'failed')], [u(1)])).toEqual([u(1)]);
  });
  test('one without a number blocks', () => {
    expect(blockingUnreadable([rec(5, 'deployed')], [u(NaN)])).toHaveLength(1);
  });
  test('one older than the record in force is history: it does not block (and is trimmed in turn)', () => {
    expect(blockingUnreadable([rec(2, 'deployed'), rec(3, 'failed')], [u(1)])).toEqual([]);
  });
});

describe('recordsToTrim: KEEP_REVISIONS = 10, failed and unreadable included, never the one in force (#11)', () => {
  const e = (revision: number, status?: string): RecordEntry => ({ name: `v${revision}`, revision, status });
  test('ten or fewer: nothing', () => {
    expect(recordsToTrim(Array.from({ length: 10 }, (_, i) => e(i + 1, 'deployed')))).toEqual([]);
  });
  test('the oldest beyond ten go, whatever their status (failed and unreadable count)', () => {
    const entries = [e(3, 'failed'), e(1, 'deployed'), e(2), ...Array.from({ length: 9 }, (_, i) => e(i + 4, 'deployed'))];
    expect(recordsToTrim(entries).map((x) => x.name)).toEqual(['v1', 'v2']);
  });
  test('the one in force is kept even when it is the oldest', () => {
    const entries = [e(1, 'deployed'), ...Array.from({ length: 11 }, (_, i) => e(i + 2, 'failed'))];
    expect(recordsToTrim(entries).map((x) => x.name)).toEqual(['v2', 'v3']);
  });
  test('a record without a number counts as oldest', () => {
    const entries = [...Array.from({ length: 10 }, (_, i) => e(i + 1, 'deployed')), { name: 'garbled', revision: NaN, status: 'deployed' }];
    expect(recordsToTrim(entries).map((x) => x.name)).toEqual(['garbled']);
  });
});
