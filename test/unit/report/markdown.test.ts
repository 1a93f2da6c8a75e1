/**
 * Plan and drift markdown cannot be broken by content (#15): any value, with any run of
 * backticks and any line ending, stays inside its fence; the report's structure after it
 * (later fences, `</details>`) is intact. Checked with a CommonMark fence reader.
 */
import { changeSet, ChangeSetEntry } from '../../../lib/cluster/changeset';
import type { FleetDrift } from '../../../lib/drift/drift';
import type { FleetPlan } from '../../../lib/drift/plan';
import { unifiedDiff } from '../../../lib/drift/plan';
import { renderDrift } from '../../../lib/report/drift';
import { fenced, mdCode, mdText } from '../../../lib/report/markdown';
import { renderPlan } from '../../../lib/report/plan';
import { fences } from '../../support/markdown';

/** Deterministic generator: the same cases on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}
const r = rng(13);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const PIECES = ['`', '``', '```', '````', '`````````', '~~~', '\n', '\r\n', '\r', ' ', '   ', '\t', 'a', 'x: 1', '|', '<details>', '</details>', '<!--', '#', '- ', '```diff', '"', '\\'];
const content = (max = 12) => Array.from({ length: 1 + Math.floor(r() * max) }, () => pick(PIECES)).join('');
/** Text as a CommonMark reader sees its lines. */
/** Text as a CommonMark reader sees its lines when a line ending follows it (a trailing \r and the \n after it are one line ending). */
const lines = (s: string) => `${s}\n`.split(/\r\n|\r|\n/).slice(0, -1).join('\n');
const CASES = 400;

const planned = (entries: ChangeSetEntry[]) => changeSet(entries, { dryRun: true });
const WAVES = [{ name: 'w1', clusters: ['a'], maxParallel: 1, healthTimeoutSeconds: 60, bakeTimeSeconds: 0 }, { name: 'w2', clusters: ['b'], maxParallel: 1, healthTimeoutSeconds: 60, bakeTimeSeconds: 0 }];

describe('fenced', () => {
  test('any body stays inside its fence, whatever backtick runs and line endings it holds', () => {
    for (let i = 0; i < CASES; i++) {
      const body = content();
      const f = fences([...fenced(body, 'diff'), '', 'after', '```', 'next', '```'].join('\n'));
      expect([body, f.length, f[0].info, f[0].closed, f[0].body]).toEqual([body, 2, 'diff', true, lines(body)]);
      expect(f[1].body).toBe('next');
    }
  });
  test('the fence is 3 backticks unless the body holds a run of 3 or more, then one longer', () => {
    expect(fenced('a `b` c')).toEqual(['```', 'a `b` c', '```']);
    expect(fenced('x\n```\ny', 'diff')).toEqual(['````diff', 'x\n```\ny', '````']);
    expect(fenced('``````')[0]).toBe('```````');
  });
});

