/**
 * Plan and drift reports as text, markdown (a pull-request comment) or JSON, and their exit
 * codes. Pure and deterministic: stable order, no timestamps, so a rerun gives the same bytes.
 * Inputs are already masked: no secret value reaches here.
 */
import { stableJson } from '../kube/digest';
import { describeRef } from '../kube/object';
import type { ClusterDrift, FleetDrift } from './drift';
import { hasDrift } from './drift';
import type { BlastRadius, ClusterPlan, FleetPlan, PlannedObject } from './plan';
import { hasChanges } from './plan';
import { compareStrings } from '../kube/sort';

export type Format = 'text' | 'markdown' | 'json';

/** Terraform's -detailed-exitcode: 1 error, 2 changes, 0 none; without it, 0 unless an error. */
export function planExitCode(p: FleetPlan, detailed: boolean): number {
  if (p.clusters.some((c) => c.error || c.counts.error > 0)) return 1;
  return detailed && hasChanges(p) ? 2 : 0;
}

/** 1 error, 2 drift found (and not all corrected), 0 none. */
export function driftExitCode(d: FleetDrift): number {
  if (d.clusters.some((c) => c.error || c.objects.some((o) => o.corrected === false))) return 1;
  return hasDrift(d) ? 2 : 0;
}

const SIGN: Record<PlannedObject['action'], string> = { create: '+', update: '~', delete: '-', unchanged: ' ', error: '!' };

function summary(c: ClusterPlan): string {
  if (c.error) return `unreachable or failed: ${c.error}`;
  const n = c.counts;
  return `${n.create} to create, ${n.update} to update, ${n.delete} to delete, ${n.unchanged} unchanged${n.error ? `, ${n.error} error(s)` : ''}`;
}

function ordered<T extends { cluster: string; wave: string }>(rows: readonly T[], waves: readonly { name: string }[]): T[] {
  const w = (name: string) => waves.findIndex((x) => x.name === name);
  return [...rows].sort((a, b) => w(a.wave) - w(b.wave) || compareStrings(a.cluster, b.cluster));
}

export function renderPlan(p: FleetPlan, format: Format): string {
  if (format === 'json') return stableJson(p);
  const rows = ordered(p.clusters, p.waves);
  if (format === 'markdown') return planMarkdown(p, rows);
  const out: string[] = [];
  for (const c of rows) {
    out.push(`cluster ${c.cluster} (wave ${c.wave}${c.currentRevision ? `, at revision ${c.currentRevision}` : ''}): ${summary(c)}`);
    for (const o of c.objects.filter((x) => x.action !== 'unchanged')) {
      out.push(`  ${SIGN[o.action]} ${describeRef(o.ref)}${o.fields ? `: ${o.fields.join(', ')}` : ''}${o.message ? ` (${o.message})` : ''}`);
      if (o.diff && o.action === 'update') out.push(...o.diff.split('\n').map((l) => `      ${l}`));
    }
    for (const b of c.blastRadius) out.push(`  ! ${blastLine(b)}`);
  }
  const t = rows.reduce((s, c) => ({ create: s.create + c.counts.create, update: s.update + c.counts.update, delete: s.delete + c.counts.delete }), { create: 0, update: 0, delete: 0 });
  out.push(`plan: ${t.create} to create, ${t.update} to update, ${t.delete} to delete across ${rows.length} cluster(s)${rows.some((c) => c.error) ? `; ${rows.filter((c) => c.error).length} cluster(s) could not be planned` : ''}`);
  return `${out.join('\n')}\n`;
}

/** What prune does with a Namespace or CRD, given what it holds. */
function blastLine(b: BlastRadius): string {
  if (b.error) return `${b.object} is kept: what it holds cannot be read (${b.error})`;
  if (b.foreign.length) return `${b.object} is kept and handed over, not deleted: it holds ${b.foreign.length} object(s) that are not ours: ${b.foreign.join(', ')}`;
  return `deleting ${b.object} (it holds nothing else)`;
}

