import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { commandContext } from '../../shared/command-context.ts';
import type { Lang } from '../../shared/messages.ts';
import { Problem } from '../../shared/problem.ts';
import { validateForm } from '../dossiers/dossier.eform.ts';
import { requireSystemAdmin } from '../jobs/jobs.service.ts';
import { type ClientActor, listClients, registerClient, revokeClient } from './clients.service.ts';
import { verifyExchangeChain } from './exchange.service.ts';
import {
  ChainReport,
  ClientView,
  DeliveryQuery,
  DeliveryView,
  ExchangeQuery,
  ExchangeView,
  IdParams,
  PortalSubmissionBody,
  PushQuery,
  PushView,
  RegisterClientBody,
  SubscribeBody,
  SubscriptionView,
} from './integration.schemas.ts';
import { listPushes, receivePortalSubmission } from './nationalportal.service.ts';
import { oauthRoutes } from './oauth.routes.ts';
import { listDeliveries, listSubscriptions, replayDelivery, subscribe, unsubscribe } from './webhooks.service.ts';

/** Routes only API clients reach (no person holds a role in an empty list). */
const CLIENTS_ONLY = [] as const;
const ADMINS = ['admin'] as const;
const Json = z.looseObject({});

function clientOf(req: FastifyRequest): ClientActor {
  if (req.actor.kind !== 'client') throw new Problem('forbidden');
  return req.actor;
}

/**
 * E-form values of national-portal submissions are checked like online ones (dossier.eform.ts),
 * at `DuLieuBieuMau…`. A submission without values is accepted: the national portal may carry the
 * tờ khai as a file of the dossier (its own interactive form), as the counter takes the paper one.
 */
const portalForm = (lang: Lang) => (schema: unknown, data: unknown) => {
  if (data && typeof data === 'object' && Object.keys(data).length === 0) return;
  validateForm(schema, data, { lang, pathPrefix: 'DuLieuBieuMau' });
};

export async function integrationRoutes(base: FastifyInstance, opts: { db: Db; config: Config }) {
  const { db, config } = opts;
  await base.register(oauthRoutes, { db, config });
  await base.register(apiRoutes, { prefix: '/api/v1', db, config });
}

