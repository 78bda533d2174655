import { FACT_ORIGINS, lookupSecretsEqual, normalizeLookupSecret } from '@motcua/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { commandContext } from '../../shared/command-context.ts';
import type { Lang } from '../../shared/messages.ts';
import { Problem } from '../../shared/problem.ts';
import type { ReadRouter } from '../../shared/read-replica.ts';
import { agenciesById } from '../agencies/agencies.queries.ts';
import { deploymentProvince, loadWorkCalendar } from '../calendar/calendar.service.ts';
import type { Registers } from '../registers/registers.service.ts';
import { findApplicantByIdNumber } from './counter.applicants.ts';
import { findVisibleDossier } from './dossier.access.ts';
import { dossierActorOf } from './dossier.actors.ts';
import { calendarFor } from './dossier.decide.ts';
import { assertFormVisibleTo, DOSSIER_FORMS, renderDossierForm, renderTrackingBook } from './dossier.documents.ts';
import { validateForm } from './dossier.eform.ts';
import { type CommandBody, executeCommand } from './dossier.execute.ts';
import { listDossiers, QUEUES, queueCounts } from './dossier.queues.ts';
import {
  ActionResponse,
  DossierDetailResponse,
  HistoryResponse,
  KnownApplicantResponse,
  PublicLookupResponse,
  QueueCounts,
  QueuePage,
  SubmitResponse,
} from './dossier.responses.ts';
import {
  ActionBody,
  ApplicantLookupQuery,
  CounterSubmitBody,
  DossierIdParams,
  IdempotencyHeaders,
  LookupQuery,
  OnlineSubmitBody,
  QueueQuerySchema,
} from './dossier.schemas.ts';
import { submitDossier } from './dossier.submit.ts';
import { dossierDetail, dossierHistory, publicLookupView } from './dossier.views.ts';
import { logOfficerFormPrint, logOfficerRead, prefillDraft } from './drafts.prefill.ts';
import { DraftView, discardDraft } from './drafts.service.ts';

const OFFICERS = ['receptionist', 'officer', 'leader', 'admin', 'provincial_leader'] as const;
const ACTORS = ['applicant', 'receptionist', 'officer', 'leader'] as const;

/**
 * Online, the e-form is the application: its values must validate. At the counter the applicant
 * may hand in the paper tờ khai instead (a document of the dossier), so an empty form is accepted
 * there; values the receptionist did type in must validate.
 */
const onlineForm = (lang: Lang) => (schema: unknown, data: unknown) => validateForm(schema, data, { lang });
const counterForm = (lang: Lang) => (schema: unknown, data: unknown) => {
  if (data && typeof data === 'object' && Object.keys(data).length === 0) return;
  validateForm(schema, data, { lang });
};

function send(reply: FastifyReply, r: { statusCode: number; body: unknown; replayed: boolean }) {
  if (r.replayed) reply.header('idempotent-replayed', 'true');
  return reply.status(r.statusCode).send(r.body);
}

