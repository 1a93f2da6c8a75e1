import * as fs from 'fs';
import * as path from 'path';
import { directSink, threadedSink } from '../../lib/synth/files';
import { tmpdir } from './support/fixtures';

describe('file sinks', () => {
  test.each([['threaded', threadedSink], ['direct', directSink]])('%s: every file written, in folders made on the way, once close() returns', (_name, make) => {
    const dir = tmpdir();
    const sink = make();
    for (let c = 0; c < 5; c++) {
      sink.mkdir(path.join(dir, `c${c}`));
      for (let i = 0; i < 700; i++) sink.write(path.join(dir, `c${c}`, `f${i}.yaml`), `cluster ${c} file ${i}\n`.repeat(1 + (i % 50)));
    }
    sink.close();
    for (let c = 0; c < 5; c++) {
      expect(fs.readdirSync(path.join(dir, `c${c}`))).toHaveLength(700);
      expect(fs.readFileSync(path.join(dir, `c${c}`, 'f7.yaml'), 'utf8')).toBe(`cluster ${c} file 7\n`.repeat(8));
    }
  });

  test('threaded: a failed write is thrown by close()', () => {
    const dir = tmpdir();
    const sink = threadedSink();
    sink.write(path.join(dir, 'missing-folder', 'x.yaml'), 'x');
    expect(() => sink.close()).toThrow(/ENOENT/);
  });
});
