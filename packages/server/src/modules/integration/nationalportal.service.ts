import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import { agenciesById } from '../agencies/agencies.queries.ts';
import { handlingAgencyIds, publishedVersionByCode } from '../catalog/catalog.queries.ts';
import { dossierColumn, dossierForExchange, dossierHistory } from '../dossiers/dossier.queries.ts';
import type { Applicant, OutboxDossierPayload } from '../dossiers/dossier.store.ts';
import { submitDossier } from '../dossiers/dossier.submit.ts';
import type { JobContext } from '../jobs/jobs.types.ts';
import type { OutboxJobPayload } from '../outbox/outbox.relay.ts';
import type { ClientActor } from './clients.service.ts';
import {
  HttpNationalPortal,
  type NationalPortal,
  type PortalDossierRecord,
  parsePortalDate,
  portalChannel,
  portalDate,
  portalStatus,
} from './nationalportal.adapter.ts';
import { localNationalPortal } from './nationalportal.simulator.ts';
import { queueOf, retryDelayMs, scheduleJob } from './retry.ts';

/**
 * National portal synchronization. Out: every dossier event that changes the status becomes one
 * push row (unique per dossier and version) and one job; the job sends the dossier's record as it
 * is when the job runs, and the pushes of one dossier run one at a time (a named job queue), so
 * the last record the portal receives is never older than one it received before. Failures
 * are retried on retry.ts's schedule; the dossier's own transaction only wrote its outbox row.
 * In: dossiers submitted on the portal arrive through an API client and take the ordinary
 * submission path (channel online; the portal's MaHoSo is kept in national_portal_dossiers).
 */

export const SYNC_TASK = 'national_portal_sync';
export const PUSH_TASK = 'national_portal_push';

let override: NationalPortal | undefined;
/** Tests: use this adapter instead of the configured one. */
export function setNationalPortal(p: NationalPortal | undefined): void {
  override = p;
}

async function portalFor(config: Config): Promise<NationalPortal> {
  if (override) return override;
  if (config.nationalPortalUrl) {
    return new HttpNationalPortal({
      baseUrl: config.nationalPortalUrl,
      token: config.nationalPortalToken,
      timeoutMs: config.outboundTimeoutMs,
    });
  }
  const sim = await localNationalPortal();
  return new HttpNationalPortal({ baseUrl: sim.url, timeoutMs: config.outboundTimeoutMs });
}

/** Task `national_portal_sync`: a status-changing `dossier.event` becomes a push. */
export async function queueNationalPortalPush(payload: unknown, ctx: JobContext): Promise<void> {
  const m = (payload as OutboxJobPayload).message as OutboxDossierPayload;
  if (typeof m.dossierId !== 'string' || typeof m.version !== 'number') return;
  if (m.previousStatus === m.status || ctx.config.nationalPortalUrl === 'off') return;
  const code = portalStatus(m.status);
  // `closed` has no national code (docs/dossier-engine.md §6): not pushed until that is settled.
  if (code === null) return;
  const dossier = await dossierForExchange(ctx.db, m.dossierId);
  // Linked child dossiers (liên thông) are internal to the province: the parent is what the portal knows.
  if (!dossier || dossier.parent_dossier_id !== null) return;
  await ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('national_portal_pushes')
      .values({ dossier_id: m.dossierId, dossier_version: m.version, status_code: code })
      .onConflict((oc) => oc.columns(['dossier_id', 'dossier_version']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (row) {
      const queue = queueOf('national-portal', m.dossierId);
      await scheduleJob(tx, PUSH_TASK, `npush:${row.id}`, { pushId: row.id }, new Date(), queue);
    }
  });
}

