import { describe, expect, it } from 'vitest';
import { type Access, type Actor, canSeeRecord, isAllowed, OFFICER_ROLES, type OfficerRole } from './authz.ts';

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
