import type { Db } from '../src/db/database.ts';

/**
 * The receptionist's checklist in tests (receive command and walk-in submission, Decree 118/2025
 * art. 17(3)): every mandatory component of the dossier's frozen procedure version, received as
 * the procedure asks (its originals, else one copy).
 */
type Doc = { name: string; original: number | null; copy: number | null; requirement?: string; required?: boolean };

function checklistOf(documents: Doc[]) {
  return documents
    .filter((d) => d.requirement === 'mandatory' || d.required === true)
    .map((d) => {
      const original = d.original ?? 0;
      const copy = d.copy ?? 0;
      return original + copy === 0 ? { name: d.name, original: 1, copy: 0 } : { name: d.name, original, copy };
    });
}

/** For a receive on an existing dossier. */
export async function mandatoryChecklist(db: Db, dossierId: string) {
  const v = await db
    .selectFrom('dossiers as d')
    .innerJoin('procedure_versions as v', 'v.id', 'd.procedure_version_id')
    .select('v.content')
    .where('d.id', '=', dossierId)
    .executeTakeFirstOrThrow();
  return checklistOf((v.content as { documents: Doc[] }).documents);
}

/** For a walk-in submission of the procedure's published version. */
export async function mandatoryChecklistOfProcedure(db: Db, procedureId: string) {
  const v = await db
    .selectFrom('procedure_versions')
    .select('content')
    .where('procedure_id', '=', procedureId)
    .where('status', '=', 'published')
    .executeTakeFirstOrThrow();
  return checklistOf((v.content as { documents: Doc[] }).documents);
}
