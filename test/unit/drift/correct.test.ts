/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { keepIgnoredAsLive } from '../../../lib/drift/drift';
import { unchangedSinceRecord } from '../../../lib/drift/plan';
import { contentDigest } from '../../../lib/kube/digest';

const want = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
  spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'web:1', resources: { limits: { cpu: '1' } } }, { name: 'side', image: 'side:1' }] } } },
};

describe('drift --correct keeps ignored fields as they are live', () => {
  test('a covered field takes its live value; everything else stays as recorded; the input is not changed', () => {
    const live = { spec: { replicas: 5, template: { spec: { containers: [{ name: 'web', image: 'web:hotfix' }, { name: 'side', image: 'side:2' }] } } } };
    const out = keepIgnoredAsLive(want, live, [{ path: ['spec', 'replicas'], why: 'hpa' }, { path: ['spec', 'template', 'spec', 'containers', 'side', 'image'], why: 'x' }]) as any;
    expect(out.spec.replicas).toBe(5);
    expect(out.spec.template.spec.containers.map((c: any) => c.image)).toEqual(['web:1', 'side:2']);
    expect(want.spec.replicas).toBe(2);
  });

  test('a covered field absent live is left out; no rules: the same object', () => {
    const out = keepIgnoredAsLive(want, { spec: { template: { spec: { containers: [{ name: 'web' }] } } } }, [{ path: ['spec', 'template', 'spec', 'containers', '*', 'resources'], why: 'vpa' }]) as any;
    expect(out.spec.template.spec.containers[0].resources).toBeUndefined();
    expect(out.spec.template.spec.containers[0].image).toBe('web:1');
    expect(keepIgnoredAsLive(want, {}, [])).toBe(want);
  });
});

describe('plan: unchanged without a dry run only when the revision in force applied this very manifest and live still holds every value', () => {
  const live = { ...want, metadata: { ...want.metadata, uid: 'u', resourceVersion: '9' }, status: { replicas: 2 } };
  test.each([
    ['recorded as is, live matches', contentDigest(want), want, live, true],
    ['no record of it (new in the set)', contentDigest(want), undefined, live, false],
    ['absent live', contentDigest(want), want, undefined, false],
    ['the manifest changed since the record', 'sha256:other', want, live, false],
    ['drifted live (another image)', contentDigest(want), want, { ...live, spec: { ...want.spec, template: { spec: { containers: [{ name: 'web', image: 'web:hotfix' }, want.spec.template.spec.containers[1]] } } } }, false],
  ])('%s', (_what, digest, recorded, l, expected) => {
    expect(unchangedSinceRecord(digest as string, recorded as any, l as any)).toBe(expected);
  });
});
