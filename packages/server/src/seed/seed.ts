import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { ROOT_DIR } from '../config.ts';
import type { Db } from '../db/database.ts';
import { hashPassword } from '../modules/accounts/password.ts';
import { insertAgency } from '../modules/agencies/agencies.service.ts';
import { recordAudit } from '../modules/audit/audit.service.ts';
import { seedCatalog } from './catalog-seed.ts';
import { DEMO_PASSWORD, DEMO_USERS, demoAgencies } from './demo-province.ts';

export type SeedResult = { seeded: boolean; agencies: number; users: number };

export function loadDanangUnits() {
  const file = path.join(ROOT_DIR, 'packages/server/data/danang-units.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as {
    province: { code: string; name: string };
    communes: { code: string; name: string; type: string }[];
  };
}

/** Seed the demo province once: a database that already has agencies is left alone. */
export async function seedDemo(db: Db): Promise<SeedResult> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const result = await db.transaction().execute(async (tx) => {
    const any = await tx.selectFrom('agencies').select('id').limit(1).executeTakeFirst();
    if (any) return { seeded: false, agencies: 0, users: 0 };
    const ids = new Map<string, string>();
    const agencies = demoAgencies(loadDanangUnits());
    for (const a of agencies) {
      const row = await insertAgency(tx, {
        parentId: a.parent ? ids.get(a.parent)! : null,
        code: a.code,
        name: a.name,
        nameEn: a.nameEn,
        level: a.level,
        adminUnitCode: a.adminUnitCode,
        address: a.address,
        phone: a.phone,
        email: a.email,
      });
      ids.set(a.key, row.id);
    }
    // One-stop units receive dossiers for the agency above them (Decree 118/2025 art. 7).
    const receptionUnits = agencies.filter((a) => a.key === 'center.reception' || a.key.endsWith('.onestop'));
    await tx
      .updateTable('agencies')
      .set({ receives_dossiers: true })
      .where(
        'id',
        'in',
        receptionUnits.map((a) => ids.get(a.key)!),
      )
      .execute();
    for (const u of DEMO_USERS) {
      const base = { password_hash: passwordHash, locked_until: null, email: null, phone: null } as const;
      if (u.kind === 'officer') {
        const { id } = await tx
          .insertInto('users')
          .values({
            ...base,
            // demo mailboxes, so reminders and escalations have somewhere to go
            email: `${u.username}@demo.motcua.vn`,
            kind: 'officer',
            username: u.username,
            full_name: u.fullName,
            agency_id: ids.get(u.agency)!,
            applicant_type: null,
            personal_id: u.personalId ?? null,
            tax_code: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await tx
          .insertInto('user_roles')
          .values(u.roles.map((role) => ({ user_id: id, role })))
          .execute();
      } else {
        await tx
          .insertInto('users')
          .values({
            ...base,
            kind: 'applicant',
            username: u.kind === 'citizen' ? u.personalId : u.taxCode,
            full_name: u.fullName,
            email: u.email,
            phone: u.phone,
            agency_id: null,
            applicant_type: u.kind,
            personal_id: u.kind === 'citizen' ? u.personalId : null,
            tax_code: u.kind === 'organization' ? u.taxCode : null,
          })
          .execute();
      }
    }
    await seedCatalog(tx, ids);
    await recordAudit(tx, {
      actorId: null,
      actorKind: 'system',
      agencyId: null,
      action: 'seed.demo',
      result: 'ok',
      details: { agencies: agencies.length, users: DEMO_USERS.length },
    });
    return { seeded: true, agencies: agencies.length, users: DEMO_USERS.length };
  });
  // Planner statistics for the freshly seeded tables (autovacuum may be off or not have run yet):
  // without them a subtree filter on agencies is estimated at one row and plans go wrong.
  if (result.seeded)
    await sql`ANALYZE agencies, users, procedures, procedure_versions, procedure_version_agencies`.execute(db);
  return result;
}

export function demoLogins(): string[] {
  return DEMO_USERS.map((u) => {
    if (u.kind === 'officer') return `${u.username.padEnd(20)} ${u.roles.join(', ')} — ${u.fullName}`;
    if (u.kind === 'citizen') return `${u.personalId.padEnd(20)} công dân / citizen — ${u.fullName}`;
    return `${u.taxCode.padEnd(20)} tổ chức / organization — ${u.fullName}`;
  });
}
