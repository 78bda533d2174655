import type { Actor } from '@motcua/core';
import type { FastifyRequest } from 'fastify';

/**
 * Who is acting, for the audit row of a command: every service command takes one. `system`: an
 * operator command (CLI), not a person's session.
 */
export type CommandContext = {
  actor: Actor;
  requestId: string | null;
  ip?: string | null;
  userAgent?: string | null;
  system?: boolean;
};

/** The command context of an HTTP request (its actor from the session or bearer token, http/app.ts). */
export function commandContext(req: Pick<FastifyRequest, 'id' | 'ip' | 'headers'> & { actor: Actor }): CommandContext {
  return {
    actor: req.actor,
    requestId: req.id,
    ip: req.ip,
    userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null,
  };
}
