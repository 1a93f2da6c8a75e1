/**
 * The commands that talk to clusters (plan, deploy, drift), from one module: the build bundles
 * it with what it imports into `remote.bundle.js` (scripts/bundle.js), which `cdkfed` loads
 * instead of some 80 modules, each found on disk and compiled on its own (a tenth of a no-op
 * deploy's or a plan's own time went to that).
 */
export { deployCommand } from './commands/deploy';
export { driftCommand } from './commands/drift';
export { planCommand } from './commands/plan';
