import type { FastifyReply } from 'fastify';
import { CSRF_COOKIE, SESSION_COOKIE } from './sessions.ts';

/**
 * The session cookie (httpOnly) and the CSRF cookie the web app reads and echoes in X-CSRF-Token
 * (double submit): set alike by password sign-in and by OIDC sign-in (modules/identity).
 */
export function setSessionCookies(
  reply: FastifyReply,
  s: { token: string; csrfToken: string; expiresAt: Date },
  secure: boolean,
): void {
  reply.setCookie(SESSION_COOKIE, s.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    expires: s.expiresAt,
  });
  reply.setCookie(CSRF_COOKIE, s.csrfToken, {
    path: '/',
    httpOnly: false,
    sameSite: 'strict',
    secure,
    expires: s.expiresAt,
  });
}
