/**
 * The national registers a form may read from (issue 17): the national population database
 * (CSDL quốc gia về dân cư, NATIONAL-SYSTEMS.md §7) and the national business registry
 * (CSDL đăng ký doanh nghiệp over NGSP, §5.2). These are the normalized records the rest of the
 * server sees; the adapters (population.adapter.ts, business.adapter.ts) translate the wire shapes.
 * At the end: the few runtime helpers both adapters use to honour RegisterOutcome.
 */

/** Address as the population DB gives it (ThuongTru / NoiOHienTai, §7). */
export type RegisterAddress = {
  /** MaTinhThanh. */
  provinceCode: string;
  /** MaPhuongXa: commune/ward code. */
  communeCode: string;
  /** ChiTiet: house number, street, residential group. */
  detail: string;
  /**
   * MaQuanHuyen, only when the register still sends one: districts were abolished on 1 July 2025,
   * so new records carry the province and commune only.
   */
  districtCode?: string;
};

/** A relative as the register names them (Cha, Me, VoChong). */
export type RelatedPerson = { fullName: string; personalId?: string };

/** A citizen as the population DB returns them (CongDan, §7). */
export type PersonRecord = {
  /** SoDinhDanh: 12-digit personal identification number, leading zeros kept. */
  personalId: string;
  /** SoCMND: old 9-digit identity card number. */
  oldIdCard?: string;
  /** HoVaTen, Unicode NFC. */
  fullName: string;
  /** ISO yyyy-MM-dd (NgayThangNamSinh.NgayThangNam is yyyyMMdd on the wire). */
  dateOfBirth: string;
  /** GioiTinh: 1 nam, 2 nữ. */
  sex: 'male' | 'female';
  /** QuocTich code (VN). */
  nationality: string;
  /** DanToc code (01 = Kinh). */
  ethnicity: string;
  permanentResidence: RegisterAddress;
  currentResidence: RegisterAddress;
  /** TinhTrangHonNhan: 1 chưa kết hôn, 2 có vợ/chồng, 3 ly hôn/góa. */
  maritalStatus: 'single' | 'married' | 'divorced_or_widowed';
  /** SoSoHoKhau and ChuHo; null when the register gives no household. */
  household: { number: string; headName: string; headPersonalId: string; relationToHead: string } | null;
  father?: RelatedPerson;
  mother?: RelatedPerson;
  spouse?: RelatedPerson;
};

/** An enterprise as the business registry returns it (chiTietDoanhNghiep, §5.2). */
export type BusinessRecord = {
  /** Mã số doanh nghiệp / mã số thuế (10 digits, or 10-3 for a branch). */
  taxCode: string;
  /** Data.MainInformation.NAME. */
  name: string;
  /** Data.HOAdress. */
  headOfficeAddress: string;
  /** Data.Representatives[].FULL_NAME. */
  legalRepresentatives: { fullName: string }[];
};

/** A register read never throws: it fails soft, so a form falls back to typing (issue 17). */
export type RegisterOutcome<T> =
  | { ok: true; record: T }
  | {
      ok: false;
      reason: 'not_found' | 'timeout' | 'unavailable' | 'invalid_response' | 'refused';
      /** For operators: HTTP status, fault code. Never personal data. */
      detail?: string;
    };

export type RegisterFailure = Extract<RegisterOutcome<unknown>, { ok: false }>;

/** Who asks and why: sent to the register (MaCanBo, MaDVC, GovAgencyCode…) and logged by the caller. */
export type RegisterRequestContext = {
  /** Sent as MaYeuCau (population DB). */
  requestId: string;
  /** Sent as MaCanBo. */
  officerCode?: string;
  /** Sent as MaDonVi when given. */
  agencyCode?: string;
  /** Sent as MaDVC (the public service's code). */
  serviceCode?: string;
};

export interface PopulationRegister {
  findCitizen(
    q: { personalId: string; fullName?: string; dateOfBirth?: string },
    ctx: RegisterRequestContext,
  ): Promise<RegisterOutcome<PersonRecord>>;
}

export interface BusinessRegister {
  findBusiness(taxCode: string, ctx: RegisterRequestContext): Promise<RegisterOutcome<BusinessRecord>>;
}

