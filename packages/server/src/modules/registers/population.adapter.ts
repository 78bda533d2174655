import { XMLParser, XMLValidator } from 'fast-xml-parser';
import {
  httpText,
  type PersonRecord,
  type PopulationRegister,
  type RegisterAddress,
  type RegisterOutcome,
  type RegisterRequestContext,
  type RelatedPerson,
  readTokenAnswer,
  TokenCache,
  withDeadline,
} from './registers.types.ts';

/**
 * CSDL quốc gia về dân cư (national population database) through the provincial LGSP: a SOAP 1.1
 * lookup `TraCuuThongTinCongDan` (NATIONAL-SYSTEMS.md §7), authorised by an LGSP bearer token and
 * the `lgspaccesstoken` header (§5.2). Fails soft: every failure is an outcome, never a throw, and
 * nothing personal is logged (nothing is logged at all; the caller logs the outcome).
 */

export const QLDC_NS = 'http://dancuquocgia.bca';
export const SOAPENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

export type PopulationRegisterOptions = {
  /** The LGSP adapter endpoint of the population DB service (configuration, §0.1). */
  url: string;
  /** LGSP token endpoint; default `<origin of url>/token` (§5.1 `{serverUrl}/token`; inferred for this service). */
  tokenUrl?: string;
  clientId: string;
  clientSecret: string;
  /** The four values of the lgspaccesstoken header (§5.2). */
  accessKey: string;
  secretKey: string;
  appName: string;
  partnerCode: string;
  /** PartnerCodeCus of the header; defaults to partnerCode (our choice: the source gives no meaning). */
  partnerCodeCus?: string;
  /** MaTichHop: the integration code the LGSP gave this system; `037` is the value seen in §7. */
  integrationCode?: string;
  /** Whole lookup (token + SOAP call) deadline; 10 s is OpenCPS's read timeout (§7). */
  timeoutMs?: number;
  fetch?: typeof fetch;
};

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** XML text escaping; characters XML 1.0 cannot carry at all (C0 controls but tab/LF/CR) are dropped. */
export function escapeXml(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffe || c === 0xffff) continue;
    out += XML_ESCAPES[ch] ?? ch;
  }
  return out;
}

/** `lgspaccesstoken`: base64 of the JSON {AccessKey, SecretKey, AppName, PartnerCode, PartnerCodeCus} (§5.2). */
export function lgspAccessToken(
  o: Pick<PopulationRegisterOptions, 'accessKey' | 'secretKey' | 'appName' | 'partnerCode' | 'partnerCodeCus'>,
): string {
  const json = JSON.stringify({
    AccessKey: o.accessKey,
    SecretKey: o.secretKey,
    AppName: o.appName,
    PartnerCode: o.partnerCode,
    PartnerCodeCus: o.partnerCodeCus ?? o.partnerCode,
  });
  return Buffer.from(json, 'utf8').toString('base64');
}

/**
 * The SOAP request: `<qldc:{operation}>` with MaYeuCau, MaDVC, MaTichHop, MaCanBo, SoDinhDanh first,
 * in that order (the newer OpenCPS variant: "Some key must order by this", §7), then HoVaTen and
 * NgayThangNamSinh{NgayThangNam yyyyMMdd}. MaYeuCau carries our request id (OpenCPS sends epoch ms;
 * our choice, so register and audit logs correlate). MaDonVi (the agency) follows only when known
 * (sent by a third-party client, §7; inferred to be accepted here).
 */
