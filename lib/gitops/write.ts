/**
 * Writes the GitOps folder all or nothing: into a staging folder beside it first, then
 * swapped in. The folder is ours alone; an entry we never write there (a .git, someone's
 * notes) means the folder is not ours, and nothing is written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FederationError } from '../errors';
import { OutputFile } from './cluster-folders';
import { GITOPS_ENTRIES } from './render';

export function writeGitops(out: string, files: readonly OutputFile[]): void {
  const target = path.resolve(out);
  checkOurs(target);
  const stage = path.join(path.dirname(target), `.${path.basename(target)}.staging-${process.pid}`);
  const old = path.join(path.dirname(target), `.${path.basename(target)}.old-${process.pid}`);
  fs.rmSync(stage, { recursive: true, force: true });
  try {
    for (const f of files) {
      const file = path.join(stage, ...f.path.split('/'));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, f.content);
    }
    if (fs.existsSync(target)) fs.renameSync(target, old);
    fs.renameSync(stage, target);
  } catch (e) {
    fs.rmSync(stage, { recursive: true, force: true });
    if (!fs.existsSync(target) && fs.existsSync(old)) fs.renameSync(old, target);
    throw new FederationError('GITOPS_WRITE_FAILED', target, `cannot write the GitOps folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the previous content is unchanged`, 'check that the folder and its parent are writable');
  }
  fs.rmSync(old, { recursive: true, force: true });
}

function checkOurs(target: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new FederationError('GITOPS_WRITE_FAILED', target, `cannot read the output folder (${(e as NodeJS.ErrnoException).code})`, 'give --out a folder you can write');
  }
  const foreign = entries.filter((e) => !(GITOPS_ENTRIES as readonly string[]).includes(e)).sort();
  if (foreign.length > 0) {
    throw new FederationError('GITOPS_OUT_NOT_OURS', path.join(target, foreign[0]), `is in the output folder but cdkfed gitops never writes it; the folder is replaced as a whole, so nothing was written`,
      'give --out a folder of its own (e.g. gitops/ beside dist/), or move the file away');
  }
}
