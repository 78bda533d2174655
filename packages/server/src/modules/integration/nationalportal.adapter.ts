import { type DossierStatus, nationalStatusCode } from '@motcua/core';
import { postBody } from './outbound.ts';

/**
 * Cổng Dịch vụ công quốc gia (national public-service portal): the adapter that pushes a
 * dossier's record and status (service `DongBoHoSoMC`, "đồng bộ hồ sơ một cửa") — status codes
 * 1–10, channels 1–3, dates `yyyyMMddHHmmss` in Asia/Ho_Chi_Minh (RULES.md §7; QCVN 120:2019/BTTTT,
 * Circular 18/2019/TT-BTTTT — field names follow the payloads seen in public codebases, not
 * checked against the primary text). The real endpoint is configuration
 * (MOTCUA_NATIONAL_PORTAL_URL, MOTCUA_NATIONAL_PORTAL_TOKEN); without it, the local simulator
 * (nationalportal.simulator.ts) answers in the same JSON.
 */

/** One progress entry (quá trình xử lý). */
export type ProgressEntry = {
  NguoiXuLy: string | null;
  ThoiDiemXuLy: string;
  PhongBanXuLy: string | null;
  NoiDungXuLy: string;
  TrangThai: number | null;
};

/** The dossier record as DongBoHoSoMC carries it. */
export type PortalDossierRecord = {
  MaHoSo: string;
  MaTTHC: string | null;
  TenTTHC: string;
  MaLinhVuc: string;
  KenhThucHien: 1 | 2 | 3;
  ChuHoSo: string;
  LoaiDoiTuong: 1 | 2;
  MaDoiTuong: string | null;
  SoDienThoai: string | null;
  Email: string | null;
  DiaChi: string | null;
  NgayNopHoSo: string | null;
  NgayTiepNhan: string | null;
  NgayHenTra: string | null;
  TrangThaiHoSo: number;
  NgayKetThucXuLy: string | null;
  NgayTra: string | null;
  MaDonViTiepNhan: string;
  DonViXuLy: string | null;
  QuaTrinhXuLy: ProgressEntry[];
};

/** The request body: `{ service, madonvi, data: [record] }`; the answer `{ error_code: "0" }` on success. */
export type DongBoHoSoMCRequest = { service: 'DongBoHoSoMC'; madonvi: string; data: PortalDossierRecord[] };
export type PortalAnswer = { error_code: string; message?: string };

export interface NationalPortal {
  /** Push one dossier record; resolves when the portal accepted it, rejects otherwise. */
  pushDossier(unitCode: string, record: PortalDossierRecord): Promise<void>;
}

export class NationalPortalError extends Error {}

/** The HTTP implementation: POST `<base>/DongBoHoSoMC` with a bearer token. */
export class HttpNationalPortal implements NationalPortal {
  readonly baseUrl: string;
  readonly token: string | undefined;
  readonly timeoutMs: number;
  constructor(opts: { baseUrl: string; token?: string; timeoutMs: number }) {
    this.baseUrl = opts.baseUrl.replace(/\/$/, '');
    this.token = opts.token;
    this.timeoutMs = opts.timeoutMs;
  }
  async pushDossier(unitCode: string, record: PortalDossierRecord): Promise<void> {
    const body: DongBoHoSoMCRequest = { service: 'DongBoHoSoMC', madonvi: unitCode, data: [record] };
    const res = await postBody(
      `${this.baseUrl}/DongBoHoSoMC`,
      JSON.stringify(body),
      {
        'content-type': 'application/json; charset=utf-8',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      // The portal is configured by the operator, not by a client: private addresses are fine.
      { timeoutMs: this.timeoutMs, allowPrivate: true },
    );
    let answer: PortalAnswer | undefined;
    try {
      answer = JSON.parse(res.body) as PortalAnswer;
    } catch {
      answer = undefined;
    }
    if (res.status !== 200 || answer?.error_code !== '0') {
      throw new NationalPortalError(
        `national portal answered HTTP ${res.status}${answer?.message ? `: ${answer.message}` : ''}`.slice(0, 500),
      );
    }
  }
}

const VN_OFFSET_MS = 7 * 3_600_000;

/** `yyyyMMddHHmmss` in Asia/Ho_Chi_Minh (UTC+7 all year, no daylight saving). */
export function portalDate(d: Date | null): string | null {
  if (d === null) return null;
  return new Date(d.getTime() + VN_OFFSET_MS).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

/** Parse `yyyyMMddHHmmss` (Asia/Ho_Chi_Minh); undefined when malformed. */
export function parsePortalDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se] = m.map(Number) as number[];
  const ms = Date.UTC(y!, mo! - 1, d!, h!, mi!, se!) - VN_OFFSET_MS;
  const back = new Date(ms + VN_OFFSET_MS);
  if (back.getUTCMonth() !== mo! - 1 || back.getUTCDate() !== d!) return undefined;
  return new Date(ms);
}

/** Kênh thực hiện: 1 counter, 2 online, 3 public postal service. */
export function portalChannel(channel: 'online' | 'counter' | 'postal'): 1 | 2 | 3 {
  return channel === 'counter' ? 1 : channel === 'online' ? 2 : 3;
}

/** Trạng thái hồ sơ 1–10; null for `closed`, which has no code (docs/dossier-engine.md §6). */
export function portalStatus(status: string): number | null {
  return nationalStatusCode(status as DossierStatus);
}
