/**
 * The set manager: everything that reads or changes the objects one federation owns in one
 * cluster, as fluxcd/pkg ssa's ResourceManager. Deploy, rollback, plan, drift and
 * `drift --correct` all go through it, so each safety rule is written once, here:
 * - members are found by our ApplySet label and read at the version they were applied at;
 * - before any apply the parent lists a superset of what the cluster may hold;
 * - an object of another owner is taken over only with --adopt, and what it was before is
 *   kept (adoptions) so rollback and prune hand it back instead of deleting it;
 * - prune deletes only what we created and fails closed (prune.ts);
 * - a cluster-scoped object that names a namespace is refused before any write (scope).
 */
import pLimit from 'p-limit';
import { FederationError } from '../errors';
import { managingEngine } from '../kube/engines';
import { describeObject, KubeObject, objectKey, refKey, refOf } from '../kube/object';
import { APPLYSET_PART_OF } from '../kube/ownership';
import { crdScopes, knownNamespaced, scopeProblem } from '../kube/scope';
import { applyStaged, ApplyOptions, errorMessage } from './apply';
import { ApplySetRef, ApplySetState, readApplySet, targetState, unionState, writeApplySet } from './applyset';
import { ChangeSet, changeSet, ChangeSetEntry } from './changeset';
import { ClusterClient } from './client';
import { dryRunDiff } from './diff';
import { AdoptedObject, adoptionSnapshot, handBack } from './handback';
import { assertLeaseHeld } from './lease';
import { appliedVersions, listMembers, Member, prune, PruneOptions, sortMembers, staleMembers } from './prune';

type Target = Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>;

export class ObjectSet {
  private parentRead?: Promise<ApplySetState | undefined>;

  constructor(
    public readonly client: ClusterClient,
    public readonly federation: string,
    public readonly applySet: ApplySetRef,
  ) {}

  /**
   * Every write of the set goes through here first: a run that lost the cluster's deploy lease
   * (it could not renew it, or another run took it) stops before its next write (LEASE_LOST).
   */
  private assertWritable(): void {
    assertLeaseHeld(this.client);
  }

  /** The parent's recorded group-kinds and namespaces (read once per instance). */
  public parent(): Promise<ApplySetState | undefined> {
    this.parentRead ??= readApplySet(this.client, this.applySet);
    return this.parentRead;
  }

  /**
   * Every live member: one LIST per group-kind the parent records or `objects` hold, each
   * at the version `objects` were applied at, so a member compares field by field with it.
   */
  public async members(objects: readonly Target[] = []): Promise<Member[]> {
    const versions = appliedVersions(objects);
    const own = targetState(objects).groupKinds;
    // The kinds of `objects` are listed while the parent is read: only kinds it alone records wait for it.
    const [parent, listed] = await Promise.allSettled([this.parent(), listMembers(this.client, this.applySet.id, own, versions)]);
    if (parent.status === 'rejected') throw parent.reason; // the parent's error first, as when it was read before any LIST
    if (listed.status === 'rejected') throw listed.reason;
    const more = unionState(parent.value, targetState(objects)).groupKinds.filter((gk) => !own.includes(gk));
    return more.length === 0 ? listed.value : sortMembers([...listed.value, ...await listMembers(this.client, this.applySet.id, more, versions)]);
  }

  /**
   * Objects of `objects` that exist live without our ApplySet label: what --adopt would take
   * over, with their state before (for a hand-back). One GET per object: only asked with --adopt.
   */
  public async adoptions(objects: readonly KubeObject[]): Promise<AdoptedObject[]> {
    const limit = pLimit(8);
    const found = await Promise.all(objects.map((o) => limit(async () => {
      const live = await this.client.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
      if (!live || live.metadata?.labels?.[APPLYSET_PART_OF] === this.applySet.id) return undefined;
      return { ref: refOf(o), apiVersion: o.apiVersion, before: adoptionSnapshot(live) };
    })));
    return found.filter((a): a is AdoptedObject => !!a);
  }

  /**
   * Refuses, before any write, an object whose scope makes its identity ambiguous: a
   * cluster-scoped kind with metadata.namespace (the CRDs of the set and discovery say
   * which custom kinds are cluster-scoped).
   */
  public async checkScopes(objects: readonly KubeObject[]): Promise<void> {
    const crds = crdScopes(objects);
    for (const o of objects) {
      if (o.metadata.namespace === undefined) continue;
      let namespaced = knownNamespaced(o.apiVersion, o.kind, crds);
      if (namespaced === undefined && (await this.client.serves(o.apiVersion, o.kind))) namespaced = (await this.client.resource(o.apiVersion, o.kind)).namespaced;
      const problem = scopeProblem(o, namespaced);
      if (problem) {
        throw new FederationError('CLUSTER_SCOPED_NAMESPACE', `cluster ${this.client.name}: ${describeObject(o)}`, problem,
          'remove metadata.namespace from the manifest (FederatedResource) and synth again');
      }
    }
  }

