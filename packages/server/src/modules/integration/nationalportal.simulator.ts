import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DongBoHoSoMCRequest, PortalDossierRecord } from './nationalportal.adapter.ts';

/**
 * A local stand-in for the national portal's sync service: a small HTTP server on 127.0.0.1 that
 * speaks the adapter's JSON (`POST /DongBoHoSoMC`, bearer token when one is set), keeps the
 * latest record per dossier code and every push, and can be told to fail (tests). `npm start`
 * runs one when MOTCUA_NATIONAL_PORTAL_URL is unset; `GET /records` and `GET /records/:code` show
 * what it received.
 */
export type NationalPortalSimulator = {
  url: string;
  token: string | undefined;
  /** Latest record per MaHoSo. */
  records: Map<string, PortalDossierRecord>;
  /** Every accepted push, in order. */
  pushes: PortalDossierRecord[];
  /** Answer the next n pushes with HTTP 503. */
  failNext: number;
  /** Failed requests answered so far. */
  failures: number;
  close(): Promise<void>;
};

export async function startNationalPortalSimulator(
  opts: { port?: number; token?: string } = {},
): Promise<NationalPortalSimulator> {
  const sim = {
    token: opts.token,
    records: new Map<string, PortalDossierRecord>(),
    pushes: [] as PortalDossierRecord[],
    failNext: 0,
    failures: 0,
  };
  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (req.method === 'GET' && path === '/records') return send(res, 200, { data: [...sim.records.values()] });
      if (req.method === 'GET' && path.startsWith('/records/')) {
        const r = sim.records.get(decodeURIComponent(path.slice('/records/'.length)));
        return r ? send(res, 200, r) : send(res, 404, { error_code: '404', message: 'Không tìm thấy hồ sơ' });
      }
      if (req.method !== 'POST' || path !== '/DongBoHoSoMC') {
        return send(res, 404, { error_code: '404', message: 'Không có dịch vụ này' });
      }
      if (sim.token && req.headers.authorization !== `Bearer ${sim.token}`) {
        return send(res, 401, { error_code: '401', message: 'Sai mã xác thực' });
      }
      if (sim.failNext > 0) {
        sim.failNext--;
        sim.failures++;
        return send(res, 503, { error_code: '-1', message: 'Hệ thống đang bận' });
      }
      let body: DongBoHoSoMCRequest;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as DongBoHoSoMCRequest;
      } catch {
        return send(res, 400, { error_code: '-1', message: 'JSON không hợp lệ' });
      }
      if (body.service !== 'DongBoHoSoMC' || !Array.isArray(body.data) || body.data.length === 0) {
        return send(res, 400, { error_code: '-1', message: 'Thiếu dữ liệu' });
      }
      for (const r of body.data) {
        if (typeof r?.MaHoSo !== 'string' || typeof r.TrangThaiHoSo !== 'number') {
          return send(res, 400, { error_code: '-1', message: 'Thiếu MaHoSo hoặc TrangThaiHoSo' });
        }
      }
      for (const r of body.data) {
        sim.records.set(r.MaHoSo, r);
        sim.pushes.push(r);
      }
      send(res, 200, { error_code: '0', message: 'Thành công' });
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', () => resolve()));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return Object.assign(sim, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

let local: Promise<NationalPortalSimulator> | undefined;

/** The process's own simulator (embedded default), started on first use. */
export function localNationalPortal(): Promise<NationalPortalSimulator> {
  local ??= startNationalPortalSimulator();
  return local;
}