export function buildCitizenEnvelope(
  operation: 'TraCuuThongTinCongDan' | 'XacThucThongTinCongDan',
  q: { personalId: string; fullName?: string; dateOfBirth?: string },
  ctx: RegisterRequestContext,
  integrationCode: string,
): string {
  const el = (name: string, value: string) => `<qldc:${name}>${escapeXml(value)}</qldc:${name}>`;
  const parts = [
    el('MaYeuCau', ctx.requestId),
    el('MaDVC', ctx.serviceCode ?? ''),
    el('MaTichHop', integrationCode),
    el('MaCanBo', ctx.officerCode ?? ''),
    el('SoDinhDanh', q.personalId),
  ];
  if (q.fullName) parts.push(el('HoVaTen', q.fullName));
  if (q.dateOfBirth)
    parts.push(
      `<qldc:NgayThangNamSinh>${el('NgayThangNam', q.dateOfBirth.replaceAll('-', ''))}</qldc:NgayThangNamSinh>`,
    );
  if (ctx.agencyCode) parts.push(el('MaDonVi', ctx.agencyCode));
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soapenv:Envelope xmlns:soapenv="${SOAPENV_NS}" xmlns:qldc="${QLDC_NS}"><soapenv:Header/>` +
    `<soapenv:Body><qldc:${operation}>${parts.join('')}</qldc:${operation}></soapenv:Body></soapenv:Envelope>`
  );
}

/**
 * Namespaces stripped (the answer's namespace is http://www.mic.gov.vn/dancu/1.0, §7), every value
 * kept as a string (personal IDs and codes keep their leading zeros), numeric character references
 * decoded (`htmlEntities`: a server may send Vietnamese letters as &#7841;).
 */
export const soapParser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  htmlEntities: true,
});

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
/** Text of an element: a string, or the #text of an element that also has children. */
export function textOf(v: unknown): string {
  const x = first(v);
  if (typeof x === 'string') return x.trim().normalize('NFC');
  if (typeof x === 'number' || typeof x === 'boolean') return String(x);
  if (isNode(x) && typeof x['#text'] === 'string') return x['#text'].trim().normalize('NFC');
  return '';
}
/** HoVaTen is `<HoVaTen><Ten>…</Ten></HoVaTen>` in the answers §7 cites, plain text in others: accept both. */
const nameOf = (v: unknown): string => {
  const x = first(v);
  return isNode(x) && 'Ten' in x ? textOf(x.Ten) : textOf(x);
};

/** Parse a SOAP answer; undefined when it is not well-formed XML. */
export function parseSoap(text: string): Node | undefined {
  if (text.trim() === '' || XMLValidator.validate(text) !== true) return undefined;
  try {
    const doc = soapParser.parse(text) as unknown;
    return isNode(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** The SOAP Body, whether the root Envelope is kept or not (`Body…` or `Envelope.Body…`, §7). */
export function soapBody(doc: Node): Node | undefined {
  const env = isNode(doc.Envelope) ? doc.Envelope : doc;
  const body = first(env.Body);
  return isNode(body) ? body : body === '' ? {} : undefined;
}

function address(v: unknown): RegisterAddress {
  const a = isNode(first(v)) ? (first(v) as Node) : {};
  const district = textOf(a.MaQuanHuyen);
  return {
    provinceCode: textOf(a.MaTinhThanh),
    communeCode: textOf(a.MaPhuongXa),
    detail: textOf(a.ChiTiet),
    ...(district ? { districtCode: district } : {}),
  };
}

function relative(v: unknown): RelatedPerson | undefined {
  const r = first(v);
  if (!isNode(r)) return undefined;
  const fullName = nameOf(r.HoVaTen);
  if (!fullName) return undefined;
  const personalId = textOf(r.SoDinhDanh);
  return personalId ? { fullName, personalId } : { fullName };
}

const SEX = { '1': 'male', '2': 'female' } as const;
const MARITAL = { '1': 'single', '2': 'married', '3': 'divorced_or_widowed' } as const;

/** One CongDan → PersonRecord; undefined when a required field is missing or out of range. */
export function mapCitizen(c: Node): PersonRecord | undefined {
  const personalId = textOf(c.SoDinhDanh);
  const fullName = nameOf(c.HoVaTen);
  const dob = /^(\d{4})(\d{2})(\d{2})$/.exec(
    textOf(isNode(first(c.NgayThangNamSinh)) ? (first(c.NgayThangNamSinh) as Node).NgayThangNam : c.NgayThangNamSinh),
  );
  const sex = SEX[textOf(c.GioiTinh) as keyof typeof SEX];
  // An absent TinhTrangHonNhan reads as single (our choice: the register omits it for children).
  const marital = MARITAL[(textOf(c.TinhTrangHonNhan) || '1') as keyof typeof MARITAL];
  if (!/^\d{12}$/.test(personalId) || !fullName || !dob || !sex || !marital) return undefined;
  const oldIdCard = textOf(c.SoCMND);
  const householdNo = textOf(c.SoSoHoKhau);
  const head = isNode(first(c.ChuHo)) ? (first(c.ChuHo) as Node) : {};
  const father = relative(c.Cha);
  const mother = relative(c.Me);
  const spouse = relative(c.VoChong);
  return {
    personalId,
    ...(oldIdCard ? { oldIdCard } : {}),
    fullName,
    dateOfBirth: `${dob[1]}-${dob[2]}-${dob[3]}`,
    sex,
    nationality: textOf(c.QuocTich) || 'VN',
    ethnicity: textOf(c.DanToc),
    permanentResidence: address(c.ThuongTru),
    currentResidence: address(c.NoiOHienTai ?? c.ThuongTru),
    maritalStatus: marital,
    // ChuHo.QuanHe is the citizen's relation to the head (inferred from the field's place, §7).
    household: householdNo
      ? {
          number: householdNo,
          headName: nameOf(head.HoVaTen),
          headPersonalId: textOf(head.SoDinhDanh),
          relationToHead: textOf(head.QuanHe),
        }
      : null,
    ...(father ? { father } : {}),
    ...(mother ? { mother } : {}),
    ...(spouse ? { spouse } : {}),
  };
}

/** Classify an HTTP answer to TraCuuThongTinCongDan. */
export function readCitizenAnswer(status: number, text: string, personalId: string): RegisterOutcome<PersonRecord> {
  if (status === 401 || status === 403) return { ok: false, reason: 'refused', detail: `HTTP ${status}` };
  const doc = parseSoap(text);
  const body = doc && soapBody(doc);
  const fault = body && first(body.Fault);
  if (isNode(fault)) {
    const detail = `SOAP Fault ${textOf(fault.faultcode)}: ${textOf(fault.faultstring)}`.slice(0, 200);
    return { ok: false, reason: 'unavailable', detail };
  }
  if (status < 200 || status > 299) return { ok: false, reason: 'unavailable', detail: `HTTP ${status}` };
  if (!body) return { ok: false, reason: 'invalid_response', detail: 'not a SOAP envelope' };
  // CongdanCollection sits in Body, or in an operation response element inside it (inferred: both seen).
  let collection: unknown = body.CongdanCollection;
  for (const child of Object.values(body)) {
    if (collection !== undefined) break;
    if (isNode(first(child))) collection = (first(child) as Node).CongdanCollection;
  }
  if (collection === undefined) return { ok: false, reason: 'invalid_response', detail: 'no CongdanCollection' };
  const list = (isNode(first(collection)) ? [(first(collection) as Node).CongDan].flat() : []).filter(isNode);
  if (list.length === 0) return { ok: false, reason: 'not_found' };
  const citizen = list.find((c) => textOf(c.SoDinhDanh) === personalId) ?? list[0]!;
  const record = mapCitizen(citizen);
  return record ? { ok: true, record } : { ok: false, reason: 'invalid_response', detail: 'CongDan incomplete' };
}

export class HttpPopulationRegister implements PopulationRegister {
  private readonly opts: PopulationRegisterOptions;
  private readonly fetchFn: typeof fetch;
  private readonly tokenUrl: string;
  private readonly timeoutMs: number;
  private readonly accessHeader: string;
  private readonly tokens: TokenCache;

  constructor(opts: PopulationRegisterOptions) {
    this.opts = opts;
    this.fetchFn = opts.fetch ?? fetch;
    this.tokenUrl = opts.tokenUrl ?? new URL('/token', opts.url).href;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.accessHeader = lgspAccessToken(opts);
    this.tokens = new TokenCache(async (signal) => {
      // §5.2: form grant_type=client_credentials with the lgspaccesstoken header; client id and
      // secret in the form as the generic LGSP client sends them (§5.1).
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.opts.clientId,
        client_secret: this.opts.clientSecret,
      });
      const res = await httpText(
        this.fetchFn,
        this.tokenUrl,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', lgspaccesstoken: this.accessHeader },
          body: form.toString(),
        },
        signal,
      );
      return readTokenAnswer(res.status, res.text);
    });
  }

  async findCitizen(
    q: { personalId: string; fullName?: string; dateOfBirth?: string },
    ctx: RegisterRequestContext,
  ): Promise<RegisterOutcome<PersonRecord>> {
    // Keys the register could never match are answered here, without a request.
    if (!/^\d{12}$/.test(q.personalId)) return { ok: false, reason: 'not_found', detail: 'not a 12-digit personal ID' };
    if (q.dateOfBirth !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(q.dateOfBirth)) {
      return { ok: false, reason: 'not_found', detail: 'date of birth not yyyy-MM-dd' };
    }
    const envelope = buildCitizenEnvelope('TraCuuThongTinCongDan', q, ctx, this.opts.integrationCode ?? '037');
    return withDeadline(this.timeoutMs, async (signal) => {
      for (let attempt = 0; ; attempt++) {
        const token = await this.tokens.get(signal);
        const res = await httpText(
          this.fetchFn,
          this.opts.url,
          {
            method: 'POST',
            headers: {
              'content-type': 'application/xml',
              authorization: `Bearer ${token.value}`,
              lgspaccesstoken: this.accessHeader,
              soapaction: '""',
            },
            body: envelope,
          },
          signal,
        );
        // A cached token refused once is dropped and fetched again (revoked or expired early).
        if (res.status === 401 && token.cached && attempt === 0) {
          this.tokens.drop(token.value);
          continue;
        }
        return readCitizenAnswer(res.status, res.text, q.personalId);
      }
    });
  }
}
