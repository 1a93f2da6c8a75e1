/**
 * Whether a pull-based engine applies an object, from the marks each one leaves on what it
 * applies: Flux's kustomize-controller labels every object with its Kustomization's name
 * and namespace; Argo CD (annotation tracking, the default since v3) writes
 * `<app>:<group>/<kind>:<namespace>/<name>`, where <app> is `<namespace>_<name>` when the
 * Application is not in Argo CD's own namespace.
 */
export const FLUX_NAME_LABEL = 'kustomize.toolkit.fluxcd.io/name';
export const FLUX_NAMESPACE_LABEL = 'kustomize.toolkit.fluxcd.io/namespace';
export const ARGO_TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';

/** "Flux Kustomization flux-system/shop.eu-1", "Argo CD Application shop.eu-1", or undefined when no engine marked it. */
export function managingEngine(live: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } } | undefined): string | undefined {
  const labels = live?.metadata?.labels ?? {};
  const flux = labels[FLUX_NAME_LABEL];
  if (flux) return `Flux Kustomization ${labels[FLUX_NAMESPACE_LABEL] ? `${labels[FLUX_NAMESPACE_LABEL]}/` : ''}${flux}`;
  const tracking = live?.metadata?.annotations?.[ARGO_TRACKING_ANNOTATION];
  if (tracking) {
    const app = tracking.split(':')[0];
    return `Argo CD Application ${app.includes('_') ? app.replace('_', '/') : app}`;
  }
  return undefined;
}
