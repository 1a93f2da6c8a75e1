/**
 * require() of one large CommonJS file (the CLI's bundle) with V8's code cache of it beside it:
 * its functions are deserialized instead of compiled on every run. The build writes the cache
 * (scripts/bundle.js, writeCodeCache) with the Node that builds; under another Node, or other
 * V8 flags, V8 rejects it and the file is compiled as require would. So the npm package does
 * not ship it (package.json `files`): it would be made by the publisher's Node, not the user's.
 *
 * V8 checks a cache against its own version and flags, but against the source only by length:
 * a cache made for other source of the same length would be taken, and run other code. So the
 * cache file starts with the sha256 of the source it was made from, and is used only for that source.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import { Module } from 'module';
import * as path from 'path';
import * as vm from 'vm';

/** Where the cache of `file` is kept. */
export function codeCacheFile(file: string): string {
  return `${file}.v8cache`;
}

/**
 * Whether the cache was used: `none` (no cache file), `other-source` (made for other bytes),
 * `rejected` (by V8: another Node or flags). V8 does not flag every unusable cache as rejected:
 * it then compiles the source, so `used` only says the cache was handed to V8.
 */
export type CodeCacheUse = 'used' | 'none' | 'other-source' | 'rejected';

export interface CachedModule {
  readonly exports: unknown;
  readonly cache: CodeCacheUse;
}

const HASH_BYTES = 32;

function sourceHash(source: string): Buffer {
  return createHash('sha256').update(source).digest();
}

/** The same function Node wraps a CommonJS file in (module.wrap), on the same first line. */
function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
}

/**
 * Compiles and runs `file` as a CommonJS module, with `cachedData` if given: listed in
 * require.cache as require would, its require resolving from its own folder.
 */
function run(file: string, source: string, cachedData: Buffer | undefined): { script: vm.Script; module: Module } {
  const script = new vm.Script(wrap(source), { filename: file, cachedData });
  const m = new Module(file);
  m.filename = file;
  require.cache[file] = m;
  try {
    (script.runInThisContext() as (...args: unknown[]) => void).call(m.exports, m.exports, Module.createRequire(file), m, file, path.dirname(file));
  } catch (e) {
    delete require.cache[file];
    throw e;
  }
  m.loaded = true;
  return { script, module: m };
}

/** require(file), with its code cache when there is one made for these bytes by this Node. */
export function requireCached(file: string): CachedModule {
  const known = loaded.get(file);
  if (known) return known;
  const source = fs.readFileSync(file, 'utf8');
  let stored: Buffer | undefined;
  try {
    stored = fs.readFileSync(codeCacheFile(file));
  } catch {
    stored = undefined;
  }
  const matches = stored !== undefined && stored.length > HASH_BYTES && stored.subarray(0, HASH_BYTES).equals(sourceHash(source));
  const { script, module: m } = run(file, source, matches ? stored!.subarray(HASH_BYTES) : undefined);
  const cache: CodeCacheUse = stored === undefined ? 'none' : !matches ? 'other-source' : script.cachedDataRejected ? 'rejected' : 'used';
  const result = { exports: m.exports, cache };
  loaded.set(file, result);
  return result;
}

/** Modules loaded by requireCached, by file: each runs once. */
const loaded = new Map<string, CachedModule>();

/**
 * Loads `file` in this process (its top level runs: it must have no side effects) and writes
 * its code cache, the functions compiled by then included. Written to a temporary file and
 * renamed, so a reader finds the old cache, the new one, or none.
 */
export function writeCodeCache(file: string): void {
  const source = fs.readFileSync(file, 'utf8');
  const { script } = run(file, source, undefined);
  const out = codeCacheFile(file);
  const tmp = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([sourceHash(source), script.createCachedData()]));
  fs.renameSync(tmp, out);
}
