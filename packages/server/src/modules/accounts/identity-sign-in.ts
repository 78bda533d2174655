import { sql } from 'kysely';
import type { IdentityProviderConfig } from '../../config.ts';
import type { Db, Executor } from '../../db/database.ts';
import type { VerifiedIdentity } from '../../db/schema.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { auditFields, recordAudit } from '../audit/audit.service.ts';
import { enqueue } from '../outbox/outbox.service.ts';
import { insertApplicantUser } from './accounts.queries.ts';
import { createSession } from './sessions.ts';

/** Why a verified identity cannot be signed in here (docs/identity.md). */
export type AccountProblem =
  /** An officer IdP's person has no officer account (officers are created by an administrator). */
  | 'sso_no_account'
  /** The identity's number belongs to an account of the other kind, or an inactive one. */
  | 'sso_account_conflict';

export type IdentitySignIn =
  | {
      ok: true;
      userId: string;
      linked: 'existing' | 'linked' | 'created';
      session: { token: string; csrfToken: string; expiresAt: Date };
    }
  | { ok: false; problem: AccountProblem };

/** VNeID-created accounts have no local password until the person sets one ("Quên mật khẩu"). */
const NO_PASSWORD = '!oidc';

/**
 * Sign in with an identity the provider verified (issue 17). In one transaction: the account of
 * this (provider, subject); else the applicant with the same 12-digit personal ID (a citizen) or
 * tax code (a business), linked to it; else a new applicant account — or, for the officers' IdP,
 * the active officer whose personal ID it is (officers are never created here). The verified
 * fields are stored with the link and replace the account's name: they are not the user's to edit.
 * The session records the method and the level of assurance.
 */
export async function signInWithIdentity(
  db: Db,
  provider: IdentityProviderConfig,
  sign: { subject: string; identity: VerifiedIdentity; level: 1 | 2 | null; idToken: string | undefined },
  ctx: CommandContext,
  sessionTtlHours: number,
): Promise<IdentitySignIn> {
  const { identity } = sign;
  return db.transaction().execute(async (tx): Promise<IdentitySignIn> => {
    // Two first sign-ins of one person racing (two tabs): the second waits and finds the link.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`identity:${provider.id}:${sign.subject}`}))`.execute(tx);
    const link = await tx
      .selectFrom('user_identities as i')
      .innerJoin('users as u', 'u.id', 'i.user_id')
      .select(['u.id', 'u.kind', 'u.active'])
      .where('i.provider', '=', provider.id)
      .where('i.subject', '=', sign.subject)
      .executeTakeFirst();
    let userId: string;
    let linked: 'existing' | 'linked' | 'created';
    if (link) {
      if (!link.active || link.kind !== provider.audience) return { ok: false, problem: 'sso_account_conflict' };
      userId = link.id;
      linked = 'existing';
    } else {
      const found = await accountOf(tx, provider, identity);
      if (found === 'conflict') return { ok: false, problem: 'sso_account_conflict' };
      if (found) {
        userId = found;
        linked = 'linked';
      } else if (provider.audience === 'officer') {
        return { ok: false, problem: 'sso_no_account' };
      } else {
        userId = await createApplicant(tx, identity);
        linked = 'created';
      }
    }
    const verified = JSON.stringify(identity);
    await tx
      .insertInto('user_identities')
      .values({
        provider: provider.id,
        subject: sign.subject,
        user_id: userId,
        assurance_level: sign.level,
        verified,
      })
      .onConflict((oc) =>
        oc
          .columns(['provider', 'subject'])
          .doUpdateSet({ assurance_level: sign.level, verified, last_sign_in_at: new Date() }),
      )
      .execute();
    // The verified name is the account's name; contact details only fill what the account lacks.
    const name = identity.accountType === 'organization' ? identity.businessName! : identity.fullName;
    await tx
      .updateTable('users')
      .set({
        full_name: name,
        email: sql`coalesce(email, ${identity.email})`,
        phone: sql`coalesce(phone, ${identity.phone})`,
        updated_at: new Date(),
      })
      .where('id', '=', userId)
      .execute();
    const session = await createSession(
      tx,
      userId,
      sessionTtlHours,
      { ip: ctx.ip ?? null, userAgent: ctx.userAgent ?? null },
      { authMethod: `oidc:${provider.id}`, assuranceLevel: sign.level, idToken: sign.idToken ?? null },
    );
    await recordAudit(tx, {
      ...auditFields(ctx),
      actorId: userId,
      actorKind: provider.audience,
      action: 'auth.login',
      targetType: 'user',
      targetId: userId,
      result: 'ok',
      details: { method: `oidc:${provider.id}`, level: sign.level, account: linked },
    });
    if (linked !== 'existing') {
      await enqueue(tx, {
        topic: linked === 'created' ? 'user.registered' : 'user.identity_linked',
        aggregateType: 'user',
        aggregateId: userId,
        payload: { userId, provider: provider.id, applicantType: identity.accountType },
      });
    }
    return { ok: true, userId, linked, session };
  });
}

async function accountOf(
  tx: Executor,
  provider: IdentityProviderConfig,
  identity: VerifiedIdentity,
): Promise<string | 'conflict' | undefined> {
  let q = tx.selectFrom('users').select(['id', 'kind', 'active', 'applicant_type']);
  if (provider.audience === 'officer' || identity.accountType === 'citizen') {
    if (!identity.personalId) return undefined;
    q = q.where('personal_id', '=', identity.personalId);
  } else {
    q = q.where('tax_code', '=', identity.taxCode!);
  }
  const rows = await q.execute();
  // Usernames of applicants are their number (registration), so a number can also be taken as one.
  const number =
    identity.accountType === 'citizen' || provider.audience === 'officer' ? identity.personalId : identity.taxCode;
  const byName = rows.length
    ? []
    : await tx
        .selectFrom('users')
        .select(['id', 'kind', 'active', 'applicant_type'])
        .where(sql<boolean>`lower(username) = lower(${number})`)
        .execute();
  const all = [...rows, ...byName];
  if (all.length === 0) return undefined;
  const wanted = provider.audience === 'officer' ? 'officer' : 'applicant';
  const match = all.find(
    (u) => u.active && u.kind === wanted && (wanted === 'officer' || u.applicant_type === identity.accountType),
  );
  return match?.id ?? 'conflict';
}

function createApplicant(tx: Executor, identity: VerifiedIdentity): Promise<string> {
  const citizen = identity.accountType === 'citizen';
  return insertApplicantUser(tx, {
    applicantType: identity.accountType,
    number: citizen ? identity.personalId! : identity.taxCode!,
    fullName: citizen ? identity.fullName : identity.businessName!,
    email: identity.email,
    phone: identity.phone,
    passwordHash: NO_PASSWORD,
  });
}
