import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { inlineWriter, rebuiltError, workerError } from '../../../lib/synth/files';
import { FederationError } from '../../../lib/errors';
import { finalizeObjects } from '../../../lib/synth/objects';
import { ClusterJob } from '../../../lib/synth/cluster-files';
import { cluster } from '../../support/terraform';
import { tmpdir } from '../../support/fixtures';

const ROOT = path.join(__dirname, '../../..');
const job = (dir: string, name: string, n = 3): ClusterJob => ({
  dir, cluster: cluster(name), wave: 'all',
  objects: Array.from({ length: n }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'ns' }, data: { i: String(i) } })),
  origins: [['/ConfigMap/ns/cm-0', { app: 'web' }]],
});

describe('cluster writers', () => {
  test('inline: manifests written, federation.json entries in submission order', () => {
    const dir = tmpdir();
    const w = inlineWriter();
    w.submit(job(dir, 'b'));
    w.submit(job(dir, 'a', 1));
    const plans = w.finish();
    expect(plans.map((p) => [p.name, p.objects.length])).toEqual([['b', 3], ['a', 1]]);
    expect(plans[0].objects[0]).toMatchObject({ kind: 'ConfigMap', name: 'cm-0', app: 'web', file: 'b/08-configmap_ns_cm-0.yaml' });
    expect(fs.readFileSync(path.join(dir, 'b', '08-configmap_ns_cm-2.yaml'), 'utf8')).toContain('i: "2"');
  });

  // Worker threads load the TypeScript sources through tsx, as apps run (jest's transform does not reach workers).
  const script = (body: string) => spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', `
    const { threadedWriter } = require(${JSON.stringify(path.join(ROOT, 'lib/synth/files'))});
    const fs = require('fs'); const path = require('path');
    const job = (dir, name, n) => ({ dir, cluster: { name, region: 'r', provider: 'p', jurisdiction: 'j', labels: {}, context: name, capacity: 1, role: 'primary' }, wave: 'all',
      objects: Array.from({ length: n }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-' + i, namespace: 'ns' }, data: { i: String(i) } })) });
    ${body}`], { cwd: ROOT, encoding: 'utf8' });

  test('threaded: every cluster written by worker threads, entries in submission order, same files as inline', () => {
    const dir = tmpdir();
    const r = script(`
      const w = threadedWriter(2);
      if (!w) throw new Error('no worker');
      for (let c = 0; c < 20; c++) w.submit(job(${JSON.stringify(dir)} + '/threaded', 'c' + c, 50 + c));
      const plans = w.finish();
      process.stdout.write(JSON.stringify(plans.map((p) => [p.name, p.objects.length])));`);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(Array.from({ length: 20 }, (_, c) => [`c${c}`, 50 + c]));
    const inline = inlineWriter();
    for (let c = 0; c < 20; c++) inline.submit({ ...job(path.join(dir, 'inline'), `c${c}`, 50 + c), origins: undefined });
    inline.finish();
    for (let c = 0; c < 20; c++) {
      const files = fs.readdirSync(path.join(dir, 'inline', `c${c}`));
      expect(fs.readdirSync(path.join(dir, 'threaded', `c${c}`))).toEqual(files);
      for (const f of files) expect(fs.readFileSync(path.join(dir, 'threaded', `c${c}`, f), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'inline', `c${c}`, f), 'utf8'));
    }
  });

  test('threaded: a failed write is thrown by finish()', () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'blocker'), 'a file where a folder should be');
    const r = script(`
      const w = threadedWriter(1);
      w.submit(job(${JSON.stringify(path.join(dir, 'blocker'))}, 'x', 2));
      try { w.finish(); process.stdout.write('no error'); } catch (e) { process.stdout.write(e.code + ' ' + e.message); }`);
    expect(r.stdout).toMatch(/^(ENOTDIR|EEXIST) /);
  });

  test('threaded: objects finalized on the worker, the same files as finalized before; a FederationError of a worker is thrown as one', () => {
    const dir = tmpdir();
    const r = script(`
      const w = threadedWriter(2);
      const raw = (name, n) => ({ ...job(${JSON.stringify(dir)} + '/raw', name, n), objects: job('', name, n).objects.reverse(), finalize: { federation: 'fed', cluster: name, where: 'App/fed/' + name } });
      for (let c = 0; c < 4; c++) w.submit(raw('c' + c, 3 + c));
      w.finish();
      const bad = threadedWriter(1);
      const dup = raw('d', 2);
      bad.submit({ ...dup, objects: [...dup.objects, dup.objects[0]] });
      try { bad.finish(); } catch (e) { process.stdout.write(JSON.stringify({ name: e.name, code: e.code, where: e.where, hint: e.hint, message: e.message })); }`);
    expect(r.stderr).toBe('');
    const e = JSON.parse(r.stdout);
    expect(e).toMatchObject({ name: 'FederationError', code: 'DUPLICATE_OBJECT', where: 'App/fed/d' });
    expect(e.message).toBe(new FederationError(e.code, e.where, 'two objects are ConfigMap "ns/cm-1" in cluster "d"', e.hint).message);
    const inline = inlineWriter();
    for (let c = 0; c < 4; c++) {
      const j = job(path.join(dir, 'final'), `c${c}`, 3 + c);
      inline.submit({ ...j, origins: undefined, objects: finalizeObjects(j.objects, { federation: 'fed', cluster: `c${c}`, where: 'x' }) });
    }
    inline.finish();
    for (let c = 0; c < 4; c++) {
      const files = fs.readdirSync(path.join(dir, 'final', `c${c}`));
      expect(fs.readdirSync(path.join(dir, 'raw', `c${c}`))).toEqual(files);
      for (const f of files) expect(fs.readFileSync(path.join(dir, 'raw', `c${c}`, f), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'final', `c${c}`, f), 'utf8'));
    }
  });

  test('worker errors: a FederationError keeps its code, place, message and hint; a system error its code', () => {
    for (const hint of ['give each object a unique name', undefined]) {
      const original = new FederationError('DUPLICATE_OBJECT', 'App/fed/c1', 'two objects are ConfigMap "ns/a": one\n  hint: in the message', hint);
      const back = rebuiltError(JSON.parse(JSON.stringify(workerError(original))));
      expect(back).toBeInstanceOf(FederationError);
      expect(back).toMatchObject({ code: original.code, where: original.where, hint: original.hint, message: original.message });
    }
    const sys = rebuiltError(workerError(Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC' })));
    expect(sys).not.toBeInstanceOf(FederationError);
    expect(sys).toMatchObject({ code: 'ENOSPC', message: 'ENOSPC: no space left' });
  });
});
