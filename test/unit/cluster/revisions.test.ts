/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { createHash, randomBytes } from 'crypto';
import { gunzipSync, gzipSync } from 'zlib';
import { buildShop } from '../../../apps/shop';
import { FederationApp } from '../../../lib';
import {
  blockingUnreadable, checkDigests, checkRevisionSize, decodeRevision, recordedDigests, recordedSetDigest, RecordEntry, recordsToTrim, revisionFits, revisionSecret, RevisionRecord,
  revisionRecordSize, SECRET_DATA_LIMIT, UnreadableRecord,
} from '../../../lib/cluster/revisions';
import { contentDigest, objectSetDigest } from '../../../lib/kube/digest';
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

describe('data.digests: a record is checked by two digests instead of one per object (#19)', () => {
  const objects = [cm('a'), cm('b', { b: '2' }), cm('c', { c: '3' })];
  const digestsOf = (s: any) => JSON.parse(gunzipSync(Buffer.from(s.data.digests, 'base64')).toString());
  const setDigests = (s: any, d: any) => { s.data.digests = gzipSync(Buffer.from(JSON.stringify(d))).toString('base64'); };
  const decoded = (s: any): RevisionRecord => {
    const d = decodeRevision(s, 'shop');
    if (!('record' in d)) throw new Error(d.unreadable.reason);
    return d.record;
  };
  const computed = objects.map((o) => contentDigest(o));

  test('a record written now carries the sha256 of data.objects and each object\'s content digest, in order', () => {
    const s = revisionSecret(rec(2, 'deployed', objects));
    const d = digestsOf(s);
    expect(d.each).toEqual(computed);
    expect(d.objects).toBe(`sha256:${createHash('sha256').update(Buffer.from(s.data.objects, 'base64')).digest('hex')}`);
    const r = decoded(s);
    expect(r.objects).toEqual(objects);
    expect(recordedDigests(r.objects)).toEqual(computed);
  });

  test('stored digests that hold are taken as they are: no object is digested again', () => {
    // Digests that are not the objects' own, with a record digest made from them: only a check that
    // takes the stored digests (and checks their set digest and data.objects' sha256) accepts it.
    const s = revisionSecret(rec(2, 'deployed', objects));
    const fake = ['sha256:1', 'sha256:2', 'sha256:3'];
    setDigests(s, { ...digestsOf(s), each: fake });
    s.data.meta = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(s.data.meta, 'base64').toString()), digest: objectSetDigest(fake) })).toString('base64');
    expect(recordedDigests(decoded(s).objects)).toEqual(fake);
  });

  test.each([
    ['no data.digests (a record written before)', (s: any) => { delete s.data.digests; }],
    ['data.digests not gzipped JSON', (s: any) => { s.data.digests = Buffer.from('garbage').toString('base64'); }],
    ['one digest too few', (s: any, d: any) => setDigests(s, { ...d, each: d.each.slice(1) })],
    ['a digest that is not a string', (s: any, d: any) => setDigests(s, { ...d, each: [1, ...d.each.slice(1)] })],
    ['one object digest changed', (s: any, d: any) => setDigests(s, { ...d, each: ['sha256:0', ...d.each.slice(1)] })],
    ['the sha256 of another data.objects', (s: any, d: any) => setDigests(s, { ...d, objects: 'sha256:0' })],
  ])('%s: the record is checked object by object, and passes with its own digests', (_, spoil) => {
    const s = revisionSecret(rec(2, 'deployed', objects));
    spoil(s, digestsOf(s));
    const r = decoded(s);
    expect(r.objects).toEqual(objects);
    expect(recordedDigests(r.objects)).toEqual(computed);
  });

  test('objects changed after writing, data.digests left as written: unreadable (their digest does not match the record\'s)', () => {
    const s = revisionSecret(rec(4, 'deployed', objects));
    s.data.objects = gzipSync(Buffer.from(JSON.stringify([cm('a', { a: 'tampered' }), ...objects.slice(1)]))).toString('base64');
    const out = decodeRevision(s, 'shop');
    expect('unreadable' in out && out.unreadable.reason).toMatch(/^its objects do not match its digest \(recorded sha256:[0-9a-f]{12}…, computed sha256:[0-9a-f]{12}…\)$/);
  });

  test.each([500, 2000, 2600, 3000])('their bytes count toward the Secret limit, and revisionFits allows for them (%i objects)', (n) => {
    const many = Array.from({ length: n }, (_, i) => cm(`m-${i}`, { d: randomBytes(250).toString('base64') }));
    const s = revisionSecret(rec(1, 'deployed', many));
    const size = revisionRecordSize(rec(1, 'deployed', many));
    expect(Buffer.from(s.data.digests, 'base64').length).toBeGreaterThan(n * 32); // at least the digests' own bytes: they do not compress
    expect(size).toBe(['meta', 'objects', 'digests'].reduce((sum, k) => sum + Buffer.from(s.data[k], 'base64').length, 0));
    // revisionFits is a bound made without compressing: when it says a set fits, its record fits with room for a failure reason.
    const json = Buffer.byteLength(JSON.stringify(many));
    if (revisionFits(json, n)) expect(size + 8 * 1024).toBeLessThanOrEqual(SECRET_DATA_LIMIT);
    expect(revisionFits(json, n)).toBe(json + json / 1000 + n * 80 + 2048 + 8 * 1024 <= SECRET_DATA_LIMIT);
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
