import { FederationError, isFederationError } from '../../lib/errors';
import { ClusterSpec } from '../../lib/registry/types';

/** A registry cluster with sensible defaults; override any field. */
export function cluster(name: string, over: Partial<ClusterSpec> = {}): ClusterSpec {
  return {
    name,
    region: 'eu-west-1',
    provider: 'aws',
    jurisdiction: 'eu',
    labels: {},
    context: `ctx-${name}`,
    capacity: 1,
    role: 'primary',
    ...over,
  };
}

/**
 * Runs fn, asserts it throws a FederationError with the given code and `where`, whose
 * message mentions every string in `mentions` and which carries a hint. Returns the error.
 */
export function expectFedError(fn: () => unknown, code: string, where: string, ...mentions: string[]): FederationError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined) throw new Error(`expected a FederationError ${code}, but nothing was thrown`);
  if (!isFederationError(thrown)) throw thrown;
  expect(thrown.code).toBe(code);
  expect(thrown.where).toBe(where);
  expect(thrown.message.startsWith(`${where}: `)).toBe(true);
  for (const m of mentions) expect(thrown.message).toContain(m);
  expect(thrown.hint).toBeTruthy();
  return thrown;
}

/** Deterministic PRNG (mulberry32): the same seed gives the same sequence on every run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
