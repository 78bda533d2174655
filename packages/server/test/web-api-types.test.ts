import fs from 'node:fs';
import { DOSSIER_STATUSES } from '@motcua/core';
import { expect, it } from 'vitest';
// @ts-expect-error — a plain .mjs script without type declarations
import { generateApiTypes, SCHEMA_FILE } from '../../../scripts/gen-api-types.mjs';

it('the web app’s committed API types (packages/web/src/api/schema.d.ts) match the routes: run npm run gen:api', async () => {
  const fresh: string = await generateApiTypes();
  expect(fresh).toContain("'/api/v1/dossiers/{id}/actions'");
  expect(fs.readFileSync(SCHEMA_FILE, 'utf8') === fresh, 'schema.d.ts is stale: run `npm run gen:api`').toBe(true);
});

/** A schema that says nothing: `{}`, or an object with neither properties nor a union of them. */
function undescribed(
  schema: Record<string, unknown>,
  doc: { components?: { schemas?: Record<string, unknown> } },
): boolean {
  const resolve = (s: Record<string, unknown>): Record<string, unknown> => {
    const ref = s.$ref;
    if (typeof ref !== 'string') return s;
    return (doc.components?.schemas?.[ref.replace('#/components/schemas/', '')] ?? {}) as Record<string, unknown>;
  };
  const s = resolve(schema);
  const options = (s.anyOf ?? s.oneOf) as Record<string, unknown>[] | undefined;
  if (options) return options.some((o) => undescribed(o, doc));
  return !s.properties || Object.keys(s.properties).length === 0;
}

it('every dossier route answers a described schema: typed fields, no open object (issue 15)', async () => {
  // @ts-expect-error — a plain .mjs script without type declarations
  const { openApiDocument } = await import('../../../scripts/gen-api-types.mjs');
  const doc = (await openApiDocument()) as {
    paths: Record<
      string,
      Record<string, { responses?: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }> }>
    >;
    components?: { schemas?: Record<string, unknown> };
  };
  const dossierPaths = [
    ['/api/v1/dossiers', 'get'],
    ['/api/v1/dossiers', 'post'],
    ['/api/v1/counter/dossiers', 'post'],
    ['/api/v1/counter/applicants', 'get'],
    ['/api/v1/dossiers/queues/counts', 'get'],
    ['/api/v1/dossiers/{id}', 'get'],
    ['/api/v1/dossiers/{id}/history', 'get'],
    ['/api/v1/dossiers/{id}/actions', 'post'],
    ['/api/v1/lookup', 'get'],
  ] as const;
  const open: string[] = [];
  for (const [path, method] of dossierPaths) {
    const op = doc.paths[path]?.[method];
    expect(op, `${method} ${path}`).toBeDefined();
    for (const [status, r] of Object.entries(op?.responses ?? {})) {
      if (!status.startsWith('2')) continue;
      const schema = r.content?.['application/json']?.schema;
      if (!schema || undescribed(schema, doc)) open.push(`${method.toUpperCase()} ${path} ${status}`);
    }
  }
  expect(open).toEqual([]);
  // The officers' dossier view names its fields, the status among core's statuses.
  const answer = JSON.stringify(doc.paths['/api/v1/dossiers/{id}']?.get?.responses?.['200']);
  expect(answer).toContain('#/components/schemas/OfficerDossierDetail');
  expect(answer).toContain('#/components/schemas/ApplicantDossierDetail');
  const detail = JSON.stringify(doc.components?.schemas?.OfficerDossierDetail);
  for (const field of ['availableActions', 'assignees', 'currentStep', 'settlement', 'resultFile']) {
    expect(detail).toContain(field);
  }
  const officer = doc.components?.schemas?.OfficerDossierDetail as { properties: { status: { enum: string[] } } };
  expect(officer.properties.status.enum).toEqual([...DOSSIER_STATUSES]);
});
