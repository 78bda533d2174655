import type { OfficerRole } from '@motcua/core';
import type { JourneyApi } from './api.ts';

/**
 * The people of each agency, as a province would staff it: an existing active officer with the
 * role in that very agency if there is one (the demo accounts), else one created by the
 * administrator through the admin API (POST /api/v1/users), the path the admin screens use.
 */
export class Staff {
  private cache = new Map<string, string>();
  private created: string[] = [];

  private readonly api: JourneyApi;
  private readonly admin: string;

  constructor(api: JourneyApi, admin: string) {
    this.api = api;
    this.admin = admin;
  }

  /** Usernames the journey had to create (for the report). */
  get createdUsernames(): readonly string[] {
    return this.created;
  }

  /** The username of an officer holding `role` in the agency `agencyId` itself (not above or below it). */
  async of(agencyId: string, role: OfficerRole): Promise<string> {
    const key = `${agencyId}/${role}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const db = this.api.db;
    const existing = await db
      .selectFrom('users')
      .innerJoin('user_roles', 'user_roles.user_id', 'users.id')
      .select('users.username')
      .where('users.agency_id', '=', agencyId)
      .where('users.kind', '=', 'officer')
      .where('users.active', '=', true)
      .where('user_roles.role', '=', role)
      .orderBy('users.username')
      .executeTakeFirst();
    let username = existing?.username;
    if (!username) {
      const agency = await db
        .selectFrom('agencies')
        .select(['code', 'name'])
        .where('id', '=', agencyId)
        .executeTakeFirstOrThrow();
      username = `j.${role}.${agency.code.replace(/[^0-9A-Za-z]+/g, '-').toLowerCase()}`;
      const user = await this.api.expectStatus(
        this.admin,
        'POST',
        '/users',
        {
          username,
          fullName: `${ROLE_TITLE[role]} ${agency.name}`.slice(0, 200),
          agencyId,
          roles: [role],
          password: 'hanhtrinh-2026',
        },
        201,
      );
      if (user.username !== username) throw new Error(`created ${user.username}, expected ${username}`);
      this.created.push(username);
    }
    this.cache.set(key, username);
    return username;
  }
}

const ROLE_TITLE: Record<OfficerRole, string> = {
  receptionist: 'Cán bộ tiếp nhận',
  officer: 'Chuyên viên',
  leader: 'Lãnh đạo',
  admin: 'Quản trị',
  provincial_leader: 'Lãnh đạo tỉnh',
};
