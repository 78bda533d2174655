import type { Actor } from '@motcua/core';
import type { Db } from '../../db/database.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import { applicantByIdNumber } from '../accounts/accounts.queries.ts';
import { recordPersonalDataAccess } from '../identity/personal-data.ts';
import { addressLine } from '../registers/admin-units.ts';
import type { Registers } from '../registers/registers.service.ts';
import type { RegisterFailure } from '../registers/registers.types.ts';
import type { Applicant } from './dossier.store.ts';

/** What a national register says of the person or business (the counter shows it as verified). */
export type RegisterFacts = {
  source: 'population_register' | 'business_registry';
  name: string;
  dateOfBirth: string | null;
  sex: 'male' | 'female' | null;
  permanentResidence: string | null;
  currentResidence: string | null;
  householdHeadName: string | null;
  legalRepresentative: string | null;
};

/** What the counter pre-fills for a walk-in applicant found by ID number. */
export type KnownApplicant = Applicant & {
  /** `account`: a registered portal user (the dossier will also appear in their portal); `dossier`: an earlier dossier; a register: neither, but the national register knows them. */
  source: 'account' | 'dossier' | 'population_register' | 'business_registry';
  hasAccount: boolean;
  /** The most recent earlier dossier, so the receptionist can mention it ("anh/chị đã nộp hồ sơ…"). */
  lastDossier: { code: string; procedureName: string; submittedAt: string } | null;
  /** The register's record (issue 17), or null when none is configured, it does not know the number, or it failed. */
  register: RegisterFacts | null;
  /** Why the register gave nothing: it timed out or is unavailable (the receptionist types instead). */
  registerFailure: RegisterFailure['reason'] | null;
};

/** The national register's record of an ID number: population DB for 12 digits, business registry for a tax code. */
async function fromRegister(
  registers: Registers,
  idNumber: string,
  ctx: CommandContext,
): Promise<{
  facts: RegisterFacts | null;
  outcome: 'found' | RegisterFailure['reason'] | null;
  source: RegisterFacts['source'];
}> {
  const actor = ctx.actor as Extract<Actor, { kind: 'officer' }>;
  const rctx = { requestId: ctx.requestId ?? idNumber, officerCode: actor.userId };
  if (/^\d{12}$/.test(idNumber)) {
    if (!registers.population) return { facts: null, outcome: null, source: 'population_register' };
    const r = await registers.population.findCitizen({ personalId: idNumber }, rctx);
    if (!r.ok) return { facts: null, outcome: r.reason, source: 'population_register' };
    const p = r.record;
    return {
      source: 'population_register',
      outcome: 'found',
      facts: {
        source: 'population_register',
        name: p.fullName,
        dateOfBirth: p.dateOfBirth,
        sex: p.sex,
        permanentResidence: addressLine(p.permanentResidence),
        currentResidence: addressLine(p.currentResidence),
        householdHeadName: p.household?.headName ?? null,
        legalRepresentative: null,
      },
    };
  }
  // An old 9-digit ID card is in neither register's keys: nothing is asked, nothing logged.
  if (!registers.business || !/^\d{10}(-\d{3})?$/.test(idNumber)) {
    return { facts: null, outcome: null, source: 'business_registry' };
  }
  const r = await registers.business.findBusiness(idNumber, rctx);
  if (!r.ok) return { facts: null, outcome: r.reason, source: 'business_registry' };
  return {
    source: 'business_registry',
    outcome: 'found',
    facts: {
      source: 'business_registry',
      name: r.record.name,
      dateOfBirth: null,
      sex: null,
      permanentResidence: r.record.headOfficeAddress || null,
      currentResidence: null,
      householdHeadName: null,
      legalRepresentative: r.record.legalRepresentatives[0]?.fullName ?? null,
    },
  };
}

/**
 * Find an applicant by citizen ID (CCCD, 12 digits), old ID (9) or tax code (10 or 13) — exact
 * match only, so the counter cannot browse people. The national register (population DB or
 * business registry, issue 17) is asked too: it wins for the name and the address, which it
 * verified. Then the portal account (verified at registration), then the latest dossier for
 * contact details. The register read is in the person's access log (Decree 13/2023); a register
 * that fails is said, and the counter goes on without it.
 */
export async function findApplicantByIdNumber(
  db: Db,
  idNumber: string,
  registers: Registers,
  ctx: CommandContext,
): Promise<KnownApplicant> {
  const [account, last, reg] = await Promise.all([
    applicantByIdNumber(db, idNumber, { activeOnly: true }),
    db
      .selectFrom('dossiers')
      .select(['applicant', 'code', 'procedure_name', 'submitted_at'])
      .where('applicant_id_number', '=', idNumber)
      .where('parent_dossier_id', 'is', null)
      .orderBy('submitted_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
    fromRegister(registers, idNumber, ctx),
  ]);
  if (reg.outcome !== null) {
    const isPerson = reg.source === 'population_register';
    await recordPersonalDataAccess(db, [
      {
        subject: { personalId: isPerson ? idNumber : null, taxCode: isPerson ? null : idNumber },
        accessor: ctx.actor,
        source: reg.source,
        purpose: 'Tiếp nhận hồ sơ tại Bộ phận Một cửa: tra cứu người nộp',
        outcome: reg.outcome,
      },
    ]);
  }
  const facts = reg.facts;
  const registerFailure =
    reg.outcome !== null && reg.outcome !== 'found' && reg.outcome !== 'not_found' ? reg.outcome : null;
  if (!account && !last && !facts) {
    // Unknown here — and, when the register could not be asked, say so: the counter types from the papers.
    throw new Problem(
      'applicant_not_found',
      registerFailure
        ? {
            detail: {
              vi: 'Chưa có thông tin người nộp; cơ sở dữ liệu quốc gia không phản hồi, vui lòng nhập theo giấy tờ',
              en: 'Unknown applicant; the national database did not answer, please type from the documents',
            },
            extra: { registerFailure },
          }
        : undefined,
    );
  }
  const previous = (last?.applicant ?? null) as Partial<Applicant> | null;
  return {
    kind:
      account?.applicant_type ?? previous?.kind ?? (reg.source === 'business_registry' ? 'organization' : 'citizen'),
    name: facts?.name ?? account?.full_name ?? previous?.name ?? '',
    idNumber,
    phone: account?.phone ?? previous?.phone ?? null,
    email: account?.email ?? previous?.email ?? null,
    address: facts?.currentResidence ?? facts?.permanentResidence ?? previous?.address ?? null,
    residenceCommuneId: previous?.residenceCommuneId ?? null,
    source: account ? 'account' : last ? 'dossier' : reg.source,
    hasAccount: !!account,
    lastDossier: last
      ? { code: last.code, procedureName: last.procedure_name, submittedAt: last.submitted_at.toISOString() }
      : null,
    register: facts,
    registerFailure:
      reg.outcome !== null && reg.outcome !== 'found' && reg.outcome !== 'not_found' ? reg.outcome : null,
  };
}
