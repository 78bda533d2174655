import type { Actor } from '@motcua/core';
import type { Executor } from '../../db/database.ts';
import { Problem } from '../../shared/problem.ts';
import { getUserView } from '../accounts/accounts.service.ts';
import { findAgency } from '../agencies/agencies.service.ts';

/** The officer account a GovStack write acts as: `operator` rows map a role of the facade to a user. */
export async function operatorActor(ex: Executor, which: 'intake' | 'handler'): Promise<Actor> {
  const m = await ex
    .selectFrom('govstack_ids')
    .select('internal_id')
    .where('kind', '=', 'operator')
    .where('external_id', '=', which)
    .executeTakeFirst();
  if (!m) {
    throw new Problem('forbidden', {
      detail: {
        vi: 'Chưa cấu hình tài khoản cán bộ cho GovStack (chạy `motcua govstack load`)',
        en: 'No GovStack operator account is configured (run `motcua govstack load`)',
      },
    });
  }
  return officerActor(ex, m.internal_id);
}

/** An active officer as the actor of a facade write (the accounts and agencies modules' records). */
export async function officerActor(ex: Executor, userId: string): Promise<Actor> {
  const u = await getUserView(ex, userId);
  if (u?.kind !== 'officer' || !u.active || !u.agencyId) throw new Problem('forbidden');
  const agency = await findAgency(ex, u.agencyId);
  if (!agency) throw new Problem('forbidden');
  return { kind: 'officer', userId: u.id, agencyId: u.agencyId, agencyPath: agency.path, roles: u.roles };
}
