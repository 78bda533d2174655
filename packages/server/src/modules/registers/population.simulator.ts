import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DEMO_RESIDENTS, type DemoResident, type RegisterAddress } from '../../seed/demo-residents.ts';
import { escapeXml, SOAPENV_NS } from './population.adapter.ts';
import { delayedAnswers } from './simulator-kit.ts';

/**
 * A local stand-in for the national population DB behind the provincial LGSP (NATIONAL-SYSTEMS.md
 * §7, §5.2): an HTTP server on 127.0.0.1 with the LGSP token endpoint (`POST /token`) and the SOAP
 * endpoint (`POST /dancu`; the real path is configuration, §0.1). It answers TraCuuThongTinCongDan
 * (CongdanCollection/CongDan) and XacThucThongTinCongDan (KetQuaXacThuc/TonTai) from the demo
 * residents, records every request, and can be told to be slow or to fail (tests).
 */

/** Namespace of the answer elements (§7). */
export const DANCU_NS = 'http://www.mic.gov.vn/dancu/1.0';

export type SimulatorRequest = {
  /** `token`, the SOAP operation, or `unknown` when the body could not be read. */
  operation: string;
  personalId?: string;
  headers: Record<string, string>;
  /** The operation's child elements in the order sent (SOAP requests only). */
  keys?: string[];
  /** Their text values (NgayThangNamSinh as its NgayThangNam). */
  fields?: Record<string, string>;
};

export type PopulationSimulator = {
  url: string;
  tokenUrl: string;
  requests: SimulatorRequest[];
  /** Answer SOAP requests after this many milliseconds (timeouts in tests). */
  delayMs: number;
  /** Answer the next n SOAP requests with a SOAP Fault and HTTP 500. */
  failNext: number;
  close(): Promise<void>;
};

/** preserveOrder keeps the keys' order, which the register cares about (§7). */
const orderedParser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  preserveOrder: true,
});

type Ordered = Record<string, unknown>[];
const tagOf = (n: Record<string, unknown>) => Object.keys(n).find((k) => k !== ':@' && k !== '#text');
const childrenOf = (nodes: Ordered, tag: string): Ordered | undefined => {
  const n = nodes.find((x) => tagOf(x) === tag);
  return n ? (n[tag] as Ordered) : undefined;
};
const textIn = (nodes: Ordered): string => {
  const t = nodes.find((x) => '#text' in x);
  if (t) return String(t['#text']).normalize('NFC');
  // NgayThangNamSinh wraps NgayThangNam (or Nam for a year, §7): take the inner text.
  const inner = nodes.find((x) => tagOf(x) !== undefined);
  return inner ? textIn(inner[tagOf(inner)!] as Ordered) : '';
};

/** The SOAP operation and its keys in order; undefined when the body is no SOAP envelope. */
function readRequest(xml: string): { operation: string; keys: string[]; fields: Record<string, string> } | undefined {
  if (XMLValidator.validate(xml) !== true) return undefined;
  const doc = orderedParser.parse(xml) as Ordered;
  const body = childrenOf(childrenOf(doc, 'Envelope') ?? [], 'Body');
  const opNode = body?.find((x) => tagOf(x) !== undefined);
  if (!opNode) return undefined;
  const operation = tagOf(opNode)!;
  const keys: string[] = [];
  const fields: Record<string, string> = {};
  for (const child of opNode[operation] as Ordered) {
    const k = tagOf(child);
    if (!k) continue;
    keys.push(k);
    fields[k] = textIn(child[k] as Ordered);
  }
  return { operation, keys, fields };
}

const el = (name: string, value: string) => `<dc:${name}>${escapeXml(value)}</dc:${name}>`;
const envelope = (inner: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAPENV_NS}"><soap:Body>${inner}</soap:Body></soap:Envelope>`;
const fault = (code: 'Client' | 'Server', message: string) =>
  envelope(
    `<soap:Fault><faultcode>soap:${code}</faultcode><faultstring>${escapeXml(message)}</faultstring></soap:Fault>`,
  );

const address = (tag: string, a: RegisterAddress) =>
  `<dc:${tag}>${el('MaTinhThanh', a.provinceCode)}${el('MaQuanHuyen', '')}${el('MaPhuongXa', a.communeCode)}${el('ChiTiet', a.detail)}</dc:${tag}>`;

/** One resident as CongDan (§7). Districts no longer exist, so MaQuanHuyen is empty (our choice). */
function congDan(r: DemoResident, all: DemoResident[]): string {
  const byId = (id: string | undefined) => (id ? all.find((x) => x.personalId === id) : undefined);
  const name = (n: string) => `<dc:HoVaTen>${el('Ten', n)}</dc:HoVaTen>`;
  const person = (tag: string, id: string | undefined) => {
    const p = byId(id);
    return p
      ? `<dc:${tag}>${name(p.fullName)}${el('QuocTich', p.nationality)}${el('SoDinhDanh', p.personalId)}</dc:${tag}>`
      : '';
  };
  const head = byId(r.householdHeadId);
  return (
    '<dc:CongDan>' +
    el('SoDinhDanh', r.personalId) +
    (r.oldIdCard ? el('SoCMND', r.oldIdCard) : '') +
    name(r.fullName) +
    `<dc:NgayThangNamSinh>${el('NgayThangNam', r.dateOfBirth.replaceAll('-', ''))}</dc:NgayThangNamSinh>` +
    el('GioiTinh', String(r.sex)) +
    el('QuocTich', r.nationality) +
    el('DanToc', r.ethnicity) +
    el('TonGiao', '00') +
    address('ThuongTru', r.permanentResidence) +
    address('NoiOHienTai', r.currentResidence) +
    el('NhomMau', '00') +
    el('TinhTrangHonNhan', String(r.maritalStatus)) +
    person('VoChong', r.spouseId) +
    person('Cha', r.fatherId) +
    person('Me', r.motherId) +
    el('SoSoHoKhau', r.householdNo) +
    `<dc:ChuHo>${name(head?.fullName ?? '')}${el('QuanHe', r.relationToHead)}${el('SoDinhDanh', r.householdHeadId)}</dc:ChuHo>` +
    '</dc:CongDan>'
  );
}

