/**
 * `cdkfed drift`'s report as text, markdown (a pull-request comment) or JSON, and its exit
 * code. Pure and deterministic: stable order, no timestamps. Inputs are already masked: no
 * secret value reaches here.
 *
 * Drift is a ChangeSet per cluster whose entries carry how each object drifted; the report
 * (and the JSON schema pipelines read, unchanged since before drift was a ChangeSet) names the
 * drift and, after --correct, whether the re-apply put it back.
 */
import { stableJson } from '../kube/digest';
import { describeRef, ObjectRef } from '../kube/object';
import type { DriftKind, FieldChange } from '../cluster/changeset';
import type { FleetDrift } from '../drift/drift';
import { corrected, hasDrift } from '../drift/drift';
import { Format, ordered } from './format';
import { fenced, mdCode, mdText } from './markdown';

/** One drifted object in the report (and in `--output json`). */
export interface DriftReportObject {
  readonly ref: ObjectRef;
  readonly drift: DriftKind;
  /** The drifted fields (modified): desired and live values, the manager that owns the live one. */
  readonly fields?: readonly FieldChange[];
  /** With --correct: re-applied (or the error). */
  readonly corrected?: boolean;
  readonly error?: string;
}

export interface DriftReportCluster {
  readonly cluster: string;
  readonly wave: string;
  readonly error?: string;
  readonly revision?: number;
  readonly pendingDeploy: boolean;
  readonly objects: readonly DriftReportObject[];
  readonly ignored: readonly string[];
}

/** `cdkfed drift --output json`. */
export interface DriftReport {
  readonly federation: string;
  readonly clusters: readonly DriftReportCluster[];
}

/** The drift in the report's words. */
export function driftReport(d: FleetDrift): DriftReport {
  return {
    federation: d.federation,
    clusters: d.clusters.map((c) => ({
      cluster: c.cluster, wave: c.wave, ...(c.error !== undefined ? { error: c.error } : {}), ...(c.revision !== undefined ? { revision: c.revision } : {}), pendingDeploy: c.pendingDeploy,
      objects: c.changes.entries.map((e): DriftReportObject => {
        const fixed = corrected(c.changes, e);
        return {
          ref: e.ref, drift: e.drift!, ...(e.fields ? { fields: e.fields } : {}),
          ...(fixed === undefined ? {} : fixed ? { corrected: true } : { corrected: false, error: e.message ?? e.action }),
        };
      }),
      ignored: c.ignored,
    })),
  };
}

/** 1 error, 2 drift found (and not all corrected), 0 none. */
export function driftExitCode(d: FleetDrift): number {
  if (d.clusters.some((c) => c.error || c.changes.entries.some((e) => corrected(c.changes, e) === false))) return 1;
  return hasDrift(d) ? 2 : 0;
}

function value(v: unknown): string {
  return v === undefined || v === null ? '(absent)' : typeof v === 'string' ? v : JSON.stringify(v);
}

function driftLines(c: DriftReportCluster): string[] {
  const out: string[] = [];
  for (const o of c.objects) {
    const status = o.corrected === true ? ' — corrected' : o.corrected === false ? ` — correction failed: ${o.error}` : '';
    out.push(`${o.drift === 'modified' ? '~' : o.drift === 'deleted' ? '-' : '+'} ${describeRef(o.ref)}: ${o.drift === 'modified' ? 'modified' : o.drift === 'deleted' ? 'deleted behind our back' : 'carries our ApplySet label but no revision holds it'}${status}`);
    for (const f of o.fields ?? []) out.push(`    ${f.path}: desired ${value(f.desired)}, live ${value(f.live)}${f.manager ? ` (owned by "${f.manager}")` : ''}`);
  }
  return out;
}

function driftState(c: DriftReportCluster): string {
  if (c.error) return `could not be checked: ${c.error}`;
  if (c.revision === undefined) return 'never deployed (deploy pending)';
  const n = c.objects.length;
  return `revision ${c.revision}${c.pendingDeploy ? ' (dist/ holds a newer revision: deploy pending, not drift)' : ''}: ${n === 0 ? 'no drift' : `${n} object(s) drifted`}`;
}

export function renderDrift(drift: FleetDrift, waves: readonly { name: string }[], format: Format): string {
  const d = driftReport(drift);
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
