/**
 * `cdkfed plan`'s report as text, markdown (a pull-request comment) or JSON, and its exit
 * code. Pure and deterministic: stable order, no timestamps, so a rerun gives the same bytes.
 * Inputs are already masked: no secret value reaches here.
 *
 * The plan is a dry-run ChangeSet per cluster (deploy's vocabulary); the report speaks of
 * what would happen ("to create", `create`), through one view that is also the JSON schema
 * pipelines read, unchanged since before plans were ChangeSets.
 */
import { stableJson } from '../kube/digest';
import { describeRef, ObjectRef } from '../kube/object';
import type { Action, ChangeSetEntry } from '../cluster/changeset';
import type { BlastRadius, FleetPlan } from '../drift/plan';
import { hasChanges } from '../drift/plan';
import { Format, ordered } from './format';
import { fenced, mdCode, mdText, mermaidId } from './markdown';

/** What a deploy would do to an object, as `cdkfed plan` names it: create, update, delete (prune), unchanged, error. */
export type PlanVerb = 'create' | 'update' | 'delete' | 'unchanged' | 'error';

/**
 * A dry-run action in plan's words. Prune's `released` and `skipped` (kept, with why) count
 * as `delete`: the object leaves the set, and the entry's message says it is not deleted.
 */
const VERB: Record<Action, PlanVerb> = { created: 'create', configured: 'update', unchanged: 'unchanged', deleted: 'delete', released: 'delete', skipped: 'delete', failed: 'error' };

/** One object in the report (and in `--output json`). */
export interface PlanReportObject {
  readonly ref: ObjectRef;
  readonly action: PlanVerb;
  /** Changed field paths (update). */
  readonly fields?: readonly string[];
  readonly diff?: string;
  readonly message?: string;
}

export interface PlanReportCluster {
  readonly cluster: string;
  readonly wave: string;
  readonly error?: string;
  readonly currentRevision?: number;
  readonly objects: readonly PlanReportObject[];
  readonly blastRadius: readonly BlastRadius[];
  readonly counts: Readonly<Record<PlanVerb, number>>;
}

/** `cdkfed plan --output json`. */
export interface PlanReport {
  readonly federation: string;
  readonly waves: FleetPlan['waves'];
  readonly clusters: readonly PlanReportCluster[];
}

function reportObject(e: ChangeSetEntry): PlanReportObject {
  return { ref: e.ref, action: VERB[e.action], ...(e.fields ? { fields: e.fields.map((f) => f.path) } : {}), ...(e.diff !== undefined ? { diff: e.diff } : {}), ...(e.message !== undefined ? { message: e.message } : {}) };
}

/** The plan in the report's words. */
export function planReport(p: FleetPlan): PlanReport {
  return {
    federation: p.federation,
    waves: p.waves,
    clusters: p.clusters.map((c) => {
      const objects = c.changes.entries.map(reportObject);
      const counts: Record<PlanVerb, number> = { create: 0, update: 0, delete: 0, unchanged: 0, error: 0 };
      for (const o of objects) counts[o.action]++;
      return { cluster: c.cluster, wave: c.wave, ...(c.error !== undefined ? { error: c.error } : {}), ...(c.currentRevision !== undefined ? { currentRevision: c.currentRevision } : {}), objects, blastRadius: c.blastRadius, counts };
    }),
  };
}

/** Terraform's -detailed-exitcode: 1 error, 2 changes, 0 none; without it, 0 unless an error. */
export function planExitCode(p: FleetPlan, detailed: boolean): number {
  if (p.clusters.some((c) => c.error || c.changes.failed)) return 1;
  return detailed && hasChanges(p) ? 2 : 0;
}

const SIGN: Record<PlanVerb, string> = { create: '+', update: '~', delete: '-', unchanged: ' ', error: '!' };

function summary(c: PlanReportCluster): string {
  if (c.error) return `unreachable or failed: ${c.error}`;
  const n = c.counts;
  return `${n.create} to create, ${n.update} to update, ${n.delete} to delete, ${n.unchanged} unchanged${n.error ? `, ${n.error} error(s)` : ''}`;
}

export function renderPlan(plan: FleetPlan, format: Format): string {
  const p = planReport(plan);
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

/** The rollout as a Mermaid flowchart: waves in order, their clusters, parallelism, bake, changes per cluster. */
export function rolloutDiagram(p: PlanReport, rows: readonly PlanReportCluster[]): string {
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

function planMarkdown(p: PlanReport, rows: readonly PlanReportCluster[]): string {
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
