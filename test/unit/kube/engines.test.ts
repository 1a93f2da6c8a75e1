import { managingEngine } from '../../../lib/kube/engines';

describe('managingEngine: the marks Flux and Argo CD leave on what they apply', () => {
  test.each([
    [{ labels: { 'kustomize.toolkit.fluxcd.io/name': 'shop.eu-1', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } }, 'Flux Kustomization flux-system/shop.eu-1'],
    [{ labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps' } }, 'Flux Kustomization apps'],
    [{ annotations: { 'argocd.argoproj.io/tracking-id': 'shop.eu-1:apps/Deployment:shop/web' } }, 'Argo CD Application shop.eu-1'],
    [{ annotations: { 'argocd.argoproj.io/tracking-id': 'team-a_shop:/Namespace:/shop' } }, 'Argo CD Application team-a/shop'],
    [{ labels: { 'app.kubernetes.io/instance': 'shop' } }, undefined],
    [{}, undefined],
  ])('%j → %s', (metadata, expected) => {
    expect(managingEngine({ metadata })).toBe(expected);
  });
  test('an object that does not exist is managed by nobody', () => {
    expect(managingEngine(undefined)).toBeUndefined();
  });
});
