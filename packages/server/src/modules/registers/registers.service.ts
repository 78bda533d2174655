import { randomBytes } from 'node:crypto';
import { ethnicGroupOfCode, type Fact, type FactOrigin, type Facts, type PrefillSource } from '@motcua/core';
import type { Config } from '../../config.ts';
import type { VerifiedIdentity } from '../../db/schema.ts';
import { addressLine } from './admin-units.ts';
import { HttpBusinessRegister } from './business.adapter.ts';
import { startBusinessRegistrySimulator } from './business.simulator.ts';
import { HttpPopulationRegister } from './population.adapter.ts';
import { startPopulationSimulator } from './population.simulator.ts';
import type {
  BusinessRecord,
  BusinessRegister,
  PersonRecord,
  PopulationRegister,
  RegisterFailure,
  RegisterRequestContext,
} from './registers.types.ts';

/** The registers this deployment reads; null: not configured (forms are typed). */
export type Registers = { population: PopulationRegister | null; business: BusinessRegister | null };

export function registersFrom(config: Config): Registers {
  const p = config.populationRegister;
  const b = config.businessRegister;
  return {
    population: p
      ? new HttpPopulationRegister({
          url: p.url,
          ...(p.tokenUrl ? { tokenUrl: p.tokenUrl } : {}),
          clientId: p.clientId,
          clientSecret: p.clientSecret,
          accessKey: p.accessKey,
          secretKey: p.secretKey,
          appName: p.appName,
          partnerCode: p.partnerCode,
          ...(p.integrationCode ? { integrationCode: p.integrationCode } : {}),
          timeoutMs: config.registerTimeoutMs,
        })
      : null,
    business: b
      ? new HttpBusinessRegister({
          url: b.url,
          ...(b.tokenUrl ? { tokenUrl: b.tokenUrl } : {}),
          consumerKey: b.consumerKey,
          consumerSecret: b.consumerSecret,
          timeoutMs: config.registerTimeoutMs,
        })
      : null,
  };
}

/**
 * `npm start` without configured registers (config.localRegisters): the population-DB and
 * business-registry simulators, holding the demo residents and businesses, with credentials made
 * for this run. `env` is for `serve --workers N`'s workers.
 */
export async function startLocalRegisters(
  config: Config,
): Promise<{ close(): Promise<void>; env: Record<string, string> } | undefined> {
  if (!config.localRegisters) return undefined;
  const closers: (() => Promise<void>)[] = [];
  const env: Record<string, string> = {};
  if (!config.populationRegister) {
    const secret = randomBytes(16).toString('hex');
    const sim = await startPopulationSimulator({ token: { clientId: 'motcua', clientSecret: secret } });
    closers.push(() => sim.close());
    config.populationRegister = {
      url: sim.url,
      tokenUrl: sim.tokenUrl,
      clientId: 'motcua',
      clientSecret: secret,
      accessKey: 'motcua-demo',
      secretKey: randomBytes(8).toString('hex'),
      appName: 'motcua',
      partnerCode: 'DEMO',
      integrationCode: undefined,
    };
    const p = config.populationRegister;
    Object.assign(env, {
      MOTCUA_POPULATION_URL: p.url,
      MOTCUA_POPULATION_TOKEN_URL: sim.tokenUrl,
      MOTCUA_POPULATION_CLIENT_ID: p.clientId,
      MOTCUA_POPULATION_CLIENT_SECRET: p.clientSecret,
      MOTCUA_POPULATION_ACCESS_KEY: p.accessKey,
      MOTCUA_POPULATION_SECRET_KEY: p.secretKey,
      MOTCUA_POPULATION_APP_NAME: p.appName,
      MOTCUA_POPULATION_PARTNER_CODE: p.partnerCode,
    });
  }
  if (!config.businessRegister) {
    const secret = randomBytes(16).toString('hex');
    const sim = await startBusinessRegistrySimulator({ consumer: { key: 'motcua', secret } });
    closers.push(() => sim.close());
    config.businessRegister = { url: sim.url, tokenUrl: sim.tokenUrl, consumerKey: 'motcua', consumerSecret: secret };
    Object.assign(env, {
      MOTCUA_BUSINESS_REGISTRY_URL: sim.url,
      MOTCUA_BUSINESS_REGISTRY_TOKEN_URL: sim.tokenUrl,
      MOTCUA_BUSINESS_REGISTRY_CONSUMER_KEY: 'motcua',
      MOTCUA_BUSINESS_REGISTRY_CONSUMER_SECRET: secret,
    });
  }
  if (closers.length === 0) return undefined;
  return { close: async () => void (await Promise.all(closers.map((c) => c()))), env };
}

/** A read of a register made for a form or a counter lookup, for the personal-data access log. */
export type RegisterRead = {
  source: 'population_register' | 'business_registry';
  personalId: string | null;
  taxCode: string | null;
  outcome: 'found' | RegisterFailure['reason'];
};

/** Who the facts are about. */
export type FactsSubject = {
  applicantType: 'citizen' | 'organization';
  /**
   * What VNeID verified at sign-in, or null for a password sign-in: then nothing is read from the
   * registers (a self-declared ID number must not open someone else's record) and the account's
   * own details prefill, unlocked.
   */
  identity: VerifiedIdentity | null;
  account: {
    fullName: string;
    personalId: string | null;
    taxCode: string | null;
    phone: string | null;
    email: string | null;
  };
};

