/**
 * The one Secret-value rule: which fields of which objects hold secret values. Synth refuses
 * objects that carry them (they would be written to dist/ and cdk.tf.json in plain text),
 * and plan and drift mask them.
 */
import { apiGroup } from './object';

/**
 * Fields of a Secret whose entries are values. Secret has no `binaryData` (ConfigMap has),
 * but a manifest that sets one means a value, so it is treated as one.
 */
export const SECRET_VALUE_FIELDS = ['data', 'stringData', 'binaryData'] as const;

/** A Secret of the core group (an object read loosely, without apiVersion, counts). */
export function isSecret(o: unknown): boolean {
  const x = o as { kind?: unknown; apiVersion?: unknown } | null | undefined;
  return x?.kind === 'Secret' && apiGroup(x.apiVersion) === '';
}

/**
 * Whether an object carries secret values: a Secret with at least one entry in a value
 * field (or anything there but a map, failing closed). An empty or null `data` carries none (a Secret filled in by a controller, or a
 * reference target, may be managed).
 */
export function carriesSecretValues(o: unknown): boolean {
  if (!isSecret(o)) return false;
  return SECRET_VALUE_FIELDS.some((f) => {
    const v = (o as Record<string, unknown>)[f];
    return v !== undefined && v !== null && (typeof v !== 'object' || Object.keys(v).length > 0);
  });
}
