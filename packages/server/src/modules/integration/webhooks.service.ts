import { createHmac, randomBytes } from 'node:crypto';
import { type Actor, canSeeRecord } from '@motcua/core';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { Problem } from '../../shared/problem.ts';
import { agenciesById } from '../agencies/agencies.queries.ts';
import { procedureCode } from '../catalog/catalog.queries.ts';
import { dossierAgencyPaths, dossierBasics } from '../dossiers/dossier.queries.ts';
import type { OutboxDossierPayload } from '../dossiers/dossier.store.ts';
import type { JobContext } from '../jobs/jobs.types.ts';
import type { OutboxJobPayload } from '../outbox/outbox.relay.ts';
import type { ClientActor } from './clients.service.ts';
import { type CloudEvent, dossierCloudEvent, serializeCloudEvent } from './cloudevents.ts';
import { checkTargetUrl, OutboundRefused, postBody } from './outbound.ts';
import { retryDelayMs, scheduleJob } from './retry.ts';

/**
 * Webhooks: clients subscribe a URL to dossier events (filtered by event type, agency, procedure,
 * always within the client's own scope). Each (subscription, event) is one delivery row — the
 * unique key means an event is never queued twice for a subscription — and one job, retried on
 * our own schedule (retry.ts). Deliveries are signed per the Standard Webhooks specification
 * (standardwebhooks.com): `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64
 * HMAC-SHA256(secret, id + "." + timestamp + "." + body)>`. docs/integration.md.
 */

export const FANOUT_TASK = 'webhook_fanout';
export const DELIVER_TASK = 'webhook_deliver';

export type SubscriptionView = {
  id: string;
  url: string;
  eventTypes: string[];
  agencyIds: string[] | null;
  procedureIds: string[] | null;
  createdAt: string;
};

type SubscriptionRow = {
  id: string;
  url: string;
  event_types: string[];
  agency_ids: string[] | null;
  procedure_ids: string[] | null;
  created_at: Date;
};

const subscriptionView = (r: SubscriptionRow): SubscriptionView => ({
  id: r.id,
  url: r.url,
  eventTypes: r.event_types,
  agencyIds: r.agency_ids,
  procedureIds: r.procedure_ids,
  createdAt: r.created_at.toISOString(),
});

const SUB_COLUMNS = ['id', 'url', 'event_types', 'agency_ids', 'procedure_ids', 'created_at'] as const;

export type SubscribeInput = {
  url: string;
  eventTypes?: string[];
  agencyIds?: string[] | null;
  procedureIds?: string[] | null;
};

/** A new signing secret, Standard Webhooks style: `whsec_` + base64 of 32 random bytes. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Subscribe; the signing secret is returned here once. */
export async function subscribe(
  db: Db,
  client: ClientActor,
  input: SubscribeInput,
  config: Config,
): Promise<SubscriptionView & { secret: string }> {
  try {
    await checkTargetUrl(input.url, config.webhookAllowPrivate);
  } catch (err) {
    if (!(err instanceof OutboundRefused)) throw err;
    throw new Problem('webhook_url_refused', {
      detail: { vi: `Địa chỉ không được chấp nhận: ${err.message}`, en: `URL refused: ${err.message}` },
      extra: { field: 'url' },
    });
  }
  const agencyIds = input.agencyIds ?? null;
  if (agencyIds?.length) {
    const rows = await agenciesById(db, agencyIds);
    const inScope = rows.filter((r) => client.agencyPaths.some((root) => r.path.startsWith(root)));
    if (inScope.length !== new Set(agencyIds).size) {
      throw new Problem('validation_failed', {
        detail: {
          vi: 'Chỉ được lọc theo cơ quan trong phạm vi của hệ thống kết nối',
          en: 'Agency filters must lie within the client’s scope',
        },
        extra: { field: 'agencyIds' },
      });
    }
  }
  const procedureIds = input.procedureIds ?? null;
  if (procedureIds && client.procedureIds !== null && procedureIds.some((p) => !client.procedureIds!.includes(p))) {
    throw new Problem('validation_failed', {
      detail: {
        vi: 'Chỉ được lọc theo thủ tục trong phạm vi của hệ thống kết nối',
        en: 'Procedure filters must lie within the client’s scope',
      },
      extra: { field: 'procedureIds' },
    });
  }
  const secret = newSecret();
  const row = await db
    .insertInto('webhook_subscriptions')
    .values({
      client_id: client.clientId,
      url: input.url,
      secret,
      event_types: [...new Set(input.eventTypes ?? [])],
      agency_ids: agencyIds,
      procedure_ids: procedureIds,
    })
    .returning(SUB_COLUMNS)
    .executeTakeFirstOrThrow();
  return { ...subscriptionView(row), secret };
}