// ---------------------------------------------------------------------------------------------
// The fail-soft rules, shared by both adapters so that they time out and classify failures alike:
// they live beside the outcome type they produce.

/** Thrown inside a lookup, turned into its outcome by withDeadline. */
export class RegisterError extends Error {
  readonly failure: RegisterFailure;
  constructor(reason: RegisterFailure['reason'], detail?: string) {
    super(reason);
    this.failure = detail === undefined ? { ok: false, reason } : { ok: false, reason, detail };
  }
}

/**
 * Run a lookup under one deadline. Races the work against the timer as well as aborting it, so a
 * lookup returns on time even with an injected fetch that ignores the signal.
 */
export async function withDeadline<T>(
  timeoutMs: number,
  work: (signal: AbortSignal) => Promise<RegisterOutcome<T>>,
): Promise<RegisterOutcome<T>> {
  const ctrl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<RegisterOutcome<T>>((resolve) => {
    timer = setTimeout(() => {
      ctrl.abort();
      resolve({ ok: false, reason: 'timeout', detail: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
  });
  const run = work(ctrl.signal).catch((e: unknown): RegisterOutcome<T> => {
    if (e instanceof RegisterError) return e.failure;
    if (ctrl.signal.aborted) return { ok: false, reason: 'timeout', detail: `no answer within ${timeoutMs} ms` };
    // Only the error's name/code: a message may quote the request.
    const cause = (e as { cause?: { code?: unknown } } | null)?.cause?.code;
    return { ok: false, reason: 'unavailable', detail: String(cause ?? (e as Error)?.name ?? 'error') };
  });
  try {
    return await Promise.race([run, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A request whose body is read under the same signal (the deadline covers the whole answer). */
export async function httpText(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit,
  signal: AbortSignal,
): Promise<{ status: number; text: string }> {
  const res = await fetchFn(url, { ...init, signal, redirect: 'error' });
  return { status: res.status, text: await res.text() };
}

/** Read an OAuth2 token answer `{access_token, expires_in?}` (§5.1); failures as RegisterError. */
export function readTokenAnswer(status: number, text: string): { value: string; expiresInS?: number } {
  if (status === 401 || status === 403 || status === 400) throw new RegisterError('refused', `token HTTP ${status}`);
  if (status < 200 || status > 299) throw new RegisterError('unavailable', `token HTTP ${status}`);
  let body: { access_token?: unknown; expires_in?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new RegisterError('invalid_response', 'token answer is not JSON');
  }
  if (typeof body?.access_token !== 'string' || body.access_token === '') {
    throw new RegisterError('invalid_response', 'token answer without access_token');
  }
  const exp = Number(body.expires_in);
  return Number.isFinite(exp) && exp > 0 ? { value: body.access_token, expiresInS: exp } : { value: body.access_token };
}

/**
 * One cached bearer token, shared by concurrent lookups. Refreshed 5 min before expiry as the
 * Đồng Tháp LGSP client does (§5.2), or at half its life for short tokens. Without `expires_in`
 * (§5.1's answer has none) we assume one hour (our choice).
 */
export class TokenCache {
  private current: { value: string; refreshAt: number } | undefined;
  private inflight: Promise<string> | undefined;
  private readonly fetchToken: (signal: AbortSignal) => Promise<{ value: string; expiresInS?: number }>;
  constructor(fetchToken: (signal: AbortSignal) => Promise<{ value: string; expiresInS?: number }>) {
    this.fetchToken = fetchToken;
  }
  async get(signal: AbortSignal): Promise<{ value: string; cached: boolean }> {
    if (this.current && Date.now() < this.current.refreshAt) return { value: this.current.value, cached: true };
    this.inflight ??= this.fetchToken(signal)
      .then(({ value, expiresInS = 3600 }) => {
        const lifeMs = expiresInS * 1000;
        this.current = { value, refreshAt: Date.now() + lifeMs - Math.min(300_000, lifeMs / 2) };
        return value;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return { value: await this.inflight, cached: false };
  }
  /** Forget a token the service refused (revoked or expired early). */
  drop(value: string): void {
    if (this.current?.value === value) this.current = undefined;
  }
}