describe('inline text and code spans', () => {
  test('mdCode: a span no inner run can close; the text comes back as written', () => {
    for (let i = 0; i < CASES; i++) {
      const t = content(6).replace(/\r\n|\r|\n/g, ' ');
      if (t.trim() === '') continue;
      const span = mdCode(t);
      const n = /^`+/.exec(span)![0].length;
      const inner = span.slice(n, span.length - n);
      expect(span.endsWith('`'.repeat(n)) && !span.endsWith('`'.repeat(n + 1))).toBe(true);
      expect((inner.match(/`+/g) ?? []).every((run) => run.length !== n)).toBe(true);
      // CommonMark strips one space on each side when both are spaces (and the text is not all spaces)
      const shown = inner.startsWith(' ') && inner.endsWith(' ') ? inner.slice(1, -1) : inner;
      expect(shown).toBe(t);
    }
    expect(mdCode('shop')).toBe('`shop`');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x')).toBe('`` `x ``');
  });
  test('mdText: one line, no HTML', () => {
    for (let i = 0; i < CASES; i++) expect(mdText(content())).not.toMatch(/[\r\n<]/);
  });
});

describe('plan markdown', () => {
  test('every diff stays in its own fence; later fences and </details> are intact', () => {
    for (let i = 0; i < CASES / 4; i++) {
      const objects = (n: number): ChangeSetEntry[] => Array.from({ length: n }, (_, k) => ({
        ref: { group: '', kind: 'ConfigMap', namespace: 'shop', name: `c${k}` }, action: 'configured' as const,
        fields: [{ path: `.data.${content(3)}` }], diff: unifiedDiff({ data: { K: content() } }, { data: { K: content() } }), ...(r() < 0.3 ? { message: content() } : {}),
      }));
      const [oa, ob] = [objects(1 + Math.floor(r() * 3)), objects(1 + Math.floor(r() * 3))];
      const plan: FleetPlan = {
        federation: 'shop', waves: WAVES,
        clusters: [
          { cluster: 'a', wave: 'w1', changes: planned(oa), blastRadius: [] },
          { cluster: 'b', wave: 'w2', changes: planned(ob), blastRadius: [{ object: 'Namespace old', foreign: [content(3)] }] },
        ],
      };
      const md = renderPlan(plan, 'markdown');
      const f = fences(md);
      expect(f.every((x) => x.closed)).toBe(true);
      expect(f.map((x) => x.info)).toEqual(['mermaid', ...[...oa, ...ob].map(() => 'diff')]);
      expect(f.slice(1).map((x) => x.body)).toEqual([...oa, ...ob].map((o) => lines(o.diff!)));
      // </details> closes each cluster's section outside any fence
      const mdLines = md.split(/\r\n|\r|\n/);
      const outside = mdLines.filter((l, n) => l === '</details>' && !f.some((x) => n > x.open && n < x.close!));
      expect(outside).toHaveLength(2);
    }
  });
  test('a diff holding a line of 3 backticks (a top-level multi-line string) gets a longer fence', () => {
    const diff = unifiedDiff({ description: 'A\n```\nB\nC' }, { description: 'A\n```\nB\nD' });
    expect(diff).toContain('\n   ```\n');
    const plan: FleetPlan = { federation: 'shop', waves: WAVES, clusters: [{ cluster: 'a', wave: 'w1', changes: planned([{ ref: { group: 'scheduling.k8s.io', kind: 'PriorityClass', name: 'p' }, action: 'configured', fields: [{ path: '.description' }], diff }]), blastRadius: [] }] };
    const md = renderPlan(plan, 'markdown');
    expect(md).toContain(`\`\`\`\`diff\n${diff}\n\`\`\`\`\n`);
    expect(fences(md).map((x) => [x.info, x.closed])).toEqual([['mermaid', true], ['diff', true]]);
  });
  test('ordinary content renders as before: 3-backtick fences, single-backtick code spans', () => {
    const plan: FleetPlan = { federation: 'shop', waves: WAVES, clusters: [{ cluster: 'a', wave: 'w1', changes: planned([{ ref: { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web' }, action: 'configured', fields: [{ path: '.spec.x' }], diff: '-a\n+b' }]), blastRadius: [] }] };
    const md = renderPlan(plan, 'markdown');
    expect(md).toContain('## cdkfed plan: federation `shop`\n\n```mermaid\nflowchart LR\n');
    expect(md).toContain('**~ Deployment shop/web** — `.spec.x`\n\n```diff\n-a\n+b\n```\n');
  });
});

describe('drift markdown', () => {
  test('any desired or live value stays inside the fence; </details> is intact', () => {
    for (let i = 0; i < CASES / 4; i++) {
      const field = () => ({ path: '.data.K', desired: content(), live: r() < 0.2 ? { nested: content() } : content(), ...(r() < 0.3 ? { manager: content(3) } : {}) });
      const d: FleetDrift = {
        federation: 'shop',
        clusters: ['a', 'b'].map((cluster, k) => ({ cluster, wave: `w${k + 1}`, revision: 1, pendingDeploy: false, ignored: [],
          changes: changeSet([{ ref: { group: '', kind: 'ConfigMap', namespace: 'shop', name: 'c' }, action: 'configured', drift: 'modified', fields: [field(), field()] }], { dryRun: true }) })),
      };
      const md = renderDrift(d, WAVES, 'markdown');
      const f = fences(md);
      expect(f.map((x) => x.closed)).toEqual([true, true]);
      for (const [k, x] of f.entries()) {
        expect(x.body.startsWith('~ ConfigMap shop/c: modified\n    .data.K: desired ')).toBe(true);
        const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
        const want = ['~ ConfigMap shop/c: modified', ...d.clusters[k].changes.entries[0].fields!.map((fl) => `    ${fl.path}: desired ${show(fl.desired)}, live ${show(fl.live)}${fl.manager ? ` (owned by "${fl.manager}")` : ''}`)];
        expect(x.body).toBe(lines(want.join('\n')));
      }
      const mdLines = md.split(/\r\n|\r|\n/);
      expect(mdLines.filter((l, n) => l === '</details>' && !f.some((x) => n > x.open && n < x.close!))).toHaveLength(2);
    }
  });
});
