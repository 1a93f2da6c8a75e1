import { FederationError } from '../errors';
import { ContainerOverride, ContainerProps, FederatedAppOverride, FederatedAppSpec } from './app-spec';

function mergeContainer(base: ContainerProps, o: ContainerOverride): ContainerProps {
  const { name: _name, env, resources, ...rest } = o;
  return {
    ...base,
    ...rest,
    ...(env ? { env: { ...base.env, ...env } } : {}),
    ...(resources ? { resources: { ...base.resources, ...resources } } : {}),
  };
}

/**
 * Applies overrides in order (region, then cluster) to an app's spec. Pure; the result is
 * a new spec. Throws when an override names a container the app does not have.
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
      containers[i] = mergeContainer(containers[i], co);
    }
    spec = {
      ...spec,
      containers,
      ...(o.config ? { config: { ...spec.config, ...o.config } } : {}),
      ...(o.labels ? { labels: { ...spec.labels, ...o.labels } } : {}),
      ...(o.podAnnotations ? { podAnnotations: { ...spec.podAnnotations, ...o.podAnnotations } } : {}),
      ...(o.autoscaling ? { autoscaling: { ...spec.autoscaling, ...o.autoscaling } as FederatedAppSpec['autoscaling'] } : {}),
      ...(o.disruptionBudget ? { disruptionBudget: o.disruptionBudget } : {}),
      ...(o.serviceType ? { serviceType: o.serviceType } : {}),
    };
  }
  return spec;
}

/** The replicas override that wins for a cluster (cluster before region), if any. */
export function replicasOverride(overrides: readonly (FederatedAppOverride | undefined)[]): number | undefined {
  let r: number | undefined;
  for (const o of overrides) if (o?.replicas !== undefined) r = o.replicas;
  return r;
}
