import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FederationError } from '../../errors';
import { KubeconfigSource, PROJECT_FILES, projectName, renderProject } from '../../init/project';
import { packageInfo } from '../../package-info';
import { defaultKubeconfigFiles, expandHome, KubeconfigContext, readKubeconfig } from '../../registry/kubeconfig';

export interface InitFlags {
  /** --clusters [kubeconfig]: true for the default kubeconfig. */
  readonly clusters?: string | true;
  readonly name?: string;
}

/** What may already be in a folder `cdkfed init` writes into: a fresh `git init`. */
const ALLOWED = new Set(['.git']);

/** The registry's contexts from --clusters: the named file, or every file of $KUBECONFIG (else ~/.kube/config), first context of a name wins. */
function kubeconfigSource(flag: string | true): KubeconfigSource {
  if (flag !== true) {
    const file = path.resolve(expandHome(flag));
    const home = os.homedir();
    return { contexts: readKubeconfig(file).contexts, kubeconfig: file.startsWith(`${home}${path.sep}`) ? `~${file.slice(home.length)}` : file, shown: flag };
  }
  const files = defaultKubeconfigFiles().filter((f) => fs.existsSync(f));
  const shown = process.env.KUBECONFIG ? `$KUBECONFIG (${process.env.KUBECONFIG})` : '~/.kube/config';
  if (files.length === 0) {
    throw new FederationError('INIT_NO_KUBECONFIG', '--clusters', `no kubeconfig to read: ${shown} does not exist`,
      'pass --clusters <kubeconfig file>, or leave out --clusters to start from two example clusters');
  }
  const seen = new Map<string, KubeconfigContext>();
  for (const f of files) for (const c of readKubeconfig(f).contexts) if (!seen.has(c.name)) seen.set(c.name, c);
  return { contexts: [...seen.values()], shown };
}

/**
 * `cdkfed init [dir]`: writes a new project into an empty (or new) folder, all or nothing:
 * every file is rendered and every input checked first, then the files are written into a
 * staging folder inside the target and moved into place; on any failure whatever was moved is
 * removed again (and the folder too, if init created it).
 */
export function initCommand(dirArg: string | undefined, flags: InitFlags): number {
  const dir = path.resolve(dirArg ?? '.');
  const existed = fs.existsSync(dir);
  if (existed) {
    if (!fs.statSync(dir).isDirectory()) {
      throw new FederationError('INIT_NOT_A_FOLDER', dir, 'exists and is not a folder', 'name a new or empty folder: `cdkfed init my-fleet`');
    }
    const present = fs.readdirSync(dir).filter((e) => !ALLOWED.has(e)).sort();
    if (present.length > 0) {
      const clash = present.filter((e) => (PROJECT_FILES as readonly string[]).includes(e));
      throw new FederationError('INIT_NOT_EMPTY', dir,
        `is not empty (${present.length} entr${present.length === 1 ? 'y' : 'ies'}: ${present.slice(0, 6).join(', ')}${present.length > 6 ? ', …' : ''})`
          + `; init writes a whole new project and never mixes it with existing files${clash.length ? ` (it would overwrite ${clash.join(', ')})` : ''}`,
        'run `cdkfed init` in an empty folder (`mkdir my-fleet && cd my-fleet && npx cdkfed init`), or name a new one: `cdkfed init my-fleet`');
    }
  }
  const name = flags.name ?? projectName(path.basename(dir));
  const clusters = flags.clusters ? kubeconfigSource(flags.clusters) : undefined;
  const files = renderProject({ name, package: packageInfo(), ...(clusters ? { clusters } : {}) });

  fs.mkdirSync(dir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(dir, '.cdkfed-init-'));
  const moved: string[] = [];
  try {
    for (const f of files) fs.writeFileSync(path.join(staging, f.path), f.content, { flag: 'wx' });
    for (const f of files) {
      const target = path.join(dir, f.path);
      if (fs.existsSync(target)) throw new Error(`${target} appeared while init was writing`);
      fs.renameSync(path.join(staging, f.path), target);
      moved.push(target);
    }
  } catch (e) {
    for (const m of moved) fs.rmSync(m, { force: true });
    fs.rmSync(staging, { recursive: true, force: true });
    if (!existed) fs.rmSync(dir, { recursive: true, force: true });
    throw new FederationError('INIT_WRITE_FAILED', dir, `cannot write the project: ${(e as Error).message}; nothing was left behind`, 'check that the folder is writable and not in use, then run init again');
  }
  fs.rmSync(staging, { recursive: true, force: true });

  const count = clusters ? `${clusters.contexts.length} cluster${clusters.contexts.length === 1 ? '' : 's'} from ${clusters.shown}` : '2 example clusters';
  const cd = dirArg && path.resolve(dirArg) !== process.cwd() ? [`  cd ${dirArg}`] : [];
  process.stdout.write([
    `created project "${name}" in ${dir}: ${files.map((f) => f.path).join(', ')} (${count})`,
    'next:',
    ...cd,
    '  npm install',
    '  npm run synth      # writes dist/ and cdktf.out/; needs no cluster',
    clusters
      ? '  # fill in region and jurisdiction (marked TODO) in clusters.yaml'
      : '  # put your clusters in clusters.yaml (TODO: each `context`), or start again with `cdkfed init --clusters`',
    '  npm run plan       # what a deploy would change in each cluster',
    '',
  ].join('\n'));
  return 0;
}
