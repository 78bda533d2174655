import { type RawBuilder, type Selectable, sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { UserTable, VerifiedIdentity } from '../../db/schema.ts';
import { agencyColumn } from '../agencies/agencies.queries.ts';

/**
 * What other modules ask of accounts, so that only this module names `users` and `user_roles`
 * (src/ownership.ts): names, contact details, applicant accounts by ID number, leaders.
 */

export type UserRow = Selectable<UserTable>;

/** The full name of the user whose id is in `ref` (a column of the outer query). */
export function userName(ref: string): RawBuilder<string | null> {
  return sql<string | null>`(SELECT users.full_name FROM users WHERE users.id = ${sql.ref(ref)})`;
}

/** One account by id (any kind, active or not). */
export async function userById(ex: Executor, id: string): Promise<UserRow | undefined> {
  return ex.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Full names by user id (those that exist). */
export async function userNames(ex: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await ex
    .selectFrom('users')
    .select(['id', 'full_name'])
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((r) => [r.id, r.full_name]));
}

/** The applicant account holding this personal ID or tax code, if any (`activeOnly`: not deactivated). */
export async function applicantByIdNumber(
  ex: Executor,
  idNumber: string,
  opts: { activeOnly?: boolean } = {},
): Promise<UserRow | undefined> {
  let q = ex
    .selectFrom('users')
    .selectAll()
    .where('kind', '=', 'applicant')
    .where((eb) => eb.or([eb('personal_id', '=', idNumber), eb('tax_code', '=', idNumber)]));
  if (opts.activeOnly) q = q.where('active', '=', true);
  return q.executeTakeFirst();
}

/** Active officers among these ids, with the path of their agency (to check an assignment's scope). */
export async function activeOfficersWithPaths(
  ex: Executor,
  ids: readonly string[],
): Promise<{ id: string; path: string | null }[]> {
  if (ids.length === 0) return [];
  return ex
    .selectFrom('users')
    .select(['users.id', agencyColumn('users.agency_id', 'path').as('path')])
    .where('users.id', 'in', [...ids])
    .where('users.kind', '=', 'officer')
    .where('users.active', '=', true)
    .execute();
}

/** An active user's name and email, for a reminder (none when inactive or without an email). */
export async function activeContact(
  ex: Executor,
  userId: string,
): Promise<{ id: string; full_name: string; email: string | null } | undefined> {
  return ex
    .selectFrom('users')
    .select(['id', 'full_name', 'email'])
    .where('id', '=', userId)
    .where('active', '=', true)
    .executeTakeFirst();
}

/** The active leaders (lãnh đạo) of these agencies, by name. */
export async function activeLeadersOf(
  ex: Executor,
  agencyIds: readonly string[],
): Promise<{ id: string; full_name: string; email: string | null; agency_id: string | null }[]> {
  if (agencyIds.length === 0) return [];
  return ex
    .selectFrom('users as u')
    .innerJoin('user_roles as r', 'r.user_id', 'u.id')
    .select(['u.id', 'u.full_name', 'u.email', 'u.agency_id'])
    .where('r.role', '=', 'leader')
    .where('u.active', '=', true)
    .where('u.agency_id', 'in', [...agencyIds])
    .orderBy('u.full_name')
    .execute();
}

/** How many active accounts belong to an agency (an agency with officers cannot be deactivated). */
export async function activeUsersOfAgency(ex: Executor, agencyId: string): Promise<number> {
  const r = await ex
    .selectFrom('users')
    .select(sql<string>`count(*)`.as('n'))
    .where('agency_id', '=', agencyId)
    .where('active', '=', true)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The id of the account with this username, compared case-insensitively, if any. */
export async function userIdByUsername(ex: Executor, username: string): Promise<string | undefined> {
  const row = await ex
    .selectFrom('users')
    .select('id')
    .where(sql<boolean>`lower(username) = lower(${username})`)
    .executeTakeFirst();
  return row?.id;
}

/** Which officers a statistic is about: by name (compared with search_fold) and holding any of `roles` (role codes as text). */
export type OfficerFilter = { name?: string | undefined; roles?: readonly string[] | undefined };

function officersMatching(ex: Executor, f: OfficerFilter) {
  let q = ex.selectFrom('users').select('users.id').where('users.kind', '=', 'officer');
  if (f.name) q = q.where(sql<boolean>`search_fold(users.full_name) = search_fold(${f.name})`);
  const roles = f.roles;
  if (roles) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('user_roles')
          .select(sql`1`.as('one'))
          .whereRef('user_roles.user_id', '=', 'users.id')
          .where(sql<boolean>`user_roles.role::text = ANY(${[...roles]})`),
      ),
    );
  }
  return q;
}

/** The ids of the officers matching a filter, a subquery for `where(x, 'in', …)`. */
export function officerIdsMatching(ex: Executor, f: OfficerFilter): RawBuilder<string> {
  return sql<string>`${officersMatching(ex, f)}`;
}

/** Whether any officer matches a filter. */
export async function anyOfficerMatching(ex: Executor, f: OfficerFilter): Promise<boolean> {
  return (await officersMatching(ex, f).limit(1).executeTakeFirst()) !== undefined;
}

/**
 * An applicant's account and what VNeID verified about them (the `vneid` link), for the form
 * prefill and the personal-data access log (issue 17).
 */
export async function applicantProfile(ex: Executor, userId: string) {
  const u = await ex
    .selectFrom('users as u')
    .leftJoin('user_identities as i', (j) => j.onRef('i.user_id', '=', 'u.id').on('i.provider', '=', 'vneid'))
    .select([
      'u.kind',
      'u.applicant_type',
      'u.full_name',
      'u.personal_id',
      'u.tax_code',
      'u.phone',
      'u.email',
      'i.verified',
    ])
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (u?.kind !== 'applicant' || !u.applicant_type) return undefined;
  return {
    applicantType: u.applicant_type,
    fullName: u.full_name,
    personalId: u.personal_id,
    taxCode: u.tax_code,
    phone: u.phone,
    email: u.email,
    identity: (u.verified ?? null) as VerifiedIdentity | null,
  };
}

/**
 * A new applicant account: a citizen's username is their personal ID, an organization's its tax
 * code (registration with a code, or a first VNeID sign-in).
 */
export async function insertApplicantUser(
  ex: Executor,
  a: {
    applicantType: 'citizen' | 'organization';
    number: string;
    fullName: string;
    email: string | null;
    phone: string | null;
    passwordHash: string;
  },
): Promise<string> {
  const citizen = a.applicantType === 'citizen';
  const { id } = await ex
    .insertInto('users')
    .values({
      kind: 'applicant',
      username: a.number,
      full_name: a.fullName,
      email: a.email,
      phone: a.phone,
      agency_id: null,
      applicant_type: a.applicantType,
      personal_id: citizen ? a.number : null,
      tax_code: citizen ? null : a.number,
      password_hash: a.passwordHash,
      locked_until: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}