const fact = (value: string | null | undefined, origin: FactOrigin, verified = true): Fact | undefined =>
  value && value.trim() !== '' ? { value: value.normalize('NFC'), origin, verified } : undefined;

function set(facts: Facts, entries: [PrefillSource, Fact | undefined][]) {
  for (const [k, f] of entries) if (f) facts[k] = f;
}

/** The facts of a population-DB record, as the e-form's fields take them. */
export function personFacts(r: PersonRecord): Facts {
  const o = 'population_register';
  const facts: Facts = {};
  set(facts, [
    ['person.fullName', fact(r.fullName, o)],
    ['person.personalId', fact(r.personalId, o)],
    ['person.dateOfBirth', fact(r.dateOfBirth, o)],
    ['person.birthYear', fact(r.dateOfBirth.slice(0, 4), o)],
    ['person.sex', fact(r.sex, o)],
    ['person.nationality', fact(r.nationality === 'VN' ? 'Việt Nam' : r.nationality, o)],
    ['person.ethnicity', fact(ethnicGroupOfCode(r.ethnicity), o)],
    ['person.permanentResidence', fact(addressLine(r.permanentResidence), o)],
    ['person.currentResidence', fact(addressLine(r.currentResidence), o)],
    ['person.householdHeadName', fact(r.household?.headName, o)],
    ['person.householdHeadPersonalId', fact(r.household?.headPersonalId, o)],
    ['person.relationToHead', fact(r.household?.relationToHead, o)],
    ['person.spouseName', fact(r.spouse?.fullName, o)],
    ['person.fatherName', fact(r.father?.fullName, o)],
    ['person.motherName', fact(r.mother?.fullName, o)],
  ]);
  return facts;
}

export function businessFacts(r: BusinessRecord): Facts {
  const o = 'business_registry';
  const facts: Facts = {};
  set(facts, [
    ['business.name', fact(r.name, o)],
    ['business.taxCode', fact(r.taxCode, o)],
    ['business.headOfficeAddress', fact(r.headOfficeAddress, o)],
    ['business.legalRepresentative', fact(r.legalRepresentatives[0]?.fullName, o)],
  ]);
  return facts;
}

/**
 * Everything known of the applicant for a form: the account's contact details, what VNeID
 * verified, and — for a VNeID sign-in — the population DB's record of the person (for a business:
 * of its representative who signed in) and the business registry's record of the business. The
 * registers win over the identity where both speak (they are the source). A register that fails
 * leaves its facts out: the form is typed, never blocked. `reads` are for the access log.
 */
export async function gatherFacts(
  registers: Registers,
  subject: FactsSubject,
  ctx: RegisterRequestContext,
  /** The registers the form's map reads from (core `registersNeeded`); the others are not asked. */
  needed: { person: boolean; business: boolean } = { person: true, business: true },
): Promise<{ facts: Facts; reads: RegisterRead[]; failures: RegisterRead[] }> {
  const facts: Facts = {};
  const reads: RegisterRead[] = [];
  const { identity, account } = subject;
  set(facts, [
    ['contact.phone', fact(account.phone, 'account', false)],
    ['contact.email', fact(account.email, 'account', false)],
  ]);
  if (!identity) {
    // A password account: its own declared details, to be checked by the applicant (not locked).
    set(facts, [
      ['person.fullName', subject.applicantType === 'citizen' ? fact(account.fullName, 'account', false) : undefined],
      ['person.personalId', fact(account.personalId, 'account', false)],
      [
        'business.name',
        subject.applicantType === 'organization' ? fact(account.fullName, 'account', false) : undefined,
      ],
      ['business.taxCode', fact(account.taxCode, 'account', false)],
    ]);
    return { facts, reads, failures: [] };
  }
  set(facts, [
    ['person.fullName', fact(identity.fullName, 'vneid')],
    ['person.personalId', fact(identity.personalId, 'vneid')],
    ['person.dateOfBirth', fact(identity.dateOfBirth, 'vneid')],
    ['person.birthYear', fact(identity.dateOfBirth?.slice(0, 4), 'vneid')],
    ['person.sex', fact(identity.sex, 'vneid')],
    ['person.permanentResidence', fact(identity.address, 'vneid')],
    ['business.name', fact(identity.businessName, 'vneid')],
    ['business.taxCode', fact(identity.taxCode, 'vneid')],
  ]);
  const lookups: Promise<void>[] = [];
  if (needed.person && registers.population && identity.personalId) {
    const personalId = identity.personalId;
    lookups.push(
      registers.population.findCitizen({ personalId }, ctx).then((r) => {
        reads.push({ source: 'population_register', personalId, taxCode: null, outcome: r.ok ? 'found' : r.reason });
        if (r.ok) Object.assign(facts, personFacts(r.record));
      }),
    );
  }
  if (needed.business && registers.business && identity.taxCode) {
    const taxCode = identity.taxCode;
    lookups.push(
      registers.business.findBusiness(taxCode, ctx).then((r) => {
        reads.push({
          source: 'business_registry',
          personalId: identity.personalId,
          taxCode,
          outcome: r.ok ? 'found' : r.reason,
        });
        if (r.ok) Object.assign(facts, businessFacts(r.record));
      }),
    );
  }
  // Both registers at once: the form waits for the slower one, bounded by its deadline.
  await Promise.all(lookups);
  return { facts, reads, failures: reads.filter((r) => r.outcome !== 'found' && r.outcome !== 'not_found') };
}