/** The longest run of backticks in s. */
function longestBacktickRun(s: string): number {
  return Math.max(0, ...(s.match(/`+/g) ?? []).map((r) => r.length));
}

/**
 * A fenced code block that no content can end early: CommonMark closes a backtick fence only
 * with a run of backticks at least as long as the opening one, so the fence is one longer than
 * any run inside (and at least 3).
 */
export function fenced(body: string, info = ''): string[] {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(body) + 1));
  return [`${fence}${info}`, body, fence];
}

/** Inline text on one line: a line break in content could otherwise start a block (a fence, a heading) in the middle of the report; `<` would start HTML. */
export function mdText(s: string): string {
  return s.replace(/\r\n|\r|\n/g, ' ').replace(/</g, '&lt;');
}

/** An inline code span that holds any text: its backtick run is longer than any inside, padded when the text starts or ends with a backtick or space. */
export function mdCode(s: string): string {
  const t = s.replace(/\r\n|\r|\n/g, ' ');
  if (t.trim() === '') return '` `';
  const ticks = '`'.repeat(longestBacktickRun(t) + 1);
  const pad = /^[` ]|[` ]$/.test(t) ? ' ' : '';
  return `${ticks}${pad}${t}${pad}${ticks}`;
}

function mermaidId(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, '_');
}

/** The rollout as a Mermaid flowchart: waves in order, their clusters, parallelism, bake, changes per cluster. */
export function rolloutDiagram(p: FleetPlan, rows: readonly ClusterPlan[]): string {
  const out = ['flowchart LR'];
  const waves = p.waves.filter((w) => rows.some((c) => c.wave === w.name));
  for (const w of waves) {
    out.push(`  subgraph W_${mermaidId(w.name)}["wave ${w.name} · max ${w.maxParallel} at once${w.bakeTimeSeconds ? ` · bake ${w.bakeTimeSeconds}s` : ''}"]`);
    for (const c of rows.filter((x) => x.wave === w.name)) {
      const label = c.error ? 'unreachable' : `+${c.counts.create} ~${c.counts.update} -${c.counts.delete}`;
      out.push(`    C_${mermaidId(c.cluster)}["${c.cluster}<br/>${label}"]`);
    }
    out.push('  end');
  }
  for (let i = 1; i < waves.length; i++) out.push(`  W_${mermaidId(waves[i - 1].name)} --> W_${mermaidId(waves[i].name)}`);
  return fenced(out.join('\n'), 'mermaid').join('\n');
}

function planMarkdown(p: FleetPlan, rows: readonly ClusterPlan[]): string {
  const out = [`## cdkfed plan: federation ${mdCode(p.federation)}`, '', rolloutDiagram(p, rows), '',
    '| wave | cluster | create | update | delete | unchanged |', '|---|---|---:|---:|---:|---:|'];
  for (const c of rows) {
    out.push(c.error ? `| ${c.wave} | ${c.cluster} | ⚠ ${mdText(c.error.split('\n')[0]).replace(/\|/g, '\\|')} | | | |`
      : `| ${c.wave} | ${c.cluster} | ${c.counts.create} | ${c.counts.update} | ${c.counts.delete} | ${c.counts.unchanged} |`);
  }
  const deletions = rows.flatMap((c) => c.objects.filter((o) => o.action === 'delete').map((o) => ({ c, o })));
  if (deletions.length > 0) {
    out.push('', '### ⚠ Deletions (prune)', '');
    for (const { c, o } of deletions) out.push(`- **${c.cluster}**: ${describeRef(o.ref)}`);
    for (const c of rows) {
      for (const b of c.blastRadius) {
        out.push(b.error ? `- ⚠ **${c.cluster}**: ${mdCode(b.object)} is kept: what it holds cannot be read (${mdText(b.error)})`
          : b.foreign.length ? `- ⚠ **${c.cluster}**: ${mdCode(b.object)} is kept and handed over, not deleted: it holds **${b.foreign.length} object(s) that are not ours**: ${b.foreign.map(mdCode).join(', ')}`
            : `- **${c.cluster}**: ${mdCode(b.object)} holds nothing else`);
      }
    }
  }
  for (const c of rows) {
    const changed = c.objects.filter((o) => o.action !== 'unchanged');
    if (changed.length === 0) continue;
    out.push('', `<details><summary>${c.cluster}: ${summary(c)}</summary>`, '');
    for (const o of changed) {
      out.push(`**${SIGN[o.action]} ${mdText(describeRef(o.ref))}**${o.fields ? ` — ${o.fields.map(mdCode).join(', ')}` : ''}${o.message ? ` (${mdText(o.message)})` : ''}`, '');
      if (o.diff) out.push(...fenced(o.diff, 'diff'), '');
    }
    out.push('</details>');
  }
  return `${out.join('\n')}\n`;
}

function value(v: unknown): string {
  return v === undefined || v === null ? '(absent)' : typeof v === 'string' ? v : JSON.stringify(v);
}

function driftLines(c: ClusterDrift): string[] {
  const out: string[] = [];
  for (const o of c.objects) {
    const status = o.corrected === true ? ' — corrected' : o.corrected === false ? ` — correction failed: ${o.error}` : '';
    out.push(`${o.drift === 'modified' ? '~' : o.drift === 'deleted' ? '-' : '+'} ${describeRef(o.ref)}: ${o.drift === 'modified' ? 'modified' : o.drift === 'deleted' ? 'deleted behind our back' : 'carries our ApplySet label but no revision holds it'}${status}`);
    for (const f of o.fields ?? []) out.push(`    ${f.path}: desired ${value(f.desired)}, live ${value(f.live)}${f.manager ? ` (owned by "${f.manager}")` : ''}`);
  }
  return out;
}

function driftState(c: ClusterDrift): string {
  if (c.error) return `could not be checked: ${c.error}`;
  if (c.revision === undefined) return 'never deployed (deploy pending)';
  const n = c.objects.length;
  return `revision ${c.revision}${c.pendingDeploy ? ' (dist/ holds a newer revision: deploy pending, not drift)' : ''}: ${n === 0 ? 'no drift' : `${n} object(s) drifted`}`;
}

export function renderDrift(d: FleetDrift, waves: readonly { name: string }[], format: Format): string {
  if (format === 'json') return stableJson(d);
  const rows = ordered(d.clusters, waves);
  if (format === 'markdown') {
    const out = [`## cdkfed drift: federation ${mdCode(d.federation)}`, '', '| wave | cluster | state | drifted |', '|---|---|---|---:|'];
    for (const c of rows) out.push(`| ${c.wave} | ${c.cluster} | ${mdText(driftState(c)).replace(/\|/g, '\\|')} | ${c.objects.length} |`);
    for (const c of rows.filter((x) => x.objects.length > 0)) out.push('', `<details><summary>${c.cluster}</summary>`, '', ...fenced(driftLines(c).join('\n')), '', '</details>');
    return `${out.join('\n')}\n`;
  }
  const out: string[] = [];
  for (const c of rows) {
    out.push(`cluster ${c.cluster} (wave ${c.wave}): ${driftState(c)}`);
    out.push(...driftLines(c).map((l) => `  ${l}`));
    for (const i of c.ignored) out.push(`  (ignored: ${i})`);
  }
  const total = rows.reduce((s, c) => s + c.objects.length, 0);
  out.push(`drift: ${total} object(s) drifted across ${rows.length} cluster(s)`);
  return `${out.join('\n')}\n`;
}
