import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_BUSINESSES, type DemoBusiness } from '../../seed/demo-residents.ts';
import { flatHeaders } from './population.simulator.ts';
import { delayedAnswers } from './simulator-kit.ts';

/**
 * A local stand-in for the NGSP business registry (NATIONAL-SYSTEMS.md §5.2): an HTTP server on
 * 127.0.0.1 with the token endpoint (`POST /token`, Basic consumer key:secret, form
 * grant_type=client_credentials) and `GET /apiCSDLDKDN/1.0/chiTietDoanhNghiep?msdn=` answering the demo businesses
 * as `Data.MainInformation.NAME`, `Data.Representatives[].FULL_NAME`, `Data.HOAdress`. Records every
 * request and can be told to be slow or to fail (tests).
 */

export type BusinessSimulatorRequest = {
  /** `token` or `chiTietDoanhNghiep` (or the path, for anything else). */
  operation: string;
  taxCode?: string;
  headers: Record<string, string>;
};

export type BusinessRegistrySimulator = {
  /** API base: the adapter calls `${url}/chiTietDoanhNghiep`. */
  url: string;
  tokenUrl: string;
  requests: BusinessSimulatorRequest[];
  /** Answer lookups after this many milliseconds (timeouts in tests). */
  delayMs: number;
  /** Answer the next n lookups with HTTP 500. */
  failNext: number;
  close(): Promise<void>;
};

/** The API base path as on NGSP (§5.2), so the adapter's joining of base and path is exercised. */
const BASE = '/apiCSDLDKDN/1.0';

/** The answer body for one business; the field set beyond §5.2's three is ours (inferred). */
function detail(b: DemoBusiness) {
  return {
    Data: {
      MainInformation: { ENTERPRISE_CODE: b.taxCode, NAME: b.name },
      Representatives: [{ FULL_NAME: b.legalRepresentativeName }],
      HOAdress: b.headOfficeAddress,
    },
  };
}

export async function startBusinessRegistrySimulator(
  opts: { port?: number; businesses?: DemoBusiness[]; consumer?: { key: string; secret: string } } = {},
): Promise<BusinessRegistrySimulator> {
  const businesses = opts.businesses ?? DEMO_BUSINESSES;
  const issued = new Set<string>();
  const sim = { requests: [] as BusinessSimulatorRequest[], delayMs: 0, failNext: 0 };

  const answers = delayedAnswers(() => sim.delayMs);
  const json = (res: http.ServerResponse, status: number, body: unknown, delayed = false) =>
    answers.send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), delayed);

  const token = (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
    sim.requests.push({ operation: 'token', headers: flatHeaders(req) });
    if (new URLSearchParams(raw).get('grant_type') !== 'client_credentials') {
      return json(res, 400, { error: 'unsupported_grant_type' });
    }
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [key, secret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
    if (!key || (opts.consumer && (key !== opts.consumer.key || secret !== opts.consumer.secret))) {
      return json(res, 401, { error: 'invalid_client' });
    }
    const value = `ngsp-${randomUUID()}`;
    issued.add(value);
    json(res, 200, { access_token: value, scope: 'default', token_type: 'Bearer', expires_in: 3600 });
  };

  const lookup = (req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams) => {
    const taxCode = query.get('msdn') ?? undefined;
    sim.requests.push({ operation: 'chiTietDoanhNghiep', ...(taxCode ? { taxCode } : {}), headers: flatHeaders(req) });
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !issued.has(bearer)) return json(res, 401, { error: 'invalid_token' });
    if (sim.failNext > 0) {
      sim.failNext--;
      return json(res, 500, { Message: 'Hệ thống đang bận, vui lòng thử lại sau' }, true);
    }
    if (!taxCode) return json(res, 400, { Message: 'Thiếu mã số doanh nghiệp (msdn)' }, true);
    const b = businesses.find((x) => x.taxCode === taxCode);
    // Unknown code: 200 without Data (inferred; the real registry's not-found shape is not in §5.2).
    json(res, 200, b ? detail(b) : { Data: null, Message: 'Không tìm thấy doanh nghiệp' }, true);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'POST' && u.pathname === '/token') {
        return token(req, res, Buffer.concat(chunks).toString('utf8'));
      }
      if (req.method === 'GET' && u.pathname === `${BASE}/chiTietDoanhNghiep`) return lookup(req, res, u.searchParams);
      sim.requests.push({ operation: u.pathname, headers: flatHeaders(req) });
      json(res, 404, { Message: 'Không có dịch vụ này' });
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', () => resolve()));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return Object.assign(sim, {
    url: `http://127.0.0.1:${port}${BASE}`,
    tokenUrl: `http://127.0.0.1:${port}/token`,
    close: () =>
      new Promise<void>((resolve) => {
        answers.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
