import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';
import { codeCacheFile, requireCached, writeCodeCache } from '../../../lib/cli/cached-require';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkfed-cache-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A CommonJS file answering `answer`, requiring a sibling module (so its require resolves from its own folder). */
function moduleFile(name: string, answer: number): string {
  fs.writeFileSync(path.join(dir, 'sibling.js'), 'module.exports = { base: 1000 };\n');
  const file = path.join(dir, name);
  fs.writeFileSync(file, `const { base } = require('./sibling'); exports.answer = () => base + ${answer}; exports.file = __filename; exports.dir = __dirname;\n`);
  return file;
}

test('a module with the cache written for it loads from the cache and works', () => {
  const file = moduleFile('a.js', 1);
  writeCodeCache(file);
  const m = requireCached(file);
  expect(m.cache).toBe('used');
  expect((m.exports as { answer(): number }).answer()).toBe(1001);
  expect(m.exports).toMatchObject({ file, dir });
});

test('without a cache file it loads as require would', () => {
  const file = moduleFile('b.js', 2);
  const m = requireCached(file);
  expect(m.cache).toBe('none');
  expect((m.exports as { answer(): number }).answer()).toBe(1002);
});

test('a second load returns the same module, run once', () => {
  const file = path.join(dir, 'count.js');
  fs.writeFileSync(file, 'globalThis.__cdkfedLoads = (globalThis.__cdkfedLoads ?? 0) + 1; module.exports = { n: globalThis.__cdkfedLoads };\n');
  const first = requireCached(file).exports;
  expect(requireCached(file).exports).toBe(first);
  expect((first as { n: number }).n).toBe(1);
  delete (globalThis as { __cdkfedLoads?: number }).__cdkfedLoads;
});

test('V8 alone takes a cache made for other source of the same length and runs the old code; requireCached runs the new source', () => {
  // The hazard the source digest guards against, shown on V8 itself.
  const [before, after] = ['(function () { return 1111; })', '(function () { return 2222; })'];
  const made = new vm.Script(before, { filename: path.join(dir, 'x.js') });
  made.runInThisContext();
  const stale = new vm.Script(after, { filename: path.join(dir, 'x.js'), cachedData: made.createCachedData() });
  expect(stale.cachedDataRejected).toBe(false);
  expect((stale.runInThisContext() as () => number)()).toBe(1111);

  const file = moduleFile('c.js', 3);
  writeCodeCache(file);
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('+ 3;', '+ 4;')); // same length, other code
  const m = requireCached(file);
  expect(m.cache).toBe('other-source');
  expect((m.exports as { answer(): number }).answer()).toBe(1004);
});

test('a cache V8 refuses (corrupt, or another Node) is ignored and the module still loads', () => {
  const file = moduleFile('d.js', 5);
  writeCodeCache(file);
  const stored = fs.readFileSync(codeCacheFile(file));
  fs.writeFileSync(codeCacheFile(file), Buffer.concat([stored.subarray(0, 32), Buffer.from('not a V8 code cache at all, and long enough to be read')]));
  const m = requireCached(file);
  expect(m.cache).not.toBe('other-source'); // handed to V8, which compiles the source instead
  expect((m.exports as { answer(): number }).answer()).toBe(1005);
});

test('a module that throws while loading is not kept, so a later load runs it again', () => {
  const file = path.join(dir, 'throws.js');
  fs.writeFileSync(file, 'throw new Error("boom at load");\n');
  expect(() => requireCached(file)).toThrow('boom at load');
  fs.writeFileSync(file, 'module.exports = { ok: true };\n');
  expect(requireCached(file).exports).toEqual({ ok: true });
});

test('the cache is written whole or not at all: no temporary file is left beside it', () => {
  const file = moduleFile('e.js', 6);
  writeCodeCache(file);
  expect(fs.readdirSync(dir).sort()).toEqual(['e.js', 'e.js.v8cache', 'sibling.js']);
});
