import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { commandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import {
  ChangePasswordBody,
  CreateOfficerBody,
  ForgotPasswordBody,
  ForgotPasswordResult,
  IdParams,
  LoginBody,
  LoginResult,
  RegisterBody,
  ResetPasswordBody,
  UpdateOfficerBody,
  UserListQuery,
  UserView,
  VerificationStarted,
  VerifyRegistrationBody,
} from './accounts.schemas.ts';
import {
  changePassword,
  createOfficer,
  getOfficer,
  getUserView,
  listOfficers,
  login,
  updateOfficer,
} from './accounts.service.ts';
import { setSessionCookies } from './session-cookies.ts';
import { CSRF_COOKIE, deleteSession, SESSION_COOKIE } from './sessions.ts';
import { confirmPasswordReset, startPasswordReset, startRegistration, verifyRegistration } from './verification.ts';

const ADMINS = ['admin'] as const;
const USER_READERS = ['admin', 'leader', 'provincial_leader'] as const;

export async function accountRoutes(
  base: FastifyInstance,
  opts: {
    db: Db;
    config: Config;
    /** The identity provider's logout URL for a session opened there (modules/identity). */
    endSessionUrl?: (tokenHash: string) => Promise<string | undefined>;
  },
) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db, config } = opts;
  const secure = config.publicUrl.startsWith('https://');

  app.post(
    '/auth/login',
    {
      config: {
        access: 'public',
        csrfExempt: true,
        auditAction: 'auth.login',
        rateLimit: { max: config.loginRateLimitPerMinute, timeWindow: '1 minute' },
      },
      schema: {
        tags: ['auth'],
        summary: 'Đăng nhập / Sign in with username and password',
        body: LoginBody,
        response: { 200: LoginResult },
      },
    },
    async (req, reply) => {
      const outcome = await login(db, req.body, commandContext(req), {
        maxFailures: config.loginMaxFailures,
        lockMinutes: config.loginLockMinutes,
        sessionTtlHours: config.sessionTtlHours,
      });
      req.auditRecorded = true;
      if (!outcome.ok && outcome.problem === 'sign_in_throttled') {
        const s = outcome.retryAfterSeconds;
        reply.header('retry-after', String(s));
        throw new Problem('sign_in_throttled', {
          detail: {
            vi: `Đăng nhập sai nhiều lần. Vui lòng thử lại sau ${s} giây.`,
            en: `Too many failed sign-ins. Please try again in ${s} seconds.`,
          },
          extra: { retryAfterSeconds: s },
        });
      }
      if (!outcome.ok) throw new Problem(outcome.problem);
      // A fresh token on every sign-in: a session id planted before login is never promoted.
      if (req.session) await deleteSession(db, req.session.tokenHash);
      setSessionCookies(reply, outcome.session, secure);
      const user = (await getUserView(db, outcome.userId))!;
      return { user, csrfToken: outcome.session.csrfToken, expiresAt: outcome.session.expiresAt.toISOString() };
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { access: 'authenticated', auditAction: 'auth.logout' },
      schema: {
        tags: ['auth'],
        summary: 'Đăng xuất / Sign out',
        description:
          'A session opened at an identity provider (VNeID) answers 200 with the provider’s logout URL, ' +
          'where the browser goes next to end that session too; a password session answers 204.',
        response: { 200: z.object({ endSessionUrl: z.string() }), 204: z.null() },
      },
    },
    async (req, reply) => {
      const tokenHash = req.session?.tokenHash;
      const endSessionUrl = tokenHash && opts.endSessionUrl ? await opts.endSessionUrl(tokenHash) : undefined;
      if (tokenHash) await deleteSession(db, tokenHash);
      reply.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' });
      if (endSessionUrl) return reply.status(200).send({ endSessionUrl });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'Người dùng hiện tại / Current user',
        response: {
          200: z.object({
            user: UserView,
            csrfToken: z.string(),
            /** How this session was opened: `password` or `oidc:vneid`, and its VNeID level (issue 17). */
            session: z.object({
              authMethod: z.string(),
              assuranceLevel: z.union([z.literal(1), z.literal(2)]).nullable(),
            }),
          }),
        },
      },
    },
    async (req) => {
      const user = await getUserView(db, req.session!.actor.userId);
      if (!user) throw new Problem('unauthenticated');
      const { authMethod, assuranceLevel } = req.session!;
      return { user, csrfToken: req.session!.csrfToken, session: { authMethod, assuranceLevel } };
    },
  );

  const codeRateLimit = { max: config.loginRateLimitPerMinute, timeWindow: '1 minute' };

  app.post(
    '/auth/register',
    {
      config: { access: 'public', auditAction: 'auth.register_requested', rateLimit: codeRateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Đăng ký tài khoản công dân / tổ chức, bước 1: gửi mã xác nhận — Register, step 1: send a code',
        description:
          'Keeps the details and sends a 6-digit code (valid 10 minutes, 5 attempts) to the phone (SMS) or email named by `channel`. ' +
          'An ID number or tax code that already has an account gets the same 202 answer: no code is sent to the caller, the owner is told through their registered channel.',
        body: RegisterBody,
        response: { 202: VerificationStarted },
      },
    },
    async (req, reply) => {
      const r = await startRegistration(db, req.body, commandContext(req));
      req.auditRecorded = true;
      return reply.status(202).send(r);
    },
  );

  app.post(
    '/auth/register/verify',
    {
      config: { access: 'public', auditAction: 'auth.register', rateLimit: codeRateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Đăng ký, bước 2: nhập mã xác nhận — Register, step 2: verify the code and create the account',
        description: 'A wrong, expired, used or exhausted code answers 400 `verification_failed`.',
        body: VerifyRegistrationBody,
        response: { 201: UserView },
      },
    },
    async (req, reply) => {
      const id = await verifyRegistration(db, req.body, commandContext(req));
      req.auditRecorded = true;
      return reply.status(201).send((await getUserView(db, id))!);
    },
  );

  app.post(
    '/auth/password/forgot',
    {
      config: { access: 'public', auditAction: 'auth.password_reset_requested', rateLimit: codeRateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Quên mật khẩu: gửi mã xác nhận — Forgot password: send a code',
        description:
          'Always 202 with a verification id, whether or not the username (ID number, tax code or username) exists; ' +
          'the code goes to the email or phone registered with the account.',
        body: ForgotPasswordBody,
        response: { 202: ForgotPasswordResult },
      },
    },
    async (req, reply) => {
      const r = await startPasswordReset(db, req.body, commandContext(req));
      req.auditRecorded = true;
      return reply.status(202).send(r);
    },
  );

  app.post(
    '/auth/password/reset',
    {
      config: { access: 'public', auditAction: 'auth.password_reset', rateLimit: codeRateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Đặt lại mật khẩu bằng mã xác nhận — Reset the password with the code',
        description:
          'Sets the new password, unlocks the account and ends every session of it. Wrong code: 400 `verification_failed`.',
        body: ResetPasswordBody,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await confirmPasswordReset(db, req.body, commandContext(req));
      req.auditRecorded = true;
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/password',
    {
      config: { access: 'authenticated', auditAction: 'auth.change_password' },
      schema: {
        tags: ['auth'],
        summary: 'Đổi mật khẩu / Change password',
        body: ChangePasswordBody,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await changePassword(db, req.session!.actor.userId, req.body, commandContext(req), req.session!.tokenHash);
      req.auditRecorded = true;
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/users',
    {
      config: { access: USER_READERS },
      schema: {
        tags: ['users'],
        summary: 'Cán bộ trong phạm vi đơn vị / Officers in the caller’s agency subtree',
        querystring: UserListQuery,
        response: { 200: z.object({ items: z.array(UserView), total: z.int() }) },
      },
    },
    async (req) => listOfficers(db, req.actor, req.query),
  );

  app.post(
    '/users',
    {
      config: { access: ADMINS, auditAction: 'user.create' },
      schema: {
        tags: ['users'],
        summary: 'Tạo tài khoản cán bộ / Create an officer account',
        body: CreateOfficerBody,
        response: { 201: UserView },
      },
    },
    async (req, reply) => {
      const id = await createOfficer(db, req.body, commandContext(req));
      req.auditRecorded = true;
      return reply.status(201).send((await getUserView(db, id))!);
    },
  );

  app.get(
    '/users/:id',
    {
      config: { access: USER_READERS },
      schema: { tags: ['users'], summary: 'Một cán bộ / One officer', params: IdParams, response: { 200: UserView } },
    },
    async (req) => getOfficer(db, req.actor, req.params.id),
  );

  app.patch(
    '/users/:id',
    {
      config: { access: ADMINS, auditAction: 'user.update' },
      schema: {
        tags: ['users'],
        summary: 'Sửa tài khoản cán bộ (kèm version) / Update an officer (with version)',
        params: IdParams,
        body: UpdateOfficerBody,
        response: { 200: UserView },
      },
    },
    async (req) => {
      const view = await updateOfficer(db, req.params.id, req.body, commandContext(req));
      req.auditRecorded = true;
      return view;
    },
  );
}
