import type { Access, ClientScope } from '@motcua/core';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route: the single authorization rule (packages/core/src/authz.ts). */
    access?: Access;
    /** Audit action name for commands; defaults to METHOD + route. */
    auditAction?: string;
    /** Cookie-authenticated writes need the CSRF header, except these (login itself). */
    csrfExempt?: boolean;
    /** The scope that lets an API client (bearer token) call the route; none: clients are refused. */
    clientScope?: ClientScope;
  }
}

export type RouteEntry = { method: string; url: string; access: Access; clientScope?: ClientScope };
