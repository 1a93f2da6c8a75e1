/**
 * The ApplySet parent of a federation in one cluster (KEP-3659 as kubectl implements it):
 * a Secret whose annotations list the group-kinds and namespaces of its members, so prune
 * and drift find every member with one LIST per group-kind, and kubectl recognises the set.
 */
import { FederationError } from '../errors';
import { groupKind, KubeObject, refOf } from '../kube/object';
import { compareStrings } from '../kube/sort';
import {
  APPLYSET_GROUP_KINDS, APPLYSET_ID, APPLYSET_NAMESPACES, APPLYSET_TOOLING, applySetTooling, FIELD_MANAGER, isOurTooling, recordLabels,
} from '../kube/ownership';
import { packageInfo } from '../package-info';
import { ClusterClient } from './client';

export interface ApplySetRef {
  readonly id: string;
  readonly parent: { readonly kind: 'Secret'; readonly namespace: string; readonly name: string };
}

export interface ApplySetState {
  /** `Kind.group` (`Kind` for core), sorted. */
  readonly groupKinds: readonly string[];
  /** Member namespaces, sorted (the parent's own namespace included if it holds members). */
  readonly namespaces: readonly string[];
}

/** The parent's recorded members, or undefined if there is none yet. Refuses a parent of another tool or id. */
export async function readApplySet(client: ClusterClient, set: ApplySetRef): Promise<ApplySetState | undefined> {
  const live = await client.get('v1', 'Secret', set.parent.namespace, set.parent.name);
  if (!live) return undefined;
  const where = `cluster ${client.name}: Secret ${set.parent.namespace}/${set.parent.name}`;
  const tooling: string | undefined = live.metadata?.annotations?.[APPLYSET_TOOLING];
  if (tooling && !isOurTooling(tooling)) {
    throw new FederationError('APPLYSET_FOREIGN', where, `is the ApplySet parent of another tool ("${tooling}")`, 'rename the federation or remove the other tool\'s ApplySet');
  }
  const id = live.metadata?.labels?.[APPLYSET_ID];
  if (id !== set.id) {
    throw new FederationError('APPLYSET_FOREIGN', where, `carries ApplySet id "${id ?? '(none)'}", expected "${set.id}"`, 'the Secret is not this federation\'s ApplySet parent; remove or rename it');
  }
  return { groupKinds: split(live.metadata?.annotations?.[APPLYSET_GROUP_KINDS]), namespaces: split(live.metadata?.annotations?.[APPLYSET_NAMESPACES]) };
}

function split(s: string | undefined): string[] {
  return (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
}

export function unionState(a: ApplySetState | undefined, b: ApplySetState): ApplySetState {
  return {
    groupKinds: [...new Set([...(a?.groupKinds ?? []), ...b.groupKinds])].sort(compareStrings),
    namespaces: [...new Set([...(a?.namespaces ?? []), ...b.namespaces])].sort(compareStrings),
  };
}

/** Writes the parent (server-side apply). Before an apply it must list a superset of what the cluster may hold. */
export async function writeApplySet(client: ClusterClient, federation: string, set: ApplySetRef, state: ApplySetState): Promise<void> {
  const extraNs = state.namespaces.filter((n) => n !== set.parent.namespace);
  const parent: KubeObject = {
    apiVersion: 'v1', kind: 'Secret',
    metadata: {
      name: set.parent.name, namespace: set.parent.namespace,
      labels: { [APPLYSET_ID]: set.id, ...recordLabels(federation) },
      annotations: { [APPLYSET_TOOLING]: applySetTooling(packageInfo().version), [APPLYSET_GROUP_KINDS]: state.groupKinds.join(','), [APPLYSET_NAMESPACES]: extraNs.join(',') },
    },
    type: 'Opaque',
  };
  await client.apply(parent, { fieldManager: FIELD_MANAGER, force: true });
}

/** The members an object set needs the parent to list. */
export function targetState(objects: readonly Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>[]): ApplySetState {
  return {
    groupKinds: [...new Set(objects.map((o) => groupKind(refOf(o))))].sort(compareStrings),
    namespaces: [...new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => !!n))].sort(compareStrings),
  };
}
