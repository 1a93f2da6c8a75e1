#!/usr/bin/env node
/**
 * Bundles build/lib/cli/remote.js (plan, deploy, drift and all they import from build/lib and
 * the small packages) into build/lib/cli/remote.bundle.js, which the CLI loads instead (see
 * lib/cli/remote.ts). Run by `npm run build` after tsc. Packages loaded only on a rare path
 * stay outside: client-node (exotic kubeconfigs), yaml (a manifest parsed), zod (an invalid
 * federation.json). Whitespace and syntax are minified, names kept (stack traces stay readable).
 * Then writes the bundle's V8 code cache beside it (<outfile>.v8cache).
 *
 *   node scripts/bundle.js [outfile]
 */
const path = require('path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const outfile = process.argv[2] ?? path.join(root, 'build/lib/cli/remote.bundle.js');
esbuild.buildSync({
  entryPoints: [path.join(root, 'build/lib/cli/remote.js')],
  // Another file to compare with the build's (test/integration/cli-bundle.test.ts).
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  external: ['@kubernetes/client-node', 'yaml', 'zod'],
  logLevel: 'warning',
});
// Its V8 code cache (lib/cli/cached-require.ts), made by this Node: a run loads the bundle's
// functions instead of compiling them (12 ms instead of 24 ms to load; 1-2% of a no-op deploy).
require(path.join(root, 'build/lib/cli/cached-require.js')).writeCodeCache(outfile);
