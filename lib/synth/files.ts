/**
 * Writes many small files on a second thread while the caller goes on rendering, and stays
 * synchronous for the caller: `close()` blocks until every file is on disk and rethrows
 * the first failure. At fleet scale, writing hundreds of thousands of manifests costs as
 * much as rendering them; with the writes on a worker thread the two overlap and both
 * cores work.
 */
import * as fs from 'fs';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';

/** Where files go: written at once (`direct`) or by a worker thread (`threaded`). */
export interface FileSink {
  mkdir(dir: string): void;
  write(file: string, data: string): void;
  /** Blocks until everything is written; throws the first write error. */
  close(): void;
}

/** Files written on the calling thread, at once. */
export function directSink(): FileSink {
  return {
    mkdir: (dir) => fs.mkdirSync(dir, { recursive: true }),
    write: (file, data) => fs.writeFileSync(file, data),
    close: () => undefined,
  };
}

type Op = [kind: 0, dir: string] | [kind: 1, file: string, data: string];

// The worker: performs each batch in order, reports the first error on the port, then
// counts the batch as done (shared counter + notify) so the writer can wait without an event loop.
const WORKER_SOURCE = `
const fs = require('fs');
const { workerData, parentPort } = require('worker_threads');
const done = new Int32Array(workerData.counter);
const port = workerData.port;
let failed = false;
parentPort.on('message', (batch) => {
  if (!failed) {
    try {
      for (const op of batch) {
        if (op[0] === 0) fs.mkdirSync(op[1], { recursive: true });
        else fs.writeFileSync(op[1], op[2]);
      }
    } catch (e) {
      failed = true;
      port.postMessage({ message: e.message, code: e.code, path: e.path });
    }
  }
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
});
`;

const BATCH_BYTES = 1 << 20;
const BATCH_FILES = 256;
/** Batches queued but not written before the writer waits: bounds the memory of pending files. */
const MAX_PENDING = 64;

/** Files written by a worker thread; the caller waits only when far ahead, and on close. */
export function threadedSink(): FileSink {
  const counter = new SharedArrayBuffer(4);
  const done = new Int32Array(counter);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { counter, port: port2 }, transferList: [port2 as unknown as MessagePort] });
  worker.unref(); // never keeps the process alive: close() waits for the writes
  let batch: Op[] = [];
  let bytes = 0;
  let posted = 0;
  let closed = false;

  const waitFor = (target: number) => {
    for (;;) {
      const now = Atomics.load(done, 0);
      if (now >= target) return;
      Atomics.wait(done, 0, now, 1000);
    }
  };
  const failure = (): Error | undefined => {
    const m = receiveMessageOnPort(port1);
    if (!m) return undefined;
    const { message, code } = m.message as { message: string; code?: string };
    return Object.assign(new Error(message), { code });
  };
  const flush = () => {
    if (batch.length === 0) return;
    worker.postMessage(batch);
    posted++;
    batch = [];
    bytes = 0;
    if (posted - Atomics.load(done, 0) > MAX_PENDING) {
      waitFor(posted - MAX_PENDING / 2);
      const e = failure();
      if (e) {
        finish();
        throw e;
      }
    }
  };
  const finish = () => {
    if (closed) return;
    closed = true;
    waitFor(posted);
    port1.close();
    void worker.terminate();
  };
  return {
    mkdir(dir) {
      batch.push([0, dir]);
    },
    write(file, data) {
      batch.push([1, file, data]);
      bytes += data.length;
      if (batch.length >= BATCH_FILES || bytes >= BATCH_BYTES) flush();
    },
    close() {
      if (closed) return;
      flush();
      waitFor(posted);
      const e = failure();
      finish();
      if (e) throw e;
    },
  };
}

/** Fleets from this many clusters up write their files on a worker thread (below, starting one costs more than it saves). */
export const THREADED_MIN_CLUSTERS = 8;

/** A sink for `clusters` clusters of output: threaded for fleets unless $CDKFED_WRITE_THREAD is '0'. */
export function sinkFor(clusters: number): FileSink {
  const env = process.env.CDKFED_WRITE_THREAD;
  const threaded = env === undefined ? clusters >= THREADED_MIN_CLUSTERS : env !== '0';
  return threaded ? threadedSink() : directSink();
}

