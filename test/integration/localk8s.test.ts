/**
 * The cluster manager itself (test/localk8s): idempotent up, a crashed cluster is reported and not
 * restarted, down removes everything. Uses its own state directory and ports, so the suite's
 * clusters (local-1..3 in the shared kubeconfig) are not touched.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CrashedClusterError, down, status, up } from '../localk8s/localk8s';

describe('localk8s cluster manager', () => {
  const saved = {
    state: process.env.CDKFED_LOCALK8S_STATE,
    kubeconfig: process.env.CDKFED_LOCALK8S_KUBECONFIG,
    base: process.env.CDKFED_LOCALK8S_BASE_PORT,
  };
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkfed-localk8s-'));
    process.env.CDKFED_LOCALK8S_STATE = dir;
    process.env.CDKFED_LOCALK8S_KUBECONFIG = path.join(dir, 'kubeconfig');
    delete process.env.CDKFED_LOCALK8S_BASE_PORT; // pick a free port block
  });

  afterAll(async () => {
    await down();
    for (const [k, v] of [['CDKFED_LOCALK8S_STATE', saved.state], ['CDKFED_LOCALK8S_KUBECONFIG', saved.kubeconfig],
      ['CDKFED_LOCALK8S_BASE_PORT', saved.base]] as const) {
      if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('up is idempotent, a crash is reported and not restarted, down cleans up', async () => {
    const first = await up(1);
    expect(first.started).toEqual(['local-1']);
    expect(first.clusters.map((c) => [c.info.name, c.health, c.nodesReady])).toEqual([['local-1', 'running', 3]]);
    expect(fs.readFileSync(first.kubeconfig, 'utf8')).toMatch(/name: local-1/);

    const again = await up(1);
    expect(again.started).toEqual([]);

    // Kill one process of the cluster: it is reported as crashed, and up refuses to paper over it.
    const state = JSON.parse(fs.readFileSync(path.join(dir, 'clusters', 'local-1', 'state.json'), 'utf8'));
    process.kill(state.procs.kwok.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    const [st] = await status();
    expect(st.health).toBe('crashed');
    expect(st.dead).toEqual(['kwok']);
    await expect(up(1)).rejects.toThrow(/local-1: crashed \(kwok not running/);
    await expect(up(1)).rejects.toBeInstanceOf(CrashedClusterError);

    await down();
    expect(await status()).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'kubeconfig'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'clusters'))).toBe(false);
    await down(); // idempotent
  });
});
