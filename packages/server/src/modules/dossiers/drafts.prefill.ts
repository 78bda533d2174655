import type { Actor } from '@motcua/core';
import { type FactOrigin, type PrefillMap, prefillForm, registersNeeded, valueAt, withValues } from '@motcua/core';
import type { Db, Executor, Tx } from '../../db/database.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import { applicantProfile } from '../accounts/accounts.queries.ts';
import { auditFields, recordAudit } from '../audit/audit.service.ts';
import { versionColumn, versionContent } from '../catalog/catalog.queries.ts';
import { FORMS } from '../documents/documents.parts.ts';
import { recordPersonalDataAccess } from '../identity/personal-data.ts';
import { gatherFacts, type RegisterRead, type Registers } from '../registers/registers.service.ts';
import type { DossierForm } from './dossier.documents.ts';
import { type DraftView, draftView } from './drafts.service.ts';

export type PrefillResult = {
  draft: DraftView;
  /** field path → where the value came from. */
  origins: Record<string, FactOrigin>;
  /** Fields the applicant may not change. */
  locked: string[];
  /** Registers that did not answer (timeout, unavailable…): their fields are left to type. */
  failures: { register: RegisterRead['source']; reason: string }[];
};

/**
 * Fill the draft's e-form from what VNeID verified and what the national registers hold
 * (issue 17; Decision 1565/QĐ-TTg: data reused, not typed again). Verified values overwrite what
 * was typed and are locked (kept on the draft; submission refuses a change); the account's contact
 * details fill only empty fields. Every register read is in the person's access log. A register
 * that fails costs its fields, never the form. Without a VNeID session only the account's own
 * details are used (a self-declared ID must not open someone else's record).
 */
export async function prefillDraft(
  db: Db,
  registers: Registers,
  ctx: CommandContext,
  session: { authMethod: string },
  draftId: string,
): Promise<PrefillResult> {
  const actor = ctx.actor as Extract<Actor, { kind: 'applicant' }>;
  const d = await db
    .selectFrom('dossier_drafts')
    .select(['id', 'procedure_version_id', versionColumn('procedure_version_id', 'name').as('procedure_name')])
    .where('id', '=', draftId)
    .where('applicant_user_id', '=', actor.userId)
    .executeTakeFirst();
  if (!d) throw new Problem('not_found', { detail: { vi: 'Không tìm thấy hồ sơ nháp', en: 'Draft not found' } });
  const content = (await versionContent(db, d.procedure_version_id)) as {
    eForm?: { schema: unknown; prefill?: PrefillMap } | null;
  };
  const profile = await applicantProfile(db, actor.userId);
  if (!profile) throw new Problem('forbidden');
  const viaVneid = session.authMethod === 'oidc:vneid';
  const map = content.eForm?.prefill ?? {};
  const { facts, reads, failures } = await gatherFacts(
    registers,
    { applicantType: profile.applicantType, identity: viaVneid ? profile.identity : null, account: profile },
    { requestId: ctx.requestId ?? d.id, serviceCode: d.procedure_version_id },
    registersNeeded(map),
  );
  const p = prefillForm(content.eForm?.schema ?? {}, map, facts);
  const lockedValues = Object.fromEntries(p.locked.map((k) => [k, p.values[k]!]));
  const verified = Object.fromEntries(p.locked.map((k) => [k, { value: p.values[k]!, origin: p.origins[k]! }]));
  await db.transaction().execute(async (tx: Tx) => {
    // Merged into the draft as it is now: an autosave that landed while the registers answered is kept.
    const cur = await tx
      .selectFrom('dossier_drafts')
      .select(['form_data', 'version'])
      .where('id', '=', d.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    // Verified values replace what was typed; the others only fill what is empty.
    const current = (cur.form_data ?? {}) as Record<string, unknown>;
    const fillEmpty = Object.fromEntries(
      Object.entries(p.values).filter(([k]) => !p.locked.includes(k) && isEmpty(valueAt(current, k))),
    );
    await tx
      .updateTable('dossier_drafts')
      .set({
        form_data: JSON.stringify(withValues(current, { ...fillEmpty, ...lockedValues })),
        verified: JSON.stringify(verified),
        version: cur.version + 1,
        updated_at: new Date(),
      })
      .where('id', '=', d.id)
      .execute();
    await recordPersonalDataAccess(
      tx,
      reads.map((r) => ({
        subject: { personalId: r.personalId, taxCode: r.taxCode, userId: actor.userId },
        accessor: actor,
        accessorName: profile.fullName,
        source: r.source,
        purpose: `Điền sẵn tờ khai: ${d.procedure_name}`,
        outcome: r.outcome,
      })),
    );
    await recordAudit(tx, {
      ...auditFields(ctx),
      action: 'draft.prefill',
      targetType: 'dossier_draft',
      targetId: d.id,
      result: 'ok',
      details: {
        fields: Object.keys(p.values).length,
        locked: p.locked.length,
        reads: reads.map((r) => `${r.source}:${r.outcome}`),
      },
    });
  });
  return {
    draft: await draftView(db, d.id, actor.userId),
    origins: p.origins,
    locked: p.locked,
    failures: failures.map((f) => ({ register: f.source, reason: f.outcome })),
  };
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

/**
 * An officer opened a dossier with the applicant's personal data (name, ID, address, the e-form):
 * one row of the applicant's access log, with the dossier as the purpose (Decree 13/2023/NĐ-CP).
 */
export async function logOfficerRead(
  ex: Executor,
  officer: Extract<Actor, { kind: 'officer' }>,
  row: { id: string; code: string; applicant_user_id: string | null; applicant_id_number: string | null },
  /** What was read; default the dossier itself. */
  purpose = `Xem hồ sơ ${row.code}`,
): Promise<void> {
  const id = row.applicant_id_number ?? '';
  await recordPersonalDataAccess(ex, [
    {
      subject: {
        userId: row.applicant_user_id,
        personalId: /^\d{12}$/.test(id) ? id : null,
        taxCode: /^\d{10}(-\d{3})?$/.test(id) ? id : null,
      },
      accessor: officer,
      source: 'dossier',
      purpose,
      dossierId: row.id,
      outcome: 'viewed',
    },
  ]);
}

/**
 * An officer downloaded or previewed one of a dossier's files (the scanned ID card, the birth
 * certificate…): the applicant's access log names the file (Decree 13/2023/NĐ-CP art. 9).
 */
export async function logOfficerFileRead(
  ex: Executor,
  officer: Extract<Actor, { kind: 'officer' }>,
  dossierId: string,
  fileName: string,
): Promise<void> {
  const row = await ex
    .selectFrom('dossiers')
    .select(['id', 'code', 'applicant_user_id', 'applicant_id_number'])
    .where('id', '=', dossierId)
    .executeTakeFirst();
  if (row) await logOfficerRead(ex, officer, row, `Xem tệp “${fileName}” của hồ sơ ${row.code}`);
}

/** An officer printed one of the dossier's forms 01–06 (Circular 03/2025/TT-VPCP annex I). */
export async function logOfficerFormPrint(
  ex: Executor,
  officer: Extract<Actor, { kind: 'officer' }>,
  row: Parameters<typeof logOfficerRead>[2],
  form: DossierForm,
): Promise<void> {
  const title = Object.values(FORMS).find((f) => f.no === form)?.title;
  await logOfficerRead(ex, officer, row, `In mẫu ${form}${title ? ` (${title})` : ''} của hồ sơ ${row.code}`);
}
