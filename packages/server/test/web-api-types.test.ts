import fs from 'node:fs';
import { expect, it } from 'vitest';
// @ts-expect-error — a plain .mjs script without type declarations
import { generateApiTypes, SCHEMA_FILE } from '../../../scripts/gen-api-types.mjs';

it('the web app’s committed API types (packages/web/src/api/schema.d.ts) match the routes: run npm run gen:api', async () => {
  const fresh: string = await generateApiTypes();
  expect(fresh).toContain("'/api/v1/dossiers/{id}/actions'");
  expect(fs.readFileSync(SCHEMA_FILE, 'utf8') === fresh, 'schema.d.ts is stale: run `npm run gen:api`').toBe(true);
});
