import { sampleFill } from '@motcua/core';
import type { Db } from '../src/db/database.ts';

/**
 * A complete fill of the procedure's published e-form ({} when it has none): what a citizen
 * types in the portal before submitting online, for tests whose subject is not the form.
 */
export async function formFor(db: Db, procedureId: string): Promise<Record<string, unknown>> {
  const v = await db
    .selectFrom('procedure_versions')
    .select('content')
    .where('procedure_id', '=', procedureId)
    .where('status', '=', 'published')
    .executeTakeFirstOrThrow();
  const eForm = (v.content as { eForm: { schema: unknown } | null }).eForm;
  return eForm ? sampleFill(eForm.schema) : {};
}
