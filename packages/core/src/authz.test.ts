import { describe, expect, it } from 'vitest';
import {
  type Access,
  type Actor,
  CLIENT_SCOPES,
  type ClientScope,
  canSeeRecord,
  isAllowed,
  OFFICER_ROLES,
  type OfficerRole,
} from './authz.ts';

const officer = (roles: OfficerRole[], path = '/p/d/'): Actor => ({
  kind: 'officer',
  userId: 'u1',
  agencyId: 'd',
  agencyPath: path,
  roles,
});
const citizen: Actor = { kind: 'applicant', userId: 'c1' };
const anonymous: Actor = { kind: 'anonymous' };

describe('route access', () => {
  it('public lets everyone in; authenticated everyone signed in', () => {
    for (const a of [anonymous, citizen, officer(['officer'])]) expect(isAllowed('public', a)).toBe(true);
    expect(isAllowed('authenticated', anonymous)).toBe(false);
    expect(isAllowed('authenticated', citizen)).toBe(true);
  });
  it('a role list admits exactly those roles, and applicants only when listed', () => {
    for (const role of OFFICER_ROLES) {
      for (const other of OFFICER_ROLES) {
        const access: Access = [role];
        expect(isAllowed(access, officer([other]))).toBe(role === other);
      }
    }
    expect(isAllowed(['receptionist'], citizen)).toBe(false);
    expect(isAllowed(['receptionist', 'applicant'], citizen)).toBe(true);
    expect(isAllowed(['applicant'], anonymous)).toBe(false);
  });
});

describe('record scope', () => {
  const inDept = { agencyPaths: ['/p/d/u/'], applicantId: 'c1' };
  const inOther = { agencyPaths: ['/p/x/'], applicantId: 'c2' };
  it('officers see their agency subtree, not siblings', () => {
    expect(canSeeRecord(officer(['officer']), inDept)).toBe(true);
    expect(canSeeRecord(officer(['officer']), inOther)).toBe(false);
    expect(canSeeRecord(officer(['provincial_leader'], '/p/'), inOther)).toBe(true);
  });
  it('a record touching several agencies (consultation) is visible to each', () => {
    expect(canSeeRecord(officer(['officer'], '/p/x/'), { agencyPaths: ['/p/d/', '/p/x/'] })).toBe(true);
  });
  it('acting needs the role as well as the scope', () => {
    expect(canSeeRecord(officer(['officer']), inDept, ['leader'])).toBe(false);
    expect(canSeeRecord(officer(['leader']), inDept, ['leader'])).toBe(true);
  });
  it('applicants see only their own records and never act with officer roles', () => {
    expect(canSeeRecord(citizen, inDept)).toBe(true);
    expect(canSeeRecord(citizen, inOther)).toBe(false);
    expect(canSeeRecord(citizen, { agencyPaths: [] })).toBe(false);
    expect(canSeeRecord(citizen, inDept, ['officer'])).toBe(false);
    expect(canSeeRecord(anonymous, inDept)).toBe(false);
  });
});

describe('API clients', () => {
  const client = (scopes: ClientScope[], agencyPaths = ['/p/d/'], procedureIds: string[] | null = null): Actor => ({
    kind: 'client',
    clientId: 'k1',
    scopes,
    agencyPaths,
    procedureIds,
  });
  it('pass a route only through the scope the route grants, never through a role list or `authenticated`', () => {
    for (const scope of CLIENT_SCOPES) {
      for (const held of CLIENT_SCOPES) {
        expect(isAllowed(['officer'], client([held]), scope)).toBe(scope === held);
      }
      expect(isAllowed('authenticated', client([...CLIENT_SCOPES]))).toBe(false);
      expect(isAllowed([...OFFICER_ROLES, 'applicant'], client([...CLIENT_SCOPES]))).toBe(false);
    }
    expect(isAllowed('public', client([]))).toBe(true);
    // The scope a route grants clients changes nothing for people.
    expect(isAllowed(['receptionist'], citizen, 'dossiers:read')).toBe(false);
    expect(isAllowed('authenticated', anonymous, 'dossiers:read')).toBe(false);
  });
  it('see records of their agency subtrees, and only of their procedures when scoped to some', () => {
    const record = { agencyPaths: ['/p/d/u/'], procedureId: 'proc-1' };
    expect(canSeeRecord(client(['dossiers:read']), record)).toBe(true);
    expect(canSeeRecord(client(['dossiers:read'], ['/p/x/', '/p/d/']), record)).toBe(true);
    expect(canSeeRecord(client(['dossiers:read'], ['/p/x/']), record)).toBe(false);
    expect(canSeeRecord(client(['dossiers:read'], ['/p/d/'], ['proc-1']), record)).toBe(true);
    expect(canSeeRecord(client(['dossiers:read'], ['/p/d/'], ['proc-2']), record)).toBe(false);
    expect(canSeeRecord(client(['dossiers:read'], ['/p/d/'], []), record)).toBe(false);
    expect(canSeeRecord(client(['dossiers:read'], []), record)).toBe(false);
  });
  it('never act with officer roles', () => {
    expect(canSeeRecord(client([...CLIENT_SCOPES]), { agencyPaths: ['/p/d/'] }, ['officer'])).toBe(false);
  });
});
