import { CLIENT_SCOPES } from '@motcua/core';
import { z } from 'zod';
import { IM_CLIENT } from '../govstack/govstack.schemas.ts';

const text = (max: number) => z.string().trim().min(1).max(max);

export const IdParams = z.strictObject({ id: z.uuid() });

export const RegisterClientBody = z.strictObject({
  name: text(200),
  description: text(2000).nullable().optional(),
  scopes: z.array(z.enum(CLIENT_SCOPES)).min(1),
  agencyIds: z.array(z.uuid()).min(1).max(200),
  procedureIds: z.array(z.uuid()).max(2000).nullable().optional(),
  /** Information Mediator subsystems (INSTANCE/CLASS/MEMBER/SUBSYSTEM) it calls the GovStack facade as. */
  imSubsystems: z.array(z.string().trim().regex(IM_CLIENT, 'INSTANCE/CLASS/MEMBER/SUBSYSTEM')).max(20).optional(),
});

export const ClientView = z.object({
  clientId: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  scopes: z.array(z.enum(CLIENT_SCOPES)),
  agencyIds: z.array(z.string()),
  procedureIds: z.array(z.string()).nullable(),
  imSubsystems: z.array(z.string()),
  active: z.boolean(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

export const EVENT_TYPE = /^vn\.motcua\.dossier\.[a-z_]+$/;

export const SubscribeBody = z.strictObject({
  url: z.url().max(2000),
  eventTypes: z.array(z.string().regex(EVENT_TYPE, 'vn.motcua.dossier.<event>')).max(50).optional(),
  agencyIds: z.array(z.uuid()).min(1).max(200).nullable().optional(),
  procedureIds: z.array(z.uuid()).min(1).max(2000).nullable().optional(),
});

export const SubscriptionView = z.object({
  id: z.string(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  agencyIds: z.array(z.string()).nullable(),
  procedureIds: z.array(z.string()).nullable(),
  createdAt: z.string(),
});

const DeliveryStatus = z.enum(['pending', 'delivered', 'failed']);

export const DeliveryView = z.object({
  id: z.string(),
  subscriptionId: z.string(),
  clientId: z.string(),
  url: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  dossierId: z.string().nullable(),
  status: DeliveryStatus,
  attempts: z.int(),
  lastStatusCode: z.int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});

const limit = z.coerce.number().int().min(1).max(500).default(100);

export const DeliveryQuery = z.strictObject({
  clientId: z.uuid().optional(),
  subscriptionId: z.uuid().optional(),
  status: DeliveryStatus.optional(),
  limit,
});

export const ExchangeQuery = z.strictObject({
  clientId: z.uuid().optional(),
  dossierCode: text(100).optional(),
  limit,
});

export const ExchangeView = z.object({
  id: z.string(),
  at: z.string(),
  clientId: z.string(),
  requestId: z.string().nullable(),
  method: z.string(),
  path: z.string(),
  purpose: z.string().nullable(),
  dossierCode: z.string().nullable(),
  status: z.int(),
  requestHash: z.string(),
  responseHash: z.string(),
  hash: z.string(),
});

export const ChainReport = z.object({
  ok: z.boolean(),
  checked: z.int(),
  brokenId: z.string().optional(),
  reason: z.enum(['hash_mismatch', 'prev_hash_mismatch']).optional(),
});

export const PushQuery = z.strictObject({
  state: z.enum(['pending', 'sent', 'failed']).optional(),
  dossierId: z.uuid().optional(),
  limit,
});

export const PushView = z.object({
  id: z.string(),
  dossierId: z.string(),
  code: z.string(),
  version: z.int(),
  statusCode: z.int().nullable(),
  state: z.enum(['pending', 'sent', 'failed']),
  attempts: z.int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});

/** A dossier submitted on the national portal (DongBoHoSoMC-like field names; docs/integration.md). */
export const PortalSubmissionBody = z.strictObject({
  MaHoSo: z
    .string()
    .trim()
    .regex(/^[\w.-]{4,60}$/),
  MaTTHC: z
    .string()
    .trim()
    .regex(/^[0-9][.][0-9]{6}$/),
  MaDonVi: text(60).optional(),
  ChuHoSo: text(300),
  LoaiDoiTuong: z.union([z.literal(1), z.literal(2)]),
  MaDoiTuong: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z-]{6,20}$/)
    .optional(),
  SoDienThoai: z
    .string()
    .trim()
    .regex(/^\+?[0-9 .-]{8,20}$/)
    .optional(),
  Email: z.email().optional(),
  DiaChi: text(500).optional(),
  DuLieuBieuMau: z.record(z.string(), z.unknown()).optional(),
  NgayNopHoSo: z.string().optional(),
  GhiChu: text(1000).optional(),
});
