/**
 * Writes clusters' files (manifests, stack resources, digests: writeClusterFiles) on worker
 * threads while the main thread goes on rendering the next clusters, and stays synchronous
 * for the caller: `finish()` blocks until every cluster is written and rethrows the first
 * failure. At fleet scale, printing, digesting and writing a cluster's objects costs more
 * than rendering them; on worker threads that work overlaps the rendering and every core works.
 */
import * as fs from 'fs';
import * as os from 'os';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { FederationError, isFederationError } from '../errors';
import type { InventoryClusterEntry } from '../inventory/types';
import { ClusterJob, writeClusterFiles } from './cluster-files';

/** Writes clusters in the order given; `finish` returns their federation.json entries in that order. */
export interface ClusterWriter {
  submit(job: ClusterJob): void;
  /** Blocks until every cluster is written; throws the first failure. */
  finish(): InventoryClusterEntry[];
  /** Waits for what is under way and drops the rest, ignoring failures (before removing a failed output). */
  abort(): void;
}

const directOps = { mkdir: (d: string) => fs.mkdirSync(d, { recursive: true }), write: (f: string, d: string) => fs.writeFileSync(f, d) };

/** Every cluster written at once, on the calling thread. */
export function inlineWriter(): ClusterWriter {
  const plans: InventoryClusterEntry[] = [];
  return {
    submit: (job) => void plans.push(writeClusterFiles(job, directOps)),
    finish: () => plans,
    abort: () => undefined,
  };
}

/** An error as a worker thread reports it: a FederationError's parts, or a system error's message and code. */
export interface WorkerError {
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
  /** Set for a FederationError (finalizing and checking a cluster's objects runs on the worker). */
  readonly federation?: { readonly code: string; readonly where: string; readonly hint?: string };
}

/** What a worker posts for an error it caught. */
export function workerError(e: unknown): WorkerError {
  const err = e as NodeJS.ErrnoException;
  return { message: err?.message ?? String(e), code: err?.code, stack: err?.stack, ...(isFederationError(e) ? { federation: { code: e.code, where: e.where, hint: e.hint } } : {}) };
}

/** The error thrown on the caller's thread: a FederationError again (same code, place, message and hint), else an Error with the code. */
export function rebuiltError(e: WorkerError): Error {
  if (e.federation) {
    const { code, where, hint } = e.federation;
    let detail = e.message.startsWith(`${where}: `) ? e.message.slice(where.length + 2) : e.message;
    if (hint !== undefined && detail.endsWith(`\n  hint: ${hint}`)) detail = detail.slice(0, detail.length - hint.length - 9);
    return new FederationError(code, where, detail, hint);
  }
  return Object.assign(new Error(e.message), { code: e.code });
}

/** Clusters queued per worker before the caller waits: bounds the memory of pending clusters. */
const MAX_PENDING_PER_WORKER = 3;

/**
 * Clusters written by `threads` worker threads, each cluster to the least busy one.
 * The workers load while the caller goes on (loading takes a few hundred milliseconds
 * under a TypeScript loader); the first submit waits for them. When the worker module
 * cannot be loaded in a thread (e.g. TypeScript sources under a loader that does not
 * reach workers), every cluster is written inline instead.
 */
export function threadedWriter(threads: number): ClusterWriter {
  const counters = new Int32Array(new SharedArrayBuffer(4 * (1 + threads)));
  const ready = new Int32Array(new SharedArrayBuffer(4 * threads));
  const workerFile = require.resolve('./cluster-worker');
  const workers = Array.from({ length: threads }, (_, id) => {
    const { port1, port2 } = new MessageChannel();
    // Loads the worker module and says whether it could (1) or not (2).
    const source = `const { workerData } = require('worker_threads'); const ready = new Int32Array(workerData.ready);
try { require(workerData.file); Atomics.store(ready, workerData.id, 1); } catch (e) { Atomics.store(ready, workerData.id, 2); }
Atomics.notify(ready, workerData.id);`;
    const worker = new Worker(source, {
      eval: true,
      workerData: { cdkfedClusterWorker: true, id, file: workerFile, counters: counters.buffer, ready: ready.buffer, port: port2 },
      transferList: [port2 as unknown as MessagePort],
    });
    worker.unref(); // never keeps the process alive: finish() waits for the writes
    return { worker, port: port1, posted: 0 };
  });
  const stop = () => {
    for (const w of workers) {
      w.port.close();
      void w.worker.terminate();
    }
  };
  let fallback: ClusterWriter | undefined;
  let loaded = false;
  /** Waits until every worker has loaded; false (workers stopped, `fallback` set) if one could not. */
  const started = (): boolean => {
    if (loaded) return true;
    if (fallback) return false;
    for (let id = 0; id < threads; id++) {
      while (Atomics.load(ready, id) === 0) Atomics.wait(ready, id, 0, 1000);
      if (Atomics.load(ready, id) !== 1) {
        stop();
        fallback = inlineWriter();
        return false;
      }
    }
    loaded = true;
    return true;
  };
  let submitted = 0;
  let closed = false;
  const waitUntilDone = (target: number) => {
    for (;;) {
      const now = Atomics.load(counters, 0);
      if (now >= target) return;
      Atomics.wait(counters, 0, now, 1000);
    }
  };
  const pending = (i: number) => workers[i].posted - Atomics.load(counters, 1 + i);
  const results = (): InventoryClusterEntry[] => {
    const plans: InventoryClusterEntry[] = [];
    let error: (WorkerError & { index: number }) | undefined;
    for (const w of workers) {
      for (let m = receiveMessageOnPort(w.port); m; m = receiveMessageOnPort(w.port)) {
        const r = m.message as { index: number; plan?: InventoryClusterEntry; error?: WorkerError };
        if (r.error && (!error || r.index < error.index)) error = { index: r.index, ...r.error };
        if (r.plan) plans[r.index] = r.plan;
      }
    }
    if (error) throw rebuiltError(error);
    return plans;
  };
  return {
    submit(job) {
      if (!started()) return fallback!.submit(job);
      let best = 0;
      for (let i = 1; i < workers.length; i++) if (pending(i) < pending(best)) best = i;
      while (pending(best) >= MAX_PENDING_PER_WORKER) {
        Atomics.wait(counters, 0, Atomics.load(counters, 0), 1000);
        for (let i = 0; i < workers.length; i++) if (pending(i) < pending(best)) best = i;
      }
      workers[best].worker.postMessage({ index: submitted++, job: JSON.stringify(job) });
      workers[best].posted++;
    },
    finish() {
      if (!started()) return fallback!.finish();
      if (closed) return [];
      closed = true;
      waitUntilDone(submitted);
      try {
        return results();
      } finally {
        stop();
      }
    },
    abort() {
      if (!started()) return fallback!.abort();
      if (closed) return;
      closed = true;
      waitUntilDone(submitted);
      stop();
    },
  };
}

/** Fleets from this many clusters up are written on worker threads (below, starting them costs more than it saves). */
export const THREADED_MIN_CLUSTERS = 8;

/**
 * A writer for `clusters` clusters: on worker threads for fleets — as many as the machine
 * has cores, or `given` (0: none) — else inline.
 */
export function clusterWriter(clusters: number, given?: number): ClusterWriter {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const threads = given ?? (clusters >= THREADED_MIN_CLUSTERS ? Math.min(cores, 4) : 0);
  return threads > 0 ? threadedWriter(threads) : inlineWriter();
}
