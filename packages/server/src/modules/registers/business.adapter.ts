import {
  type BusinessRecord,
  type BusinessRegister,
  httpText,
  type RegisterOutcome,
  type RegisterRequestContext,
  readTokenAnswer,
  TokenCache,
  withDeadline,
} from './registers.types.ts';

/**
 * CSDL đăng ký doanh nghiệp (national business registry) over NGSP: `GET {url}/chiTietDoanhNghiep?msdn=`
 * with a bearer token from a client-credentials grant authorised by HTTP Basic consumer key and
 * secret (NATIONAL-SYSTEMS.md §5.2). Fails soft like the population adapter: every failure is an
 * outcome, never a throw; nothing is logged.
 */

export type BusinessRegisterOptions = {
  /** API base, e.g. `https://api.ngsp.gov.vn/apiCSDLDKDN/1.0` (§5.2); configuration. */
  url: string;
  /** Token endpoint; default `<origin of url>/token` (inferred: the NGSP gateway's OAuth2 endpoint). */
  tokenUrl?: string;
  consumerKey: string;
  consumerSecret: string;
  /** Whole lookup deadline (token + call); 10 s as for the population DB. */
  timeoutMs?: number;
  fetch?: typeof fetch;
};

/** Mã số doanh nghiệp: 10 digits, or 10-3 for a branch or dependent unit. */
export const TAX_CODE = /^\d{10}(-\d{3})?$/;

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string =>
  typeof v === 'string' ? v.trim().normalize('NFC') : typeof v === 'number' ? String(v) : '';

/**
 * HOAdress: a string in the answers OpenCPS reads (§5.2); an object in others (inferred). From an
 * object, a full-text field if there is one, else its text parts joined in order.
 */
export function headOfficeText(v: unknown): string {
  if (!isObj(v)) return str(v);
  const full = Object.entries(v).find(([k, x]) => /full|text/i.test(k) && str(x) !== '');
  if (full) return str(full[1]);
  return Object.values(v)
    .map(str)
    .filter((s) => s !== '')
    .join(', ');
}

/** Classify the JSON answer of chiTietDoanhNghiep. */
export function readBusinessAnswer(status: number, text: string, taxCode: string): RegisterOutcome<BusinessRecord> {
  if (status === 401 || status === 403) return { ok: false, reason: 'refused', detail: `HTTP ${status}` };
  if (status === 404) return { ok: false, reason: 'not_found' };
  if (status < 200 || status > 299) return { ok: false, reason: 'unavailable', detail: `HTTP ${status}` };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'invalid_response', detail: 'answer is not JSON' };
  }
  if (!isObj(body)) return { ok: false, reason: 'invalid_response', detail: 'answer is not an object' };
  // An unknown code answers without Data (or Data without MainInformation) (inferred: not in §5.2).
  const data = body.Data;
  if (!isObj(data) || data.MainInformation === undefined || data.MainInformation === null) {
    return { ok: false, reason: 'not_found' };
  }
  const main = data.MainInformation;
  const name = isObj(main) ? str(main.NAME) : '';
  if (!name) return { ok: false, reason: 'invalid_response', detail: 'MainInformation without NAME' };
  const reps = Array.isArray(data.Representatives) ? data.Representatives : [];
  return {
    ok: true,
    record: {
      taxCode,
      name,
      headOfficeAddress: headOfficeText(data.HOAdress),
      legalRepresentatives: reps
        .map((r) => (isObj(r) ? str(r.FULL_NAME) : ''))
        .filter((n) => n !== '')
        .map((fullName) => ({ fullName })),
    },
  };
}

export class HttpBusinessRegister implements BusinessRegister {
  private readonly url: string;
  private readonly tokenUrl: string;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly tokens: TokenCache;

  constructor(opts: BusinessRegisterOptions) {
    this.url = opts.url.replace(/\/+$/, '');
    this.tokenUrl = opts.tokenUrl ?? new URL('/token', opts.url).href;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.fetchFn = opts.fetch ?? fetch;
    const basic = Buffer.from(`${opts.consumerKey}:${opts.consumerSecret}`, 'utf8').toString('base64');
    this.tokens = new TokenCache(async (signal) => {
      const res = await httpText(
        this.fetchFn,
        this.tokenUrl,
        {
          method: 'POST',
          headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials',
        },
        signal,
      );
      return readTokenAnswer(res.status, res.text);
    });
  }

  // The context is not sent: chiTietDoanhNghiep takes only msdn (§5.2); the caller logs it.
  async findBusiness(taxCode: string, _ctx: RegisterRequestContext): Promise<RegisterOutcome<BusinessRecord>> {
    const code = taxCode.trim();
    if (!TAX_CODE.test(code)) return { ok: false, reason: 'not_found', detail: 'not a tax code (10 or 10-3 digits)' };
    return withDeadline(this.timeoutMs, async (signal) => {
      for (let attempt = 0; ; attempt++) {
        const token = await this.tokens.get(signal);
        const res = await httpText(
          this.fetchFn,
          `${this.url}/chiTietDoanhNghiep?msdn=${encodeURIComponent(code)}`,
          { method: 'GET', headers: { authorization: `Bearer ${token.value}`, accept: 'application/json' } },
          signal,
        );
        // A cached token refused once is dropped and fetched again (revoked or expired early).
        if (res.status === 401 && token.cached && attempt === 0) {
          this.tokens.drop(token.value);
          continue;
        }
        return readBusinessAnswer(res.status, res.text, code);
      }
    });
  }
}
