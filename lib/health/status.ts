/** kstatus rules (kubernetes-sigs/cli-utils pkg/kstatus/status), pure. Provisional: replaced by the full module. */
export type HealthStatus = 'Current' | 'InProgress' | 'Failed' | 'Terminating' | 'NotFound' | 'Unknown';
export interface Health { readonly status: HealthStatus; readonly reason: string; readonly message: string }

type Cond = { type: string; status: string; reason?: string; message?: string };
const cond = (o: any, t: string): Cond | undefined => (o?.status?.conditions ?? []).find((c: Cond) => c.type === t);
const h = (status: HealthStatus, reason: string, message: string): Health => ({ status, reason, message });

export function computeHealth(live: unknown | undefined): Health {
  const o = live as any;
  if (!o) return h('NotFound', 'NotFound', 'not found');
  const kind = `${o.kind}.${String(o.apiVersion).includes('/') ? String(o.apiVersion).split('/')[0] : ''}`;
  if (o.metadata?.deletionTimestamp) return h('Terminating', 'Terminating', 'being deleted');
  const gen = o.metadata?.generation;
  const observed = o.status?.observedGeneration;
  if (observed !== undefined && gen !== undefined && observed !== gen) return h('InProgress', 'LatestGenerationNotObserved', `generation ${gen} not yet observed (at ${observed})`);
  if (cond(o, 'Stalled')?.status === 'True') return h('Failed', 'Stalled', cond(o, 'Stalled')!.message ?? 'stalled');
  if (cond(o, 'Reconciling')?.status === 'True') return h('InProgress', 'Reconciling', cond(o, 'Reconciling')!.message ?? 'reconciling');
  if (kind === 'Deployment.apps') {
    const p = cond(o, 'Progressing');
    if (p?.reason === 'ProgressDeadlineExceeded') return h('Failed', 'ProgressDeadlineExceeded', `Progressing: ProgressDeadlineExceeded: ${p.message ?? ''}`);
    if (gen !== undefined && observed === undefined) return h('InProgress', 'LatestGenerationNotObserved', 'not yet observed');
    const want = o.spec?.replicas ?? 1;
    const s = o.status ?? {};
    const [rep, upd, ready, avail] = [s.replicas ?? 0, s.updatedReplicas ?? 0, s.readyReplicas ?? 0, s.availableReplicas ?? 0];
    if (upd < want) return h('InProgress', 'LessUpdated', `Deployment: ${upd}/${want} replicas updated, ${avail} available`);
    if (rep > want) return h('InProgress', 'ExtraPods', `Deployment: ${rep - want} old replicas pending termination`);
    if (avail < want || ready < want) return h('InProgress', 'LessAvailable', `Deployment: ${avail}/${want} replicas available`);
    if (upd > avail) return h('InProgress', 'LessAvailable', `Deployment: ${avail}/${upd} updated replicas available`);
    if (cond(o, 'Available')?.status !== 'True') return h('InProgress', 'NotAvailable', `Available=${cond(o, 'Available')?.status ?? 'missing'}`);
    return h('Current', 'Current', `Deployment: ${avail}/${want} replicas available`);
  }
  if (kind === 'CustomResourceDefinition.apiextensions.k8s.io') {
    if (cond(o, 'NamesAccepted')?.status === 'False') return h('Failed', 'NamesNotAccepted', cond(o, 'NamesAccepted')!.message ?? '');
    return cond(o, 'Established')?.status === 'True' ? h('Current', 'Established', 'CRD established') : h('InProgress', 'NotEstablished', 'CRD not yet established');
  }
  if (kind === 'Job.batch') {
    if (cond(o, 'Complete')?.status === 'True') return h('Current', 'Complete', 'Job complete');
    if (cond(o, 'Failed')?.status === 'True') return h('Failed', 'JobFailed', cond(o, 'Failed')!.message ?? 'Job failed');
    return o.status?.startTime ? h('Current', 'Running', 'Job running') : h('InProgress', 'NotStarted', 'Job not started');
  }
  if (kind === 'Namespace.') return o.status?.phase === 'Terminating' ? h('Terminating', 'Terminating', 'namespace terminating') : h('Current', 'Active', 'namespace active');
  const ready = cond(o, 'Ready');
  if (ready && !['Pod.', 'Node.'].includes(kind)) return ready.status === 'True' ? h('Current', 'Ready', 'Ready') : h('InProgress', ready.reason ?? 'NotReady', `Ready=${ready.status}: ${ready.reason ?? ''}`);
  return h('Current', 'Current', 'Resource is current');
}

export function podFailureReason(pod: unknown): string | undefined {
  const p = pod as any;
  for (const cs of [...(p?.status?.initContainerStatuses ?? []), ...(p?.status?.containerStatuses ?? [])]) {
    const w = cs.state?.waiting;
    if (w?.reason) return `container ${cs.name}: ${w.reason}${w.message ? `: ${w.message}` : ''}`;
  }
  const ready = cond(p, 'Ready');
  if (ready && ready.status !== 'True') return `Ready=${ready.status}${ready.reason ? `: ${ready.reason}` : ''}`;
  return undefined;
}
