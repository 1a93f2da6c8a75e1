/**
 * Proves two synth outputs equal: every file of <before> and <after> (each holding dist/ and
 * cdktf.out/) byte for byte, except the `depends_on` lists of kubernetes_manifest resources in
 * cdk.tf.json, which issue #10 narrows to the objects a workload references. For those files,
 * the before file with the after file's depends_on lists put in, printed as cdktf prints
 * (json-stable-stringify), must be the after file byte for byte, and every new list must be
 * a subset of the old one. Exit 0 when that holds, 1 otherwise.
 *   node --require tsx/cjs bench/compare-outputs.ts <before> <after>
 */
import * as fs from 'fs';
import * as path from 'path';

// the printer cdktf writes cdk.tf.json with
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stringify = require(require.resolve('json-stable-stringify', { paths: [require.resolve('cdktf')] })) as (v: unknown, o: object) => string;
const [before, after] = process.argv.slice(2);
function files(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => !f.split(path.sep).includes('.terraform') && fs.statSync(path.join(dir, f)).isFile()).sort();
}
const a = files(before);
const b = files(after);
let problems = 0;
const report = (m: string) => { problems++; if (problems <= 20) console.log(`DIFF ${m}`); };
const setB = new Set(b);
for (const f of a) if (!setB.has(f)) report(`only in before: ${f}`);
const setA = new Set(a);
for (const f of b) if (!setA.has(f)) report(`only in after: ${f}`);

let identical = 0;
let stacksDiffering = 0;
let depsBefore = 0;
let depsAfter = 0;
type Res = Record<string, { depends_on?: string[] }>;
for (const f of a) {
  if (!setB.has(f)) continue;
  const x = fs.readFileSync(path.join(before, f));
  const y = fs.readFileSync(path.join(after, f));
  const isStack = path.basename(f) === 'cdk.tf.json';
  if (isStack) {
    const [jx, jy] = [JSON.parse(x.toString()), JSON.parse(y.toString())];
    if (stringify(jx, { space: 2 }) !== x.toString()) report(`${f}: the before file is not in cdktf's layout`);
    const [rx, ry]: Res[] = [jx.resource?.kubernetes_manifest ?? {}, jy.resource?.kubernetes_manifest ?? {}];
    for (const [id, r] of Object.entries(rx)) {
      const old = new Set(r.depends_on ?? []);
      depsBefore += old.size;
      const now = ry[id]?.depends_on;
      depsAfter += now?.length ?? 0;
      for (const d of now ?? []) if (!old.has(d)) report(`${f}: ${id} depends on ${d}, which it did not before`);
      // the before file with the after's depends_on, printed as cdktf prints: must be the after file, byte for byte
      if (now === undefined) delete r.depends_on; else r.depends_on = now;
    }
    if (stringify(jx, { space: 2 }) !== y.toString()) report(`${f}: differs beyond depends_on`);
    if (!x.equals(y)) stacksDiffering++; else identical++;
  } else if (x.equals(y)) {
    identical++;
  } else {
    report(`${f}: content differs`);
  }
}
console.log(`${before} vs ${after}: ${a.length} files; ${identical} byte-identical; ${stacksDiffering} cdk.tf.json differ only in depends_on ` +
  `(entries ${depsBefore} → ${depsAfter}, each new list a subset of the old); ${problems} other differences`);
process.exit(problems === 0 ? 0 : 1);
