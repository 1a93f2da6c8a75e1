import { FederationError } from '../errors';
import { ContainerOverride, ContainerProps, FederatedAppOverride, FederatedAppSpec } from './app-spec';

type Plain = Record<string, unknown>;

function isPlain(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Merges an override map into a base map, key by key, `depth` levels deep: at depth 1 a
 * key's value replaces the base value whole; at depth 2 a key whose value is a map in
 * both is merged key by key again (resources → requests → cpu). A key set to `null`
 * removes the key from the result; a map left empty by removals is dropped. Neither input
 * is changed. Returns undefined when nothing is left.
 */
export function mergeMap<T>(base: Readonly<Record<string, T>> | undefined, override: Readonly<Record<string, unknown>> | undefined, depth: number, where: string, field: string): Record<string, T> | undefined {
  if (override === undefined) return base === undefined ? undefined : { ...base };
  if (!isPlain(override)) {
    throw new FederationError('INVALID_PROP', where, `override "${field}" has invalid value ${JSON.stringify(override)}`,
      `give a map; set a key to null to remove it, e.g. ${field}: { KEY: null }`);
  }
  const out: Plain = { ...(base ?? {}) };
  for (const [k, v] of Object.entries(override)) {
    if (v === undefined) continue;
    if (v === null) {
      delete out[k];
    } else if (depth > 1 && isPlain(v)) {
      const merged = mergeMap(isPlain(out[k]) ? (out[k] as Plain) : undefined, v, depth - 1, where, `${field}.${k}`);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else {
      out[k] = v;
    }
  }
  return Object.keys(out).length > 0 ? (out as Record<string, T>) : undefined;
}

/** Drops keys whose value is undefined, so `{ image: undefined }` in an override changes nothing. */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Sets `key` to `value`, or removes it when `value` is undefined. */
function withMap<T extends object, K extends keyof T>(o: T, key: K, value: T[K] | undefined): T {
  const out = { ...o };
  if (value === undefined) delete out[key];
  else out[key] = value;
  return out;
}

function mergeContainer(base: ContainerProps, o: ContainerOverride, where: string): ContainerProps {
  const { name: _name, env, resources, ...rest } = o;
  let c: ContainerProps = { ...base, ...defined(rest) };
  const at = `containers[${base.name}]`;
  if (env !== undefined) c = withMap(c, 'env', mergeMap(base.env, env, 1, where, `${at}.env`));
  if (resources !== undefined) c = withMap(c, 'resources', mergeMap(base.resources as Plain | undefined, resources, 2, where, `${at}.resources`) as ContainerProps['resources']);
  return c;
}

/**
 * Applies overrides in order (region, then cluster) to an app's spec. Pure; the result is
 * a new spec. Throws when an override names a container the app does not have.
 *
 * Merging: `config`, `labels`, `podAnnotations` and a container's `env` merge key by key
 * (an env value, literal or reference, replaces the inherited one whole); a container's
 * `resources` merges two levels deep (`requests` and `limits`, then `cpu`, `memory`, …);
 * `autoscaling` merges field by field; `containers` merge by name; every other field,
 * lists included (ports, command, args, envFromSecrets), replaces. In any of these maps a
 * key set to `null` removes the key; a map left empty disappears.
 */
export function applyAppOverrides(base: FederatedAppSpec, overrides: readonly (FederatedAppOverride | undefined)[], where: string): FederatedAppSpec {
  let spec = base;
  for (const o of overrides) {
    if (!o) continue;
    const containers = spec.containers.map((c) => ({ ...c }));
    for (const co of o.containers ?? []) {
      const i = containers.findIndex((c) => c.name === co.name);
      if (i < 0) {
        throw new FederationError('UNKNOWN_CONTAINER', where, `override names container "${co.name}", which the app does not have`,
          `use one of: ${containers.map((c) => c.name).join(', ')}`);
      }
      containers[i] = mergeContainer(containers[i], co, where);
    }
    let next: FederatedAppSpec = { ...spec, containers };
    if (o.config !== undefined) next = withMap(next, 'config', mergeMap(spec.config, o.config, 1, where, 'config'));
    if (o.labels !== undefined) next = withMap(next, 'labels', mergeMap(spec.labels, o.labels, 1, where, 'labels'));
    if (o.podAnnotations !== undefined) next = withMap(next, 'podAnnotations', mergeMap(spec.podAnnotations, o.podAnnotations, 1, where, 'podAnnotations'));
    if (o.autoscaling !== undefined) next = { ...next, autoscaling: { ...spec.autoscaling, ...defined(o.autoscaling) } as FederatedAppSpec['autoscaling'] };
    if (o.disruptionBudget !== undefined) next = { ...next, disruptionBudget: o.disruptionBudget };
    if (o.serviceType !== undefined) next = { ...next, serviceType: o.serviceType };
    spec = next;
  }
  return spec;
}

/** The replicas override that wins for a cluster (cluster before region), if any. */
export function replicasOverride(overrides: readonly (FederatedAppOverride | undefined)[]): number | undefined {
  let r: number | undefined;
  for (const o of overrides) if (o?.replicas !== undefined) r = o.replicas;
  return r;
}
