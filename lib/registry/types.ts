/** What a cluster does in the federation: `standby` clusters are the passive side of active-passive. */
export type ClusterRole = 'primary' | 'standby' | 'canary';

/** One registered Kubernetes cluster, as loaded and validated from clusters.yaml or code. */
export interface ClusterSpec {
  /** DNS label (RFC 1123), unique in the registry. Used as folder, chart and stack name. */
  readonly name: string;
  readonly region: string;
  /** @default - none */
  readonly zone?: string;
  /** e.g. aws, gcp, azure, onprem, local. */
  readonly provider: string;
  /** Data-residency jurisdiction, e.g. `eu`, `us`. */
  readonly jurisdiction: string;
  /** Free labels; the keys region, zone, provider, jurisdiction and role are reserved. */
  readonly labels: Readonly<Record<string, string>>;
  /** kubeconfig context used to reach the cluster. */
  readonly context: string;
  /**
   * kubeconfig file holding the context.
   * @default - $KUBECONFIG or ~/.kube/config at deploy time
   */
  readonly kubeconfig?: string;
  /** Relative capacity weight (> 0) for capacity-weighted replica division. */
  readonly capacity: number;
  readonly role: ClusterRole;
}

/** Label keys derived from a cluster's fields, usable in selectors like any label. */
export const RESERVED_LABEL_KEYS = ['region', 'zone', 'provider', 'jurisdiction', 'role'] as const;

/** The labels a selector sees: the cluster's own labels plus its derived fields. */
export function effectiveLabels(c: ClusterSpec): Record<string, string> {
  const out: Record<string, string> = { ...c.labels, region: c.region, provider: c.provider, jurisdiction: c.jurisdiction, role: c.role };
  if (c.zone) out.zone = c.zone;
  return out;
}