async function apiRoutes(base: FastifyInstance, opts: { db: Db; config: Config }) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db, config } = opts;

  // ------------------------------------------------------------------ administrators: clients

  app.post(
    '/integration/clients',
    {
      config: { access: ADMINS },
      schema: {
        tags: ['integration'],
        summary: 'Đăng ký hệ thống kết nối / Register an API client',
        description: 'The answer holds `clientSecret`, shown this once: only its SHA-256 digest is kept.',
        body: RegisterClientBody,
        response: { 201: ClientView.extend({ clientSecret: z.string() }) },
      },
    },
    async (req, reply) => {
      requireSystemAdmin(req.actor);
      const client = await registerClient(db, req.body, commandContext(req));
      req.auditRecorded = true;
      return reply.status(201).send(client);
    },
  );

  app.get(
    '/integration/clients',
    {
      config: { access: ADMINS },
      schema: {
        tags: ['integration'],
        summary: 'Danh sách hệ thống kết nối / API clients',
        response: { 200: z.object({ items: z.array(ClientView) }) },
      },
    },
    async (req) => {
      requireSystemAdmin(req.actor);
      return { items: await listClients(db) };
    },
  );

  app.delete(
    '/integration/clients/:id',
    {
      config: { access: ADMINS },
      schema: {
        tags: ['integration'],
        summary: 'Thu hồi hệ thống kết nối / Revoke an API client (its tokens stop working at once)',
        params: IdParams,
        response: { 200: ClientView },
      },
    },
    async (req) => {
      requireSystemAdmin(req.actor);
      const client = await revokeClient(db, req.params.id, commandContext(req));
      req.auditRecorded = true;
      return client;
    },
  );

  // ------------------------------------------------------------------ administrators: logs

  app.get(
    '/integration/exchange-log',
    {
      config: { access: ADMINS },
      schema: {
        tags: ['integration'],
        summary: 'Nhật ký trao đổi dữ liệu với hệ thống kết nối / Exchange log (newest first)',
        querystring: ExchangeQuery,
        response: { 200: z.object({ items: z.array(ExchangeView) }) },
      },
    },
    async (req) => {
      requireSystemAdmin(req.actor);
      let q = db.selectFrom('exchange_log').selectAll().orderBy('id', 'desc').limit(req.query.limit);
      if (req.query.clientId) q = q.where('client_id', '=', req.query.clientId);
      if (req.query.dossierCode) q = q.where('dossier_code', '=', req.query.dossierCode);
      const rows = await q.execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          at: r.at.toISOString(),
          clientId: r.client_id,
          requestId: r.request_id,
          method: r.method,
          path: r.path,
          purpose: r.purpose,
          dossierCode: r.dossier_code,
          status: r.status,
          requestHash: r.request_hash,
          responseHash: r.response_hash,
          hash: r.hash,
        })),
      };
    },
  );

  app.get(
    '/integration/exchange-log/verify',
    {
      config: { access: ADMINS },
      schema: {
        tags: ['integration'],
        summary: 'Kiểm tra chuỗi băm của nhật ký trao đổi / Verify the exchange log’s hash chain',
        response: { 200: ChainReport },
      },
    },
    async (req) => {
      requireSystemAdmin(req.actor);
      return verifyExchangeChain(db);
    },
  );

  app.get(
    '/integration/webhook-deliveries',
    {
      config: { access: ADMINS },
      schema: {
        tags: ['integration'],
        summary: 'Các lần gửi sự kiện (webhook) / Webhook deliveries with status, attempts and last error',
        querystring: DeliveryQuery,
        response: { 200: z.object({ items: z.array(DeliveryView) }) },
      },
    },
    async (req) => {
      requireSystemAdmin(req.actor);
      return { items: await listDeliveries(db, req.query) };
    },
  );

  app.post(
    '/integration/webhook-deliveries/:id/replay',
    {
      config: { access: ADMINS, auditAction: 'webhook_delivery.replay' },
      schema: {
        tags: ['integration'],
        summary: 'Gửi lại sự kiện / Replay a delivery now (one attempt; the receiver deduplicates by webhook-id)',
        params: IdParams,
        response: { 202: z.object({ id: z.string(), status: z.literal('pending') }) },
      },
    },
    async (req, reply) => {
      requireSystemAdmin(req.actor);
      await replayDelivery(db, req.params.id);
      return reply.status(202).send({ id: req.params.id, status: 'pending' as const });
    },
  );

  app.get(
    '/integration/national-portal/pushes',
    {
      config: { access: ADMINS },
      schema: {
        tags: ['integration'],
        summary: 'Đồng bộ trạng thái hồ sơ lên Cổng DVC quốc gia / National portal pushes',
        querystring: PushQuery,
        response: { 200: z.object({ items: z.array(PushView) }) },
      },
    },
    async (req) => {
      requireSystemAdmin(req.actor);
      return { items: await listPushes(db, req.query) };
    },
  );

  // ------------------------------------------------------------------ API clients: webhooks

  app.post(
    '/integration/webhooks',
    {
      config: { access: CLIENTS_ONLY, clientScope: 'events:subscribe' },
      schema: {
        tags: ['integration'],
        summary: 'Đăng ký nhận sự kiện hồ sơ / Subscribe a webhook to dossier events (CloudEvents 1.0)',
        description:
          'Filters: `eventTypes` (e.g. `vn.motcua.dossier.received`; none = all), `agencyIds`, `procedureIds` — always ' +
          'within the client’s own scope. The answer holds the signing `secret` (Standard Webhooks, `whsec_…`), shown once.',
        body: SubscribeBody,
        response: { 201: SubscriptionView.extend({ secret: z.string() }) },
      },
    },
    async (req, reply) => reply.status(201).send(await subscribe(db, clientOf(req), req.body, config)),
  );

  app.get(
    '/integration/webhooks',
    {
      config: { access: CLIENTS_ONLY, clientScope: 'events:subscribe' },
      schema: {
        tags: ['integration'],
        summary: 'Các đăng ký nhận sự kiện của hệ thống / The client’s webhook subscriptions',
        response: { 200: z.object({ items: z.array(SubscriptionView) }) },
      },
    },
    async (req) => ({ items: await listSubscriptions(db, clientOf(req).clientId) }),
  );

  app.delete(
    '/integration/webhooks/:id',
    {
      config: { access: CLIENTS_ONLY, clientScope: 'events:subscribe' },
      schema: {
        tags: ['integration'],
        summary: 'Hủy đăng ký nhận sự kiện / Delete a webhook subscription',
        params: IdParams,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await unsubscribe(db, clientOf(req).clientId, req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/integration/webhooks/:id/deliveries',
    {
      config: { access: CLIENTS_ONLY, clientScope: 'events:subscribe' },
      schema: {
        tags: ['integration'],
        summary: 'Các lần gửi của một đăng ký / Deliveries of one of the client’s subscriptions',
        params: IdParams,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ items: z.array(DeliveryView) }) },
      },
    },
    async (req) => ({
      items: await listDeliveries(db, {
        clientId: clientOf(req).clientId,
        subscriptionId: req.params.id,
        limit: req.query.limit,
      }),
    }),
  );

  // ------------------------------------------------------------------ API clients: national portal

  app.post(
    '/integration/national-portal/dossiers',
    {
      config: { access: CLIENTS_ONLY, clientScope: 'dossiers:write' },
      schema: {
        tags: ['integration'],
        summary: 'Tiếp nhận hồ sơ nộp trên Cổng Dịch vụ công quốc gia / A dossier submitted on the national portal',
        description:
          'Called by the national portal (an API client with `dossiers:write`, scoped to the procedure and agency). ' +
          'Creates the dossier through the ordinary online submission; the same `MaHoSo` again answers the first result.',
        body: PortalSubmissionBody,
        response: { 201: Json, 200: Json },
      },
    },
    async (req, reply) => {
      const r = await receivePortalSubmission(db, clientOf(req), req.body, commandContext(req), {
        codePattern: config.dossierCodePattern,
        validateForm: portalForm(req.lang),
      });
      req.auditRecorded = true;
      if (r.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(r.replayed ? 200 : 201).send(r.body);
    },
  );
}
