/**
 * The lookup password (mật khẩu tra cứu) printed on the receipt next to a QR code (RULES.md §9),
 * so that the applicant can follow the dossier without an account. docs/dossier-codes.md §5.
 *
 * The secret is short and typeable: 8 characters from an alphabet without the look-alikes 0/O,
 * 1/I/L (31 symbols, about 39.6 bits). Randomness is passed in (the server uses
 * `crypto.randomBytes(LOOKUP_SECRET_RANDOM_BYTES)`), so this module stays pure. The server stores
 * only a hash of the normalized secret and rate-limits lookups.
 */

/** Digits 2–9 and the letters A–Z without I, L and O. */
export const LOOKUP_SECRET_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const LOOKUP_SECRET_LENGTH = 8;
/** Random bytes `generateLookupSecret` needs: 128 bits, so reducing them to 8 symbols is unbiased in practice. */
export const LOOKUP_SECRET_RANDOM_BYTES = 16;

const BASE = BigInt(LOOKUP_SECRET_ALPHABET.length);

/**
 * A new lookup secret, e.g. `K7MX4QPA`, from at least 16 random bytes. The bytes are read as one
 * big number and written in base 31; the bias of reducing a 128-bit number modulo 31^8 is below
 * 2^-88.
 */
export function generateLookupSecret(randomBytes: Uint8Array, length: number = LOOKUP_SECRET_LENGTH): string {
  if (!Number.isInteger(length) || length < 4 || length > 16) throw new RangeError('length must be 4–16');
  // Each symbol takes log2(31) < 5 bits; keep at least 64 spare bits.
  const needed = Math.max(LOOKUP_SECRET_RANDOM_BYTES, Math.ceil((length * 5 + 64) / 8));
  if (randomBytes.length < needed) throw new RangeError(`need at least ${needed} random bytes`);
  let n = 0n;
  for (const b of randomBytes) n = (n << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < length; i++) {
    out += LOOKUP_SECRET_ALPHABET[Number(n % BASE)];
    n /= BASE;
  }
  return out;
}

/**
 * The secret as typed by a person, in canonical form: upper case, without spaces, dashes, dots or
 * underscores (so `k7mx-4qpa` and `K7MX 4QPA` both give `K7MX4QPA`). Characters outside the
 * alphabet are kept, so a wrong secret stays wrong.
 */
export function normalizeLookupSecret(input: string): string {
  return input
    .normalize('NFKC')
    .replace(/[\s\-_.]/g, '')
    .toUpperCase();
}

/** Whether (after normalizing) the input has the shape of a lookup secret. */
export function isLookupSecret(input: string, length: number = LOOKUP_SECRET_LENGTH): boolean {
  const s = normalizeLookupSecret(input);
  return s.length === length && [...s].every((c) => LOOKUP_SECRET_ALPHABET.includes(c));
}

/** Printed form, in groups of four: `K7MX-4QPA`. */
export function formatLookupSecret(secret: string): string {
  return (normalizeLookupSecret(secret).match(/.{1,4}/g) ?? []).join('-');
}

/**
 * String equality whose running time depends only on the lengths, not on where the strings differ
 * (use it to compare hashes or secrets). Compares UTF-16 code units.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const len = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < len; i++) {
    // Out-of-range reads give NaN → 0; the length difference above already counts.
    diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  }
  return diff === 0;
}

/** Compares a typed secret with the issued one, normalizing both, in constant time. */
export function lookupSecretsEqual(typed: string, issued: string): boolean {
  return constantTimeEqual(normalizeLookupSecret(typed), normalizeLookupSecret(issued));
}

/**
 * The URL the receipt's QR code encodes: `<baseUrl>/tra-cuu?ma=<code>&mk=<secret>`, each value
 * URL-encoded. `baseUrl` is the public portal (http or https), with or without a trailing slash.
 */
export function receiptQrPayload(input: { code: string; secret: string; baseUrl: string }): string {
  const base = input.baseUrl.trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/i.test(base)) {
    throw new RangeError(`baseUrl '${input.baseUrl}' must be an http(s) URL without query or fragment`);
  }
  const code = input.code.trim();
  if (!code) throw new RangeError('code is empty');
  const secret = normalizeLookupSecret(input.secret);
  if (!secret) throw new RangeError('secret is empty');
  return `${base}/tra-cuu?ma=${encodeURIComponent(code)}&mk=${encodeURIComponent(secret)}`;
}