/** Names compare after NFC, case and spacing folded (inferred: the register's own rule is unknown). */
const fold = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('vi');

/**
 * The resident the keys designate. Every key given must match, so a wrong name or date of birth
 * reads as not found (inferred: that is how the real lookup answers).
 */
function match(residents: DemoResident[], f: Record<string, string>): DemoResident | undefined {
  const r = residents.find((x) => x.personalId === f.SoDinhDanh);
  if (!r) return undefined;
  if (f.HoVaTen && fold(f.HoVaTen) !== fold(r.fullName)) return undefined;
  const dob = f.NgayThangNamSinh;
  if (dob) {
    const own = r.dateOfBirth.replaceAll('-', '');
    // Year only (`<Nam>yyyy</Nam>`, §7) matches on the year.
    if (dob.length === 4 ? own.slice(0, 4) !== dob : own !== dob) return undefined;
  }
  return r;
}

/** A header that must be base64 of a JSON object with the four LGSP keys (§5.2). */
function validAccessHeader(value: string | undefined): boolean {
  if (!value) return false;
  try {
    const o = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as Record<string, unknown>;
    return ['AccessKey', 'SecretKey', 'AppName', 'PartnerCode'].every((k) => typeof o?.[k] === 'string');
  } catch {
    return false;
  }
}

export function flatHeaders(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export async function startPopulationSimulator(
  opts: { port?: number; residents?: DemoResident[]; token?: { clientId: string; clientSecret: string } } = {},
): Promise<PopulationSimulator> {
  const residents = opts.residents ?? DEMO_RESIDENTS;
  const issued = new Set<string>();
  const sim = { requests: [] as SimulatorRequest[], delayMs: 0, failNext: 0 };
  const answers = delayedAnswers(() => sim.delayMs);
  const send = (res: http.ServerResponse, status: number, body: string, type = 'text/xml; charset=utf-8') =>
    answers.send(res, status, type, body);

  const token = (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
    sim.requests.push({ operation: 'token', headers: flatHeaders(req) });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    const form = new URLSearchParams(raw);
    if (form.get('grant_type') !== 'client_credentials') return json(400, { error: 'unsupported_grant_type' });
    const header = req.headers.lgspaccesstoken;
    if (!validAccessHeader(Array.isArray(header) ? header[0] : header)) return json(401, { error: 'invalid_client' });
    if (
      opts.token &&
      (form.get('client_id') !== opts.token.clientId || form.get('client_secret') !== opts.token.clientSecret)
    ) {
      return json(401, { error: 'invalid_client' });
    }
    const value = `sim-${randomUUID()}`;
    issued.add(value);
    json(200, { access_token: value, token_type: 'Bearer', scope: 'default', expires_in: 3600 });
  };

  const soap = (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
    const parsed = readRequest(raw);
    const f = parsed?.fields ?? {};
    sim.requests.push({
      operation: parsed?.operation ?? 'unknown',
      ...(f.SoDinhDanh ? { personalId: f.SoDinhDanh } : {}),
      headers: flatHeaders(req),
      ...(parsed ? { keys: parsed.keys, fields: f } : {}),
    });
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const header = req.headers.lgspaccesstoken;
    if (!bearer || !issued.has(bearer) || !validAccessHeader(Array.isArray(header) ? header[0] : header)) {
      res.writeHead(401, { 'content-type': 'application/json; charset=utf-8' });
      return res.end(JSON.stringify({ error: 'invalid_token', message: 'Sai mã xác thực' }));
    }
    if (sim.failNext > 0) {
      sim.failNext--;
      return send(res, 500, fault('Server', 'Hệ thống đang bận, vui lòng thử lại sau'));
    }
    if (!parsed) return send(res, 500, fault('Client', 'Yêu cầu không đúng định dạng SOAP'));
    const missing = ['MaYeuCau', 'MaTichHop', 'SoDinhDanh'].filter((k) => !f[k]);
    if (missing.length > 0) return send(res, 500, fault('Client', `Thiếu thông tin bắt buộc: ${missing.join(', ')}`));
    const found = match(residents, f);
    if (parsed.operation === 'TraCuuThongTinCongDan') {
      const list = found ? congDan(found, residents) : '';
      return send(res, 200, envelope(`<dc:CongdanCollection xmlns:dc="${DANCU_NS}">${list}</dc:CongdanCollection>`));
    }
    if (parsed.operation === 'XacThucThongTinCongDan') {
      return send(
        res,
        200,
        envelope(
          `<dc:KetQuaXacThuc xmlns:dc="${DANCU_NS}">${el('TonTai', found ? 'true' : 'false')}</dc:KetQuaXacThuc>`,
        ),
      );
    }
    send(res, 500, fault('Client', `Không hỗ trợ dịch vụ ${parsed.operation}`));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'POST' && path === '/token') return token(req, res, raw);
      if (req.method === 'POST' && path === '/dancu') return soap(req, res, raw);
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Không có dịch vụ này');
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', () => resolve()));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return Object.assign(sim, {
    url: `http://127.0.0.1:${port}/dancu`,
    tokenUrl: `http://127.0.0.1:${port}/token`,
    close: () =>
      new Promise<void>((resolve) => {
        answers.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