/** The dossier's record as the portal receives it, built from the dossier row and its history. */
export async function portalRecordOf(
  db: Db,
  dossierId: string,
): Promise<{ unit: string; record: PortalDossierRecord }> {
  const found = await dossierForExchange(db, dossierId);
  if (!found) throw new Error(`dossier ${dossierId} not found`);
  const d = found;
  const history = await dossierHistory(db, dossierId);
  const applicant = d.applicant as Applicant;
  const record: PortalDossierRecord = {
    MaHoSo: d.code,
    MaTTHC: d.procedure_code,
    TenTTHC: d.procedure_name,
    MaLinhVuc: d.field_code,
    KenhThucHien: portalChannel(d.channel),
    ChuHoSo: d.applicant_name,
    LoaiDoiTuong: applicant.kind === 'organization' ? 2 : 1,
    MaDoiTuong: d.applicant_id_number,
    SoDienThoai: d.applicant_phone,
    Email: applicant.email ?? null,
    DiaChi: applicant.address ?? null,
    NgayNopHoSo: portalDate(d.submitted_at),
    NgayTiepNhan: portalDate(d.received_at),
    NgayHenTra: portalDate(d.due),
    TrangThaiHoSo: portalStatus(d.status) ?? 0,
    NgayKetThucXuLy: portalDate(d.result_at ?? d.finished_at),
    NgayTra: portalDate(d.returned_at),
    MaDonViTiepNhan: d.receiving_code,
    DonViXuLy: d.step_agency_name ?? d.receiving_name,
    QuaTrinhXuLy: history.map((e) => ({
      NguoiXuLy: e.actor_name,
      ThoiDiemXuLy: portalDate(e.at)!,
      PhongBanXuLy: e.agency_name,
      NoiDungXuLy: e.note ?? e.type,
      TrangThai: portalStatus(e.status_after),
    })),
  };
  return { unit: d.province_code, record };
}

/** Task `national_portal_push`: send the record; on failure schedule the next attempt or give up. */
export async function pushToNationalPortal(payload: unknown, ctx: JobContext): Promise<void> {
  const { pushId } = payload as { pushId: string };
  const { db, config } = ctx;
  const push = await db
    .selectFrom('national_portal_pushes')
    .select(['id', 'dossier_id', 'state', 'attempts'])
    .where('id', '=', pushId)
    .executeTakeFirst();
  if (push?.state !== 'pending') return;
  const { unit, record } = await portalRecordOf(db, push.dossier_id);
  let error: string | null = null;
  try {
    await (await portalFor(config)).pushDossier(unit, record);
  } catch (err) {
    error = (err as Error).message.slice(0, 500);
  }
  const attempts = push.attempts + 1;
  await db.transaction().execute(async (tx) => {
    if (error === null) {
      await tx
        .updateTable('national_portal_pushes')
        .set({ state: 'sent', attempts, last_error: null, sent_at: new Date(), payload: JSON.stringify(record) })
        .where('id', '=', push.id)
        .execute();
      return;
    }
    const giveUp = attempts >= config.deliveryMaxAttempts;
    await tx
      .updateTable('national_portal_pushes')
      .set({ state: giveUp ? 'failed' : 'pending', attempts, last_error: error })
      .where('id', '=', push.id)
      .execute();
    ctx.log('warning', `national portal push ${push.id} failed (attempt ${attempts}): ${error}`);
    if (!giveUp) {
      const next = new Date(Date.now() + retryDelayMs(attempts, config.deliveryRetryBaseMs));
      const queue = queueOf('national-portal', push.dossier_id);
      await scheduleJob(tx, PUSH_TASK, `npush:${push.id}`, { pushId: push.id }, next, queue);
    }
  });
}

export async function listPushes(
  db: Db,
  filter: { state?: 'pending' | 'sent' | 'failed'; dossierId?: string; limit: number },
) {
  let q = db
    .selectFrom('national_portal_pushes as p')
    .select([
      'p.id',
      'p.dossier_id',
      dossierColumn<string>('p.dossier_id', 'code').as('code'),
      'p.dossier_version',
      'p.status_code',
      'p.state',
      'p.attempts',
      'p.last_error',
      'p.created_at',
      'p.sent_at',
    ])
    .orderBy('p.id', 'desc')
    .limit(filter.limit);
  if (filter.state) q = q.where('p.state', '=', filter.state);
  if (filter.dossierId) q = q.where('p.dossier_id', '=', filter.dossierId);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    dossierId: r.dossier_id,
    code: r.code,
    version: r.dossier_version,
    statusCode: r.status_code,
    state: r.state,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at.toISOString(),
    sentAt: r.sent_at?.toISOString() ?? null,
  }));
}

