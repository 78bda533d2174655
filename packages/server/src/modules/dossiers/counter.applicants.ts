import type { Db } from '../../db/database.ts';
import { Problem } from '../../shared/problem.ts';
import { applicantByIdNumber } from '../accounts/accounts.queries.ts';
import type { Applicant } from './dossier.store.ts';

/** What the counter pre-fills for a walk-in applicant found by ID number. */
export type KnownApplicant = Applicant & {
  /** `account`: a registered portal user (the dossier will also appear in their portal); `dossier`: an earlier dossier. */
  source: 'account' | 'dossier';
  hasAccount: boolean;
  /** The most recent earlier dossier, so the receptionist can mention it ("anh/chị đã nộp hồ sơ…"). */
  lastDossier: { code: string; procedureName: string; submittedAt: string } | null;
};

/**
 * Find an applicant by citizen ID (CCCD, 12 digits), old ID (9) or tax code (10 or 13) — exact
 * match only, so the counter cannot browse people. The portal account wins for name and type (it
 * was verified at registration); contact details and the address come from the latest dossier
 * when the account has none.
 */
export async function findApplicantByIdNumber(db: Db, idNumber: string): Promise<KnownApplicant> {
  const account = await applicantByIdNumber(db, idNumber, { activeOnly: true });
  const last = await db
    .selectFrom('dossiers')
    .select(['applicant', 'code', 'procedure_name', 'submitted_at'])
    .where('applicant_id_number', '=', idNumber)
    .where('parent_dossier_id', 'is', null)
    .orderBy('submitted_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!account && !last) {
    throw new Problem('applicant_not_found');
  }
  const previous = (last?.applicant ?? null) as Partial<Applicant> | null;
  return {
    kind: account?.applicant_type ?? previous?.kind ?? 'citizen',
    name: account?.full_name ?? previous?.name ?? '',
    idNumber,
    phone: account?.phone ?? previous?.phone ?? null,
    email: account?.email ?? previous?.email ?? null,
    address: previous?.address ?? null,
    residenceCommuneId: previous?.residenceCommuneId ?? null,
    source: account ? 'account' : 'dossier',
    hasAccount: !!account,
    lastDossier: last
      ? { code: last.code, procedureName: last.procedure_name, submittedAt: last.submitted_at.toISOString() }
      : null,
  };
}
