/**
 * The file-system floor of a synth (bench/scale.sh): <files> files of the average manifest
 * size (1.2 KB) in <clusters> folders, plain writeFileSync and nothing else, on as many
 * worker threads as synth writes with (lib/synth/files.ts: one per core, at most 4).
 *   node bench/fs-floor.js <clusters> <files>      into $CDKFED_OUTDIR
 */
const fs = require('fs');
const os = require('os');
const { Worker, isMainThread, workerData } = require('worker_threads');

const [clusters, files] = (isMainThread ? process.argv.slice(2) : workerData.args).map(Number);
const body = 'x'.repeat(1200);
if (isMainThread) {
  const threads = Math.min(os.availableParallelism(), 4);
  for (let t = 0; t < threads; t++) new Worker(__filename, { workerData: { args: [clusters, files], from: t, step: threads } });
} else {
  for (let i = workerData.from; i < clusters; i += workerData.step) {
    const dir = `${process.env.CDKFED_OUTDIR}/c${i}`;
    fs.mkdirSync(dir, { recursive: true });
    for (let j = 0; j < files / clusters; j++) fs.writeFileSync(`${dir}/f${j}.yaml`, body);
  }
}
