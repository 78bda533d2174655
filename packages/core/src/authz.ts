/**
 * The authorization rule, in one place. Every route declares an `Access`; every dossier-scoped
 * action asks `canSeeRecord`. Officers see and act within their own agency subtree and role;
 * applicants only on their own records.
 */
export const OFFICER_ROLES = ['receptionist', 'officer', 'leader', 'admin', 'provincial_leader'] as const;
export type OfficerRole = (typeof OFFICER_ROLES)[number];

/** What a route needs. `public`: anyone; `authenticated`: any signed-in user; otherwise a list of
 * principals, any of which suffices: an officer role, or `applicant` (citizen / organization). */
export type Access = 'public' | 'authenticated' | ReadonlyArray<OfficerRole | 'applicant'>;

/**
 * Operations a registered API client (another system: the national portal, an LGSP, a sector
 * system) may be granted, as OAuth 2.0 scopes. A client passes a route only when the route names
 * one of these (`clientScope`) and the client holds it: `authenticated` never admits a client.
 */
export const CLIENT_SCOPES = [
  'dossiers:read',
  'dossiers:write',
  'events:subscribe',
  'catalog:read',
  // The GovStack facade (/govstack): reading services, files, tasks and statistics; writing
  // applications, documents and task completions. docs/govstack.md §2.
  'govstack:read',
  'govstack:write',
] as const;
export type ClientScope = (typeof CLIENT_SCOPES)[number];

export type Actor =
  | { kind: 'anonymous' }
  | {
      kind: 'applicant';
      userId: string;
      /** The person's full name as the session read it (what the history records); absent: look it up. */
      name?: string;
      /**
       * The VNeID level of assurance of the session (Decree 69/2024/NĐ-CP art. 12): 1 or 2 for a
       * VNeID sign-in, absent/null for a password. Procedures may require a level (catalog).
       */
      assuranceLevel?: 1 | 2 | null;
    }
  | {
      kind: 'officer';
      userId: string;
      /** The officer's full name as the session read it (what the history records); absent: look it up. */
      name?: string;
      agencyId: string;
      /** Materialized path of the officer's agency, e.g. `/<province>/<department>/<unit>/`. */
      agencyPath: string;
      roles: ReadonlyArray<OfficerRole>;
    }
  | {
      /** A registered API client holding a bearer token (OAuth 2.0 client credentials). */
      kind: 'client';
      clientId: string;
      scopes: ReadonlyArray<ClientScope>;
      /** Materialized paths of the agencies the client is scoped to (each with its subtree). */
      agencyPaths: ReadonlyArray<string>;
      /** Procedures the client is scoped to; null: every procedure of its agencies. */
      procedureIds: ReadonlyArray<string> | null;
    };

/** Whether the actor may call a route; `clientScope` is the scope the route grants API clients, if any. */
export function isAllowed(access: Access, actor: Actor, clientScope?: ClientScope): boolean {
  if (access === 'public') return true;
  if (actor.kind === 'anonymous') return false;
  if (actor.kind === 'client') return clientScope !== undefined && actor.scopes.includes(clientScope);
  if (access === 'authenticated') return true;
  if (actor.kind === 'applicant') return access.includes('applicant');
  return actor.roles.some((r) => access.includes(r));
}

/**
 * A province administrator: an administrator of the root agency (the province People's Committee,
 * path `/<root>/`). Province-wide operations — the audit chain of every agency, the working
 * calendar, imports of the whole tree — are theirs alone; a ward's administrator administers the
 * ward's subtree only. Decree 118/2025/NĐ-CP art. 27(2): one system per province, run for the
 * province People's Committee. The one test for it: the catalog, agency import, working calendar
 * and audit-chain checks all call this function. The root agency is the only one without a parent
 * and is the province (`agencies` CHECK `(parent_id IS NULL) = (level = 'province')`, migration
 * 0001), and a path's first segment is the root's id — so "one segment" means "the province".
 */
export function isProvinceAdministrator(actor: Actor): boolean {
  return (
    actor.kind === 'officer' &&
    actor.roles.includes('admin') &&
    actor.agencyPath.split('/').filter((s) => s.length > 0).length === 1
  );
}

/** True when `agencyPath` lies inside the subtree rooted at `rootPath` (itself included). */
export function inSubtree(rootPath: string, agencyPath: string): boolean {
  return agencyPath.startsWith(rootPath);
}

/** A record (dossier, user, agency) as the rule sees it. */
export type ScopedRecord = {
  /** Paths of the agencies the record belongs to (receiving, handling, consulted). */
  agencyPaths: ReadonlyArray<string>;
  /** Applicant who owns the record, if any. */
  applicantId?: string | null;
  /** Procedure of the record (dossiers), for API clients scoped to procedures. */
  procedureId?: string | null;
};

/**
 * Whether the actor may see the record, and — when `roles` is given — act on it with one of them.
 * Officers: the record must touch their agency subtree. Applicants: only their own records.
 * API clients: the record must touch one of their agency subtrees and, when the client is scoped
 * to procedures, be of one of them; clients never act with officer roles.
 */
export function canSeeRecord(actor: Actor, record: ScopedRecord, roles?: ReadonlyArray<OfficerRole>): boolean {
  switch (actor.kind) {
    case 'anonymous':
      return false;
    case 'applicant':
      return roles === undefined && record.applicantId != null && record.applicantId === actor.userId;
    case 'officer': {
      if (roles && !actor.roles.some((r) => roles.includes(r))) return false;
      return record.agencyPaths.some((p) => inSubtree(actor.agencyPath, p));
    }
    case 'client': {
      if (roles !== undefined) return false;
      if (actor.procedureIds !== null && !actor.procedureIds.includes(record.procedureId ?? '')) return false;
      return record.agencyPaths.some((p) => actor.agencyPaths.some((root) => inSubtree(root, p)));
    }
  }
}
