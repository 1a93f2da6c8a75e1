/**
 * Writes schema/federation.schema.json: the JSON Schema of dist/federation.json, generated
 * from the zod schema in lib/inventory/types.ts with keys sorted at every level, so the
 * committed file only changes when the schema does. Run `npm run schema` after changing
 * the zod schema; a unit test fails while the committed file is stale.
 */
import * as fs from 'fs';
import * as path from 'path';
import { inventoryJsonSchema } from '../lib/inventory/types';
import { stableJson } from '../lib/kube/digest';

/** Path of the committed schema, relative to the repository root. */
export const SCHEMA_FILE = path.join('schema', 'federation.schema.json');

/** The text of schema/federation.schema.json: stable key order, trailing newline. */
export function federationSchemaText(): string {
  return stableJson(inventoryJsonSchema());
}

if (require.main === module) {
  const file = path.join(__dirname, '..', SCHEMA_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, federationSchemaText());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
