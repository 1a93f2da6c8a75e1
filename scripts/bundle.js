#!/usr/bin/env node
/**
 * Bundles build/lib/cli/remote.js (plan, deploy, drift and all they import from build/lib and
 * the small packages) into build/lib/cli/remote.bundle.js, which the CLI loads instead (see
 * lib/cli/remote.ts). Run by `npm run build` after tsc. Packages loaded only on a rare path
 * stay outside: client-node (exotic kubeconfigs), yaml (a manifest parsed), zod (an invalid
 * federation.json). Whitespace and syntax are minified, names kept (stack traces stay readable).
 *
 *   node scripts/bundle.js [outfile]
 */
const path = require('path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
esbuild.buildSync({
  entryPoints: [path.join(root, 'build/lib/cli/remote.js')],
  // Another file to compare with the build's (test/integration/cli-bundle.test.ts).
  outfile: process.argv[2] ?? path.join(root, 'build/lib/cli/remote.bundle.js'),
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