  /**
   * Refuses, before any write, a cluster where a pull-based engine (Flux, Argo CD) applies
   * this set: both would re-apply their own copy and fight over every field. Every object
   * an engine applies carries its mark, so the first object of the set (in apply order,
   * one GET) is enough to tell.
   */
  public async checkNoEngine(objects: readonly KubeObject[]): Promise<void> {
    const first = objects[0];
    if (!first) return;
    const engine = managingEngine(await this.client.get(first.apiVersion, first.kind, first.metadata.namespace, first.metadata.name));
    if (engine) {
      throw new FederationError('ENGINE_MANAGED', `cluster ${this.client.name}: ${describeObject(first)}`, `is applied by ${engine}; a deploy would fight it over every field`,
        'let the engine roll this cluster out (`cdkfed gitops promote`), or take the cluster away from the engine first (delete its Kustomization or Application, keeping the objects), then deploy');
    }
  }

  /** Writes the parent as a superset of what the cluster holds and will hold, then applies (staged server-side apply). */
  public async apply(objects: readonly KubeObject[], opts: ApplyOptions = {}): Promise<ChangeSet> {
    this.assertWritable();
    await writeApplySet(this.client, this.federation, this.applySet, unionState(await this.parent(), targetState(objects)));
    this.parentRead = undefined;
    return applyStaged(this.client, objects, { ...opts, beforeWrite: () => this.assertWritable() });
  }

  /**
   * Deletes the members `keep` does not hold (adopted ones are handed back; see prune.ts),
   * then writes the parent: `keep`'s kinds plus those of any member that stays ours (a
   * failed delete, a Namespace whose contents could not be read), so the next run finds it again.
   */
  public async prune(keep: readonly KubeObject[], opts: PruneOptions = {}): Promise<ChangeSet> {
    const stale = staleMembers(await this.members(keep), keep);
    const pruned = await prune(this.client, this.applySet.id, stale, { ...opts, beforeWrite: () => this.assertWritable() });
    const kept = new Set(pruned.entries.filter((e) => e.action === 'failed' || e.action === 'skipped').map((e) => refKey(e.ref)));
    const stillOurs = stale.filter((m) => kept.has(refKey(m)));
    this.assertWritable();
    await writeApplySet(this.client, this.federation, this.applySet, unionState(targetState(stillOurs.map((m) => m.live)), targetState(keep)));
    this.parentRead = undefined;
    return pruned;
  }

  /**
   * What applying `objects` would change, object by object (server-side dry run against the
   * live copies in `members`, see diff.ts): dry-run entries in the order of `objects`. Writes nothing.
   */
  public async diff(objects: readonly KubeObject[], members?: readonly Member[]): Promise<ChangeSetEntry[]> {
    const live = new Map((members ?? await this.members(objects)).map((m) => [refKey(m), m.live]));
    const crds = crdScopes(objects);
    const limit = pLimit(16);
    return Promise.all(objects.map((o) => limit(() => dryRunDiff(this.client, o, crds, live.get(objectKey(o))))));
  }

  /**
   * Hands back objects this federation adopted (rollback of the revision that adopted them):
   * their content and labels as they were before, our field ownership removed. Never deletes.
   */
  public async handBack(adopted: readonly AdoptedObject[], opts: { restore: boolean; onEntry?: (e: ChangeSetEntry) => void }): Promise<ChangeSet> {
    const entries: ChangeSetEntry[] = [];
    for (const a of adopted) {
      let e: ChangeSetEntry;
      try {
        const live = await this.client.get(a.apiVersion, a.ref.kind, a.ref.namespace, a.ref.name);
        if (!live) e = { ref: a.ref, action: 'unchanged', message: 'adopted, and gone since' };
        else {
          this.assertWritable();
          await handBack(this.client, live, a.before, opts.restore);
          e = { ref: a.ref, action: 'released', message: `handed back${opts.restore ? ' as it was before it was adopted' : ''}; never deleted` };
        }
      } catch (err) {
        e = { ref: a.ref, action: 'failed', message: `hand-back failed: ${errorMessage(err)}` };
      }
      entries.push(e);
      opts.onEntry?.(e);
    }
    return changeSet(entries);
  }
}
