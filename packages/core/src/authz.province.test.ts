import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Actor, isProvinceAdministrator, OFFICER_ROLES, type OfficerRole } from './authz.ts';

const officer = (roles: OfficerRole[], agencyPath: string, agencyId = 'x'): Actor => ({
  kind: 'officer',
  userId: 'u1',
  agencyId,
  agencyPath,
  roles,
});

describe('isProvinceAdministrator: an administrator of the root (province) agency', () => {
  it('table', () => {
    expect(isProvinceAdministrator(officer(['admin'], '/p/', 'p'))).toBe(true);
    expect(isProvinceAdministrator(officer(['leader', 'admin'], '/p/', 'p'))).toBe(true);
    // A department's or a ward's administrator administers its subtree only.
    expect(isProvinceAdministrator(officer(['admin'], '/p/d/', 'd'))).toBe(false);
    expect(isProvinceAdministrator(officer(['admin'], '/p/d/w/', 'w'))).toBe(false);
    // Other roles of the province agency are not administrators.
    expect(isProvinceAdministrator(officer(['provincial_leader'], '/p/', 'p'))).toBe(false);
    expect(isProvinceAdministrator(officer([], '/p/', 'p'))).toBe(false);
    expect(isProvinceAdministrator({ kind: 'anonymous' })).toBe(false);
    expect(isProvinceAdministrator({ kind: 'applicant', userId: 'c' })).toBe(false);
    expect(
      isProvinceAdministrator({
        kind: 'client',
        clientId: 'c',
        scopes: ['dossiers:read'],
        agencyPaths: ['/p/'],
        procedureIds: null,
      }),
    ).toBe(false);
  });

  it('property: true exactly for an officer holding admin whose path has one segment', () => {
    const segment = fc.stringMatching(/^[a-z0-9-]{1,12}$/);
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 5 }),
        fc.subarray([...OFFICER_ROLES]),
        (segments, roles) => {
          const a = officer(roles, `/${segments.join('/')}/`, segments.at(-1));
          expect(isProvinceAdministrator(a)).toBe(roles.includes('admin') && segments.length === 1);
        },
      ),
    );
  });
});