export async function dossierRoutes(
  base: FastifyInstance,
  opts: { db: Db; config: Config; reads: ReadRouter; registers: Registers },
) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db, config, reads } = opts;

  app.post(
    '/dossiers',
    {
      config: { access: ['applicant'] },
      schema: {
        tags: ['dossiers'],
        summary: 'Nộp hồ sơ trực tuyến / Submit a dossier online',
        headers: IdempotencyHeaders,
        body: OnlineSubmitBody,
        response: { 201: SubmitResponse, 200: SubmitResponse },
      },
    },
    async (req, reply) => {
      const r = await submitDossier(
        db,
        { ...req.body, channel: 'online' },
        commandContext(req),
        req.headers['idempotency-key'],
        { codePattern: config.dossierCodePattern, validateForm: onlineForm(req.lang) },
      );
      req.auditRecorded = true;
      return send(reply, r);
    },
  );

  app.post(
    '/counter/dossiers',
    {
      config: { access: ['receptionist'] },
      schema: {
        tags: ['dossiers'],
        summary: 'Tiếp nhận hồ sơ trực tiếp tại Bộ phận Một cửa / Receive a walk-in dossier at the counter',
        headers: IdempotencyHeaders,
        body: CounterSubmitBody,
        response: { 201: SubmitResponse, 200: SubmitResponse },
      },
    },
    async (req, reply) => {
      const { channel, ...rest } = req.body;
      const r = await submitDossier(
        db,
        { ...rest, channel: channel ?? 'counter' },
        commandContext(req),
        req.headers['idempotency-key'],
        { codePattern: config.dossierCodePattern, validateForm: counterForm(req.lang) },
      );
      req.auditRecorded = true;
      return send(reply, r);
    },
  );

  app.get(
    '/counter/applicants',
    {
      config: { access: ['receptionist'] },
      schema: {
        tags: ['dossiers'],
        summary: 'Tra cứu người nộp theo số định danh / Look up an applicant by ID number',
        description:
          'Exact match on the citizen ID (CCCD), the old ID or the tax code. The national register (population DB for a 12-digit ID, business registry for a tax code) is read too and wins for name and address (`register`); the read is logged for the person. ' +
          'Then the portal account, then the latest dossier. A register that fails is named in `registerFailure`. 404 `applicant_not_found` when nobody knows the number.',
        querystring: ApplicantLookupQuery,
        response: { 200: KnownApplicantResponse },
      },
    },
    async (req) => findApplicantByIdNumber(db, req.query.idNumber, opts.registers, commandContext(req)),
  );

  app.post(
    '/drafts/:id/prefill',
    {
      // Each call reads the national registers: a few a minute are plenty for a person.
      config: { access: ['applicant'], rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags: ['drafts'],
        summary:
          'Điền sẵn tờ khai từ VNeID và CSDL quốc gia / Prefill the e-form from VNeID and the national registers',
        description:
          'For a VNeID sign-in: what the identity verified, the population DB’s record (for a business: its representative’s) and the business registry’s, ' +
          'mapped onto the e-form by the procedure’s `eForm.prefill`. Verified values are written and locked (`locked`; submission answers 422 `verified_field_changed` if one is changed); ' +
          'contact details fill only empty fields. A register that fails is named in `failures` and its fields stay to type. ' +
          'A password sign-in gets the account’s own details only, unlocked. Each register read is logged for the person (GET /me/personal-data-access).',
        params: DossierIdParams,
        response: {
          200: z.object({
            draft: DraftView,
            origins: z.record(z.string(), z.enum(FACT_ORIGINS)),
            locked: z.array(z.string()),
            failures: z.array(
              z.object({ register: z.enum(['population_register', 'business_registry']), reason: z.string() }),
            ),
          }),
        },
      },
    },
    async (req) => {
      const r = await prefillDraft(db, opts.registers, commandContext(req), req.session!, req.params.id);
      for (const f of r.failures) req.log.warn({ register: f.register, reason: f.reason }, 'register lookup failed');
      return r;
    },
  );

  // Beside the other draft routes (webapi.routes.ts), here because discarding is a dossiers rule.
  app.delete(
    '/drafts/:id',
    {
      config: { access: ['applicant'], auditAction: 'draft.discard' },
      schema: {
        tags: ['drafts'],
        summary: 'Hủy hồ sơ nháp / Discard a draft',
        description:
          'Deletes the caller’s draft and the files uploaded to it, so the procedure can be started afresh. ' +
          '204; 404 not_found when the draft is not the caller’s (or no longer exists).',
        params: DossierIdParams,
      },
    },
    async (req, reply) => {
      if (req.actor.kind !== 'applicant') throw new Problem('forbidden');
      await discardDraft(db, commandContext(req), req.actor.userId, req.params.id);
      req.auditRecorded = true;
      return reply.status(204).send();
    },
  );

  app.get(
    '/dossiers',
    {
      config: { access: 'authenticated', clientScope: 'dossiers:read' },
      schema: {
        tags: ['dossiers'],
        summary: 'Hồ sơ theo hàng đợi công việc / Dossiers by work queue',
        description: `Queues: ${QUEUES.join(', ')}. Sorted by remaining working time (queues) or newest first (all).`,
        querystring: QueueQuerySchema,
        response: { 200: QueuePage },
      },
    },
    async (req) => {
      const calendar = await loadWorkCalendar(db, await deploymentProvince(db));
      return listDossiers(db, req.actor, req.query, calendar, new Date());
    },
  );

  app.get(
    '/dossiers/queues/counts',
    {
      config: { access: OFFICERS },
      schema: { tags: ['dossiers'], summary: 'Số hồ sơ theo hàng đợi / Queue counts', response: { 200: QueueCounts } },
    },
    async (req) => {
      const calendar = await loadWorkCalendar(db, await deploymentProvince(db));
      return queueCounts(db, req.actor, calendar, new Date());
    },
  );

  app.get(
    '/dossiers/:id',
    {
      config: { access: 'authenticated', clientScope: 'dossiers:read' },
      schema: {
        tags: ['dossiers'],
        summary: 'Chi tiết hồ sơ / Dossier',
        description:
          'Officers get the officers’ view (OfficerDossierDetail); the dossier’s applicant gets theirs (ApplicantDossierDetail: no staff, marks or internal steps).',
        params: DossierIdParams,
        response: { 200: DossierDetailResponse },
      },
    },
    async (req) => {
      const row = await findVisibleDossier(db, req.actor, req.params.id);
      const calendar = await calendarFor(db, row.province_id);
      const actor = await dossierActorOf(db, commandContext(req));
      // An officer opening a dossier reads the applicant's personal data: the person may see it (Decree 13/2023).
      if (req.actor.kind === 'officer') await logOfficerRead(db, req.actor, row);
      return dossierDetail(db, row, calendar, actor, new Date());
    },
  );

  app.get(
    '/dossiers/:id/history',
    {
      config: { access: 'authenticated', clientScope: 'dossiers:read' },
      schema: {
        tags: ['dossiers'],
        summary: 'Lịch sử xử lý hồ sơ / Dossier history',
        params: DossierIdParams,
        response: { 200: HistoryResponse },
      },
    },
    async (req) => {
      const row = await findVisibleDossier(db, req.actor, req.params.id);
      return { items: await dossierHistory(db, row, req.actor) };
    },
  );

  app.post(
    '/dossiers/:id/actions',
    {
      config: { access: ACTORS },
      schema: {
        tags: ['dossiers'],
        summary: 'Thao tác trên hồ sơ / Act on a dossier (receive, forward, approve, …)',
        description:
          'One command per request. `version` is the dossier version the client saw: another version answers 409. ' +
          'The Idempotency-Key header makes retries safe: the same key returns the first answer.',
        params: DossierIdParams,
        headers: IdempotencyHeaders,
        body: ActionBody,
        response: { 200: ActionResponse },
      },
    },
    async (req, reply) => {
      const { attachmentIds = [], ...command } = req.body;
      const r = await executeCommand(db, {
        dossierId: req.params.id,
        attachmentIds,
        command: command as CommandBody,
        ctx: commandContext(req),
        idempotencyKey: req.headers['idempotency-key'],
      });
      req.auditRecorded = true;
      return send(reply, r);
    },
  );

  app.get(
    '/dossiers/:id/documents/:form',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['dossiers'],
        summary:
          'Văn bản của hồ sơ theo mẫu 01–06 Thông tư 03/2025/TT-VPCP (PDF, A5) / The dossier’s forms 01–06 as PDF',
        description:
          '01 receipt and appointment, 02 supplement request, 03 refusal, 04 apology and extension, 05 notice of stopping, 06 processing control slip (internal: officers only; 404 for applicants).',
        params: z.strictObject({ id: z.uuid(), form: z.enum(DOSSIER_FORMS) }),
      },
    },
    async (req, reply) => {
      const row = await findVisibleDossier(db, req.actor, req.params.id);
      assertFormVisibleTo(req.actor.kind, req.params.form);
      const calendar = await calendarFor(db, row.province_id);
      const pdf = await renderDossierForm(db, row, req.params.form, { publicUrl: config.publicUrl, calendar });
      // A printed form carries the applicant's name, ID and address: an officer's print is a read
      // the applicant sees in her access log (Decree 13/2023/NĐ-CP art. 9), as opening the dossier is.
      if (req.actor.kind === 'officer') await logOfficerFormPrint(db, req.actor, row, req.params.form);
      const name = `mau-${req.params.form}-${row.code}.pdf`;
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${name.replace(/[^\w.-]/g, '_')}"`)
        .header('x-content-type-options', 'nosniff')
        .send(Buffer.from(pdf));
    },
  );

  app.get(
    '/reports/tracking-book',
    {
      // The receiving unit's book: its receptionists, the leaders over it (province leaders too) and its administrator.
      config: { access: ['receptionist', 'leader', 'provincial_leader', 'admin'] },
      schema: {
        tags: ['dossiers'],
        summary: 'Sổ theo dõi hồ sơ (mẫu 07) của bộ phận tiếp nhận, dạng Excel / Tracking book (form 07) as Excel',
        querystring: z.strictObject({
          from: z.iso.date(),
          to: z.iso.date(),
          agencyId: z.uuid().optional(),
        }),
      },
    },
    async (req, reply) => {
      if (req.actor.kind !== 'officer') throw new Problem('forbidden');
      const agencyId = req.query.agencyId ?? req.actor.agencyId;
      // Only the officer's own unit or a unit below it.
      const [target] = await agenciesById(db, [agencyId]);
      if (!target?.path.startsWith(req.actor.agencyPath)) throw new Problem('not_found');
      const from = new Date(`${req.query.from}T00:00:00+07:00`);
      const to = new Date(new Date(`${req.query.to}T00:00:00+07:00`).getTime() + 86_400_000);
      if (!(from < to)) {
        throw new Problem('validation_failed', {
          detail: { vi: 'Ngày bắt đầu phải trước ngày kết thúc', en: 'from must not be after to' },
        });
      }
      const xlsx = await renderTrackingBook(db, agencyId, from, to);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header(
          'content-disposition',
          `attachment; filename="so-theo-doi-ho-so-${req.query.from}-${req.query.to}.xlsx"`,
        )
        .send(xlsx);
    },
  );

  app.get(
    '/lookup',
    {
      config: { access: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['dossiers'],
        summary: 'Tra cứu hồ sơ bằng mã hồ sơ và mật khẩu tra cứu (hoặc số điện thoại) / Public dossier lookup',
        querystring: LookupQuery,
        response: { 200: PublicLookupResponse },
      },
    },
    // Only reads: on the read replica when it is within its lag bound (shared/read-replica.ts).
    async (req) =>
      reads.run(async (db) => {
        const { code, secret, phone } = req.query;
        const row = await db.selectFrom('dossiers').selectAll().where('code', '=', code.trim()).executeTakeFirst();
        const digits = (s: string | null | undefined) => (s ?? '').replace(/\D/g, '');
        const ok =
          row !== undefined &&
          ((secret !== undefined &&
            normalizeLookupSecret(secret) !== '' &&
            lookupSecretsEqual(secret, row.lookup_secret)) ||
            (phone !== undefined && digits(phone).length >= 9 && digits(phone) === digits(row.applicant_phone)));
        // One answer for an unknown code and a wrong secret: a lookup must not confirm that a code exists.
        if (!ok || !row) throw new Problem('dossier_not_found');
        const calendar = await calendarFor(db, row.province_id);
        return publicLookupView(db, row, calendar, new Date());
      }),
  );
}