export async function listSubscriptions(db: Db, clientId: string): Promise<SubscriptionView[]> {
  const rows = await db
    .selectFrom('webhook_subscriptions')
    .select(SUB_COLUMNS)
    .where('client_id', '=', clientId)
    .where('deleted_at', 'is', null)
    .orderBy('created_at')
    .execute();
  return rows.map(subscriptionView);
}

export async function unsubscribe(db: Db, clientId: string, id: string): Promise<void> {
  const r = await db
    .updateTable('webhook_subscriptions')
    .set({ deleted_at: new Date() })
    .where('id', '=', id)
    .where('client_id', '=', clientId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new Problem('not_found');
}

// ------------------------------------------------------------------------------------ signing

/** Standard Webhooks signature of one delivery attempt: `v1,<base64 HMAC-SHA256>`. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

// ------------------------------------------------------------------------------------ fan-out

type SubscriberRow = {
  id: string;
  event_types: string[];
  agency_ids: string[] | null;
  procedure_ids: string[] | null;
  client_id: string;
  client_agency_ids: string[];
  client_procedure_ids: string[] | null;
};

/** Task `webhook_fanout`: a `dossier.event` outbox message → one delivery per matching subscription. */
export async function fanOutDossierEvent(payload: unknown, ctx: JobContext): Promise<void> {
  const job = payload as OutboxJobPayload;
  const m = job.message as OutboxDossierPayload;
  if (typeof m.dossierId !== 'string' || typeof m.version !== 'number') return;
  const { db } = ctx;
  const found = await dossierBasics(db, m.dossierId);
  if (!found) return;
  const dossier = { ...found, procedure_code: await procedureCode(db, found.procedure_id) };
  const subscribers = await db
    .selectFrom('webhook_subscriptions as s')
    .innerJoin('api_clients as c', 'c.id', 's.client_id')
    .select([
      's.id',
      's.event_types',
      's.agency_ids',
      's.procedure_ids',
      'c.id as client_id',
      'c.agency_ids as client_agency_ids',
      'c.procedure_ids as client_procedure_ids',
    ])
    .where('s.deleted_at', 'is', null)
    .where('c.active', '=', true)
    .where(sql<boolean>`'events:subscribe' = ANY(c.scopes)`)
    .execute();
  if (subscribers.length === 0) return;
  const event = dossierCloudEvent(
    m,
    { procedureId: dossier.procedure_id, procedureCode: dossier.procedure_code },
    ctx.config.publicUrl,
  );
  const record = { agencyPaths: await dossierAgencyPaths(db, m.dossierId), procedureId: dossier.procedure_id };
  const wantedIds = [...new Set(subscribers.flatMap((s) => [...s.client_agency_ids, ...(s.agency_ids ?? [])]))];
  const paths = new Map(wantedIds.length === 0 ? [] : (await agenciesById(db, wantedIds)).map((a) => [a.id, a.path]));
  const pathsOf = (ids: string[]) => ids.map((id) => paths.get(id)).filter((p): p is string => p !== undefined);
  const matching = subscribers.filter((s) => matches(s, event, record, pathsOf));
  if (matching.length === 0) return;
  await db.transaction().execute(async (tx) => {
    const created = await tx
      .insertInto('webhook_deliveries')
      .values(
        matching.map((s) => ({
          subscription_id: s.id,
          event_id: event.id,
          event_type: event.type,
          dossier_id: m.dossierId,
          event: JSON.stringify(event),
          next_attempt_at: new Date(),
        })),
      )
      .onConflict((oc) => oc.columns(['subscription_id', 'event_id']).doNothing())
      .returning('id')
      .execute();
    for (const d of created) await scheduleJob(tx, DELIVER_TASK, `webhook:${d.id}`, { deliveryId: d.id }, new Date());
  });
}

function matches(
  s: SubscriberRow,
  event: CloudEvent,
  record: { agencyPaths: string[]; procedureId: string },
  pathsOf: (ids: string[]) => string[],
): boolean {
  // The client's own scope first (the authorization rule of core/authz.ts), then the filters.
  const client: Actor = {
    kind: 'client',
    clientId: s.client_id,
    scopes: ['events:subscribe'],
    agencyPaths: pathsOf(s.client_agency_ids),
    procedureIds: s.client_procedure_ids,
  };
  if (!canSeeRecord(client, record)) return false;
  if (s.event_types.length > 0 && !s.event_types.includes(event.type)) return false;
  if (s.procedure_ids !== null && !s.procedure_ids.includes(record.procedureId)) return false;
  if (s.agency_ids !== null) {
    const roots = pathsOf(s.agency_ids);
    if (!record.agencyPaths.some((p) => roots.some((r) => p.startsWith(r)))) return false;
  }
  return true;
}

// ------------------------------------------------------------------------------------ delivery

type DeliverJob = { deliveryId: string; replay?: boolean };

/** Task `webhook_deliver`: one signed POST; success, a scheduled retry, or failed for good. */
export async function deliverWebhook(payload: unknown, ctx: JobContext, now = () => new Date()): Promise<void> {
  const { deliveryId, replay } = payload as DeliverJob;
  const { db, config } = ctx;
  const d = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_subscriptions as s', 's.id', 'd.subscription_id')
    .innerJoin('api_clients as c', 'c.id', 's.client_id')
    .select(['d.id', 'd.status', 'd.attempts', 'd.event', 's.url', 's.secret', 's.deleted_at', 'c.active'])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
  if (d?.status !== 'pending') return;
  if (d.deleted_at !== null || !d.active) {
    await db
      .updateTable('webhook_deliveries')
      .set({ status: 'failed', last_error: 'subscription deleted or client revoked', next_attempt_at: null })
      .where('id', '=', d.id)
      .execute();
    return;
  }
  const event = d.event as CloudEvent;
  const body = serializeCloudEvent(event);
  const timestamp = Math.floor(now().getTime() / 1000);
  let status: number | null = null;
  let error: string | null = null;
  try {
    const res = await postBody(
      d.url,
      body,
      {
        'content-type': 'application/cloudevents+json; charset=utf-8',
        'user-agent': 'motcua-webhooks/1',
        'webhook-id': event.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(d.secret, event.id, timestamp, body),
      },
      { timeoutMs: config.outboundTimeoutMs, allowPrivate: config.webhookAllowPrivate },
    );
    status = res.status;
    if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}: ${res.body.slice(0, 300)}`;
  } catch (err) {
    error = (err as Error).message.slice(0, 500);
  }
  const attempts = d.attempts + 1;
  await db.transaction().execute(async (tx) => {
    if (error === null) {
      await tx
        .updateTable('webhook_deliveries')
        .set({
          status: 'delivered',
          attempts,
          last_status_code: status,
          last_error: null,
          delivered_at: now(),
          next_attempt_at: null,
        })
        .where('id', '=', d.id)
        .execute();
      return;
    }
    const giveUp = replay === true || attempts >= config.deliveryMaxAttempts;
    const next = giveUp ? null : new Date(now().getTime() + retryDelayMs(attempts, config.deliveryRetryBaseMs));
    await tx
      .updateTable('webhook_deliveries')
      .set({
        status: giveUp ? 'failed' : 'pending',
        attempts,
        last_status_code: status,
        last_error: error,
        next_attempt_at: next,
      })
      .where('id', '=', d.id)
      .execute();
    if (next) await scheduleJob(tx, DELIVER_TASK, `webhook:${d.id}`, { deliveryId: d.id }, next);
  });
}

export type DeliveryView = {
  id: string;
  subscriptionId: string;
  clientId: string;
  url: string;
  eventId: string;
  eventType: string;
  dossierId: string | null;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
};

export async function listDeliveries(
  db: Db,
  filter: { clientId?: string; subscriptionId?: string; status?: 'pending' | 'delivered' | 'failed'; limit: number },
): Promise<DeliveryView[]> {
  let q = db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_subscriptions as s', 's.id', 'd.subscription_id')
    .select([
      'd.id',
      'd.subscription_id',
      's.client_id',
      's.url',
      'd.event_id',
      'd.event_type',
      'd.dossier_id',
      'd.status',
      'd.attempts',
      'd.last_status_code',
      'd.last_error',
      'd.next_attempt_at',
      'd.created_at',
      'd.delivered_at',
    ])
    .orderBy('d.created_at', 'desc')
    .limit(filter.limit);
  if (filter.clientId) q = q.where('s.client_id', '=', filter.clientId);
  if (filter.subscriptionId) q = q.where('d.subscription_id', '=', filter.subscriptionId);
  if (filter.status) q = q.where('d.status', '=', filter.status);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    subscriptionId: r.subscription_id,
    clientId: r.client_id,
    url: r.url,
    eventId: r.event_id,
    eventType: r.event_type,
    dossierId: r.dossier_id,
    status: r.status,
    attempts: r.attempts,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    deliveredAt: r.delivered_at?.toISOString() ?? null,
  }));
}

/**
 * Deliver again now; the receiver deduplicates by `webhook-id`. A failed or delivered delivery gets
 * one attempt; a pending one just has its next attempt brought forward (its retries go on).
 */
export async function replayDelivery(db: Db, id: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const before = await tx
      .selectFrom('webhook_deliveries')
      .select('status')
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw new Problem('not_found');
    await tx
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', next_attempt_at: new Date() })
      .where('id', '=', id)
      .execute();
    const job = before.status === 'pending' ? { deliveryId: id } : { deliveryId: id, replay: true };
    await scheduleJob(tx, DELIVER_TASK, `webhook:${id}`, job, new Date());
  });
}
