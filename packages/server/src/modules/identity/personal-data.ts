import type { Actor } from '@motcua/core';
import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import { agencyPlaceName } from '../agencies/agencies.queries.ts';

/**
 * The personal-data access log (issue 17; Decree 13/2023/NĐ-CP on personal data protection, art. 9:
 * the data subject has the right to know how their data is processed): every read of a person's
 * record from a national register — by the form prefill or at the counter — and every officer's
 * read of a dossier's personal data, with who, when and for what. The person sees it in
 * "Hồ sơ của tôi"; the rows are never updated.
 */
export type PersonalDataAccess = {
  subject: { personalId?: string | null; taxCode?: string | null; userId?: string | null };
  accessor: Actor;
  accessorName?: string | null;
  source: 'population_register' | 'business_registry' | 'dossier';
  /** Why, in words the person understands: "Điền sẵn tờ khai: Đăng ký khai sinh", "Xem hồ sơ 000.00.…". */
  purpose: string;
  dossierId?: string | null;
  outcome: string;
};

export async function recordPersonalDataAccess(ex: Executor, entries: readonly PersonalDataAccess[]): Promise<void> {
  const rows = entries
    .filter((e) => e.subject.personalId || e.subject.taxCode || e.subject.userId)
    .map((e) => ({
      subject_personal_id: e.subject.personalId ?? null,
      subject_tax_code: e.subject.taxCode ?? null,
      subject_user_id: e.subject.userId ?? null,
      accessor_id: e.accessor.kind === 'officer' || e.accessor.kind === 'applicant' ? e.accessor.userId : null,
      accessor_kind: e.accessor.kind,
      accessor_name: e.accessorName ?? ('name' in e.accessor ? (e.accessor.name ?? null) : null),
      agency_id: e.accessor.kind === 'officer' ? e.accessor.agencyId : null,
      source: e.source,
      purpose: e.purpose.slice(0, 500),
      dossier_id: e.dossierId ?? null,
      outcome: e.outcome,
    }));
  if (rows.length > 0) await ex.insertInto('personal_data_access').values(rows).execute();
}

export type AccessLogItem = {
  at: string;
  source: PersonalDataAccess['source'];
  purpose: string;
  outcome: string;
  /** Who read it: the officer's name and agency, or the person themself. */
  accessor: { kind: string; name: string | null; agencyName: string | null; self: boolean };
  dossierId: string | null;
};

/**
 * What the person can see: the reads about their personal ID, their tax code or their account,
 * newest first. Officers' names are shown (who processed the data is what the law lets them know).
 */
export async function accessLogOf(
  ex: Executor,
  person: { userId: string; personalId: string | null; taxCode: string | null },
  page: { limit: number; offset: number },
): Promise<{ items: AccessLogItem[]; total: number }> {
  const mine = sql<boolean>`(
    a.subject_user_id = ${person.userId}
    OR (${person.personalId}::text IS NOT NULL AND a.subject_personal_id = ${person.personalId})
    OR (${person.taxCode}::text IS NOT NULL AND a.subject_tax_code = ${person.taxCode})
  )`;
  const rows = await ex
    .selectFrom('personal_data_access as a')
    .select([
      'a.at',
      'a.source',
      'a.purpose',
      'a.outcome',
      'a.accessor_kind',
      'a.accessor_name',
      'a.accessor_id',
      'a.dossier_id',
      // A one-stop unit is named with its authority: "Bộ phận Một cửa — UBND Phường Hải Châu".
      agencyPlaceName('a.agency_id').as('agency_name'),
      sql<string>`count(*) OVER ()`.as('total'),
    ])
    .where(mine)
    .orderBy('a.at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return {
    total: Number(rows[0]?.total ?? 0),
    items: rows.map((r) => ({
      at: r.at.toISOString(),
      source: r.source,
      purpose: r.purpose,
      outcome: r.outcome,
      accessor: {
        kind: r.accessor_kind,
        name: r.accessor_name,
        agencyName: r.agency_name,
        self: r.accessor_id === person.userId,
      },
      dossierId: r.dossier_id,
    })),
  };
}
