/**
 * Worker thread of writeOutputs (files.ts): writes the clusters it is given
 * (writeClusterFiles) and answers each with its federation.json entry, or the first error.
 * `workerData.counters[0]` counts clusters done by every worker, `[1 + id]` by this one.
 */
import * as fs from 'fs';
import { parentPort, workerData } from 'worker_threads';
import { ClusterJob, writeClusterFiles } from './cluster-files';
import { workerError } from './files';

if (parentPort && workerData?.cdkfedClusterWorker) {
  const counters = new Int32Array(workerData.counters as SharedArrayBuffer);
  const slot = 1 + (workerData.id as number);
  const port = workerData.port as import('worker_threads').MessagePort;
  const ops = { mkdir: (d: string) => fs.mkdirSync(d, { recursive: true }), write: (f: string, d: string) => fs.writeFileSync(f, d) };
  let failed = false;
  parentPort.on('message', (msg: { index: number; job: string }) => {
    if (!failed) {
      try {
        port.postMessage({ index: msg.index, plan: writeClusterFiles(JSON.parse(msg.job) as ClusterJob, ops) });
      } catch (e) {
        failed = true;
        port.postMessage({ index: msg.index, error: workerError(e) });
      }
    }
    Atomics.add(counters, slot, 1);
    Atomics.add(counters, 0, 1);
    Atomics.notify(counters, 0);
  });
}
