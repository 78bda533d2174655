import type { VerifiedIdentity } from '../../db/schema.ts';

/**
 * What the national SSO asserts about a person, read from its userinfo and ID token claims. The
 * claim names are those of the DVCQG SSO that OpenCPS consumes (../shared/domain/NATIONAL-SYSTEMS.md
 * §2): `LoaiTaiKhoan` (1 citizen, 2 business), `TechID`, `SoDinhDanh`, `SoCMND`, `HoVaTen`,
 * `MaSoThue`/`MaSoDoanhNghiep`, `TenDoanhNghiep`, `DiaChi`, `SoDienThoai`, `ThuDienTu`; `NgaySinh`
 * and `GioiTinh` are VNeID's extension (not read by OpenCPS). Everything here is pure.
 */
export type ClaimsProblem =
  /** A claim the account needs is missing or malformed (e.g. no 12-digit SoDinhDanh). */
  'identity_claims_invalid';

const str = (v: unknown): string | null => {
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return null;
  const t = v.normalize('NFC').trim().replace(/\s+/g, ' ');
  return t === '' ? null : t;
};

/** dd/MM/yyyy, yyyyMMdd or yyyy-MM-dd → ISO yyyy-MM-dd; anything else → null. */
export function isoDateOf(v: unknown): string | null {
  const s = str(v);
  if (!s) return null;
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s) ?? null;
  const [y, mo, d] = m
    ? [m[3], m[2], m[1]]
    : (/^(\d{4})-?(\d{2})-?(\d{2})$/.exec(s)?.slice(1) ?? [undefined, undefined, undefined]);
  if (!y || !mo || !d) return null;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  return date.getUTCMonth() === Number(mo) - 1 && date.getUTCDate() === Number(d) ? `${y}-${mo}-${d}` : null;
}

const personalIdOf = (v: unknown) => {
  const s = str(v);
  return s && /^\d{12}$/.test(s) ? s : null;
};

/** A tax code: 10 digits, or 10 digits, a hyphen and 3 (a branch). */
const taxCodeOf = (v: unknown) => {
  const s = str(v)?.replace(/\s/g, '');
  return s && /^\d{10}(-\d{3})?$/.test(s) ? s : null;
};

/**
 * The level of assurance of the sign-in (Decree 69/2024/NĐ-CP art. 12: mức độ 1, mức độ 2) from
 * the ID token's `acr`: `LoA2`, `2`, `urn:…:loa:2` all read as 2. Unknown: null (treated as none).
 */
export function assuranceLevelOf(acr: unknown): 1 | 2 | null {
  const s = str(acr);
  const digit = s ? /(\d)\s*$/.exec(s)?.[1] : undefined;
  return digit === '1' ? 1 : digit === '2' ? 2 : null;
}

/** Userinfo (and ID token) claims → the verified identity, or why not. */
export function verifiedIdentityFrom(claims: Record<string, unknown>): VerifiedIdentity | ClaimsProblem {
  const kind = str(claims.LoaiTaiKhoan);
  const personalId = personalIdOf(claims.SoDinhDanh);
  const sexCode = str(claims.GioiTinh);
  const common = {
    personalId,
    oldIdCard: str(claims.SoCMND),
    dateOfBirth: isoDateOf(claims.NgaySinh),
    sex: sexCode === '1' ? ('male' as const) : sexCode === '2' ? ('female' as const) : null,
    address: str(claims.DiaChi),
    phone: str(claims.SoDienThoai),
    email: str(claims.ThuDienTu),
  };
  if (kind === '2') {
    const taxCode = taxCodeOf(claims.MaSoThue) ?? taxCodeOf(claims.MaSoDoanhNghiep);
    const businessName = str(claims.TenDoanhNghiep);
    if (!taxCode || !businessName) return 'identity_claims_invalid';
    return {
      accountType: 'organization',
      ...common,
      // For a business account the person is its representative, who signed in.
      fullName: str(claims.HoVaTen) ?? businessName,
      taxCode,
      businessName,
    };
  }
  // A missing LoaiTaiKhoan is read as a citizen: officers' IdPs send no account type.
  if (kind !== '1' && kind !== null) return 'identity_claims_invalid';
  const fullName = str(claims.HoVaTen);
  if (!personalId || !fullName) return 'identity_claims_invalid';
  return { accountType: 'citizen', ...common, fullName, taxCode: null, businessName: null };
}