// ------------------------------------------------------------------------------------ inbound

/** A dossier submitted on the national portal (DongBoHoSoMC-like field names). */
export type PortalSubmission = {
  MaHoSo: string;
  MaTTHC: string;
  MaDonVi?: string | undefined;
  ChuHoSo: string;
  LoaiDoiTuong: 1 | 2;
  MaDoiTuong?: string | undefined;
  SoDienThoai?: string | undefined;
  Email?: string | undefined;
  DiaChi?: string | undefined;
  DuLieuBieuMau?: Record<string, unknown> | undefined;
  NgayNopHoSo?: string | undefined;
  GhiChu?: string | undefined;
};

const outOfScope = () =>
  new Problem('insufficient_scope', {
    detail: {
      vi: 'Thủ tục hoặc cơ quan giải quyết nằm ngoài phạm vi của hệ thống kết nối',
      en: 'The procedure or handling agency is outside the client’s scope',
    },
  });

/**
 * Receive a dossier submitted on the portal: the ordinary submission (online channel, e-form
 * checked), on behalf of the applicant, by the client — once per MaHoSo (a repeat answers the
 * first result).
 */
export async function receivePortalSubmission(
  db: Db,
  client: ClientActor,
  input: PortalSubmission,
  ctx: CommandContext,
  opts: { codePattern: string; validateForm: (schema: unknown, data: unknown) => void },
): Promise<{ statusCode: number; body: Record<string, unknown>; replayed: boolean }> {
  const published = await publishedVersionByCode(db, input.MaTTHC);
  if (!published) throw new Problem('procedure_not_available');
  const procedure = { id: published.procedureId, version_id: published.versionId };
  if (client.procedureIds !== null && !client.procedureIds.includes(procedure.id)) throw outOfScope();
  const handlers = await agenciesById(db, await handlingAgencyIds(db, procedure.version_id));
  const handler = input.MaDonVi
    ? handlers.find((h) => h.code === input.MaDonVi)
    : handlers.length === 1
      ? handlers[0]
      : undefined;
  if (!handler) {
    throw new Problem('validation_failed', {
      detail: {
        vi: 'MaDonVi phải là một cơ quan giải quyết của thủ tục',
        en: 'MaDonVi must be one of the procedure’s handling agencies',
      },
      extra: { field: 'MaDonVi' },
    });
  }
  if (!client.agencyPaths.some((root) => handler.path.startsWith(root))) throw outOfScope();
  if (input.NgayNopHoSo !== undefined && parsePortalDate(input.NgayNopHoSo) === undefined) {
    throw new Problem('validation_failed', {
      detail: { vi: 'NgayNopHoSo phải có dạng yyyyMMddHHmmss', en: 'NgayNopHoSo must be yyyyMMddHHmmss' },
      extra: { field: 'NgayNopHoSo' },
    });
  }
  const r = await submitDossier(
    db,
    {
      procedureId: procedure.id,
      agencyId: handler.id,
      channel: 'online',
      applicant: {
        kind: input.LoaiDoiTuong === 2 ? 'organization' : 'citizen',
        name: input.ChuHoSo,
        idNumber: input.MaDoiTuong ?? null,
        phone: input.SoDienThoai ?? null,
        email: input.Email ?? null,
        address: input.DiaChi ?? null,
      },
      formData: input.DuLieuBieuMau ?? {},
      note: `Nộp qua Cổng Dịch vụ công quốc gia, mã ${input.MaHoSo}${input.GhiChu ? `: ${input.GhiChu}` : ''}`.slice(
        0,
        1000,
      ),
    },
    ctx,
    `national-portal:${input.MaHoSo}`,
    opts,
  );
  const body = r.body as { id: string; code: string };
  await db
    .insertInto('national_portal_dossiers')
    .values({ portal_code: input.MaHoSo, dossier_id: body.id, client_id: client.clientId })
    .onConflict((oc) => oc.column('portal_code').doNothing())
    .execute();
  return {
    statusCode: r.statusCode,
    body: { ...(r.body as Record<string, unknown>), MaHoSo: input.MaHoSo },
    replayed: r.replayed,
  };
}
