/**
 * Renders deploy events: a live view on a TTY (per wave and cluster: applying, waiting for
 * N objects, baking with time left, done, failed, rolled back), plain timestamped lines
 * otherwise (CI logs). Never prints object contents, so never a secret value.
 */
import type LogUpdate from 'log-update';
import type { ClusterPhase, DeployEvent } from '../deploy/rollout';
import type { InventoryWave } from '../inventory/types';

export interface Renderer {
  readonly onEvent: (e: DeployEvent) => void;
  stop(): void;
}

export function plainRenderer(write: (line: string) => void): Renderer {
  const line = (s: string) => write(`${new Date().toISOString()} ${s}\n`);
  return {
    onEvent(e) {
      switch (e.type) {
        case 'wave':
          line(`wave ${e.wave}: ${e.phase === 'bake' ? `healthy; baking for ${e.bakeSeconds}s` : e.phase}${e.message ? ` — ${e.message}` : ''}`);
          break;
        case 'cluster':
          if (e.phase === 'health' && e.message === undefined) return; // per-poll counts are for the live view
          line(`  ${e.cluster}: ${e.phase}${e.message ? ` — ${e.message}` : ''}`);
          break;
        case 'object':
          if (e.entry.action === 'unchanged') return;
          line(`    ${e.cluster}: ${e.entry.ref.kind} ${e.entry.ref.namespace ? `${e.entry.ref.namespace}/` : ''}${e.entry.ref.name} ${e.entry.action}${e.entry.message ? ` — ${e.entry.message}` : ''}`);
          break;
        case 'rollback':
          line(e.phase === 'start' ? `rollback: restoring ${e.clusters.join(', ')}` : 'rollback: done');
          break;
      }
    },
    stop() {},
  };
}

const ICON: Record<ClusterPhase, string> = {
  'waiting': '·', 'connecting': '…', 'applying': '↻', 'health': '⧗', 'healthy': '✓', 'pruning': '✂', 'done': '✔', 'up-to-date': '✔', 'repaired': '✔',
  'failed': '✘', 'rolling-back': '↺', 'rolled-back': '↺', 'rollback-failed': '✘', 'unknown': '?', 'not-started': '–',
};

export function liveRenderer(waves: readonly InventoryWave[], stream: NodeJS.WriteStream): Renderer {
  // Loaded for a live view only (a terminal): pipelines never load it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('log-update') as { default?: typeof LogUpdate } & typeof LogUpdate;
  const update = (mod.default ?? mod).create(stream);
  const state = new Map<string, { phase: ClusterPhase; message?: string; pending?: number }>();
  const waveState = new Map<string, { phase: string; bakeUntil?: number }>();
  const draw = () => {
    const out: string[] = [];
    for (const wave of waves) {
      const ws = waveState.get(wave.name);
      const bake = ws?.phase === 'bake' && ws.bakeUntil ? ` — baking, ${Math.max(0, Math.ceil((ws.bakeUntil - Date.now()) / 1000))}s left` : '';
      out.push(`wave ${wave.name} (max ${wave.maxParallel} at once) ${ws ? ws.phase : 'waiting'}${bake}`);
      for (const c of wave.clusters) {
        const s = state.get(c) ?? { phase: 'waiting' as ClusterPhase };
        const detail = s.phase === 'health' && s.pending !== undefined ? `waiting for ${s.pending} object(s)` : s.message ?? '';
        out.push(`  ${ICON[s.phase]} ${c.padEnd(24)} ${s.phase.padEnd(15)} ${detail}`);
      }
    }
    update(out.join('\n'));
  };
  const timer = setInterval(draw, 1000);
  timer.unref();
  return {
    onEvent(e) {
      if (e.type === 'wave') waveState.set(e.wave, { phase: e.phase, bakeUntil: e.bakeSeconds ? Date.now() + e.bakeSeconds * 1000 : undefined });
      if (e.type === 'cluster') {
        const prev = state.get(e.cluster);
        state.set(e.cluster, { phase: e.phase, message: e.message ?? (e.phase === prev?.phase ? prev?.message : undefined), pending: e.pending });
      }
      draw();
    },
    stop() {
      clearInterval(timer);
      draw();
      update.done();
    },
  };
}
