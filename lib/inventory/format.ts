/**
 * The names and version of dist/federation.json's format, without its schema: what readers
 * and writers need that must not load zod (lib/inventory/types.ts holds the schema).
 */
export const INVENTORY_API_VERSION = 'cdk-federation.io/v1alpha1';
/** The `kind` of federation.json (a historical name, part of the format). */
export const INVENTORY_KIND = 'FederationPlan';
export const INVENTORY_FILE = 'federation.json';
/**
 * Bumped on any change a reader of an older version would misread.
 * 2: every object has `fileDigest` (sha256 of its file's bytes), which the reader verifies instead of parsing every manifest.
 */
export const SCHEMA_VERSION = 2;
