import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  constantTimeEqual,
  formatLookupSecret,
  generateLookupSecret,
  isLookupSecret,
  LOOKUP_SECRET_ALPHABET,
  LOOKUP_SECRET_LENGTH,
  LOOKUP_SECRET_RANDOM_BYTES,
  lookupSecretsEqual,
  normalizeLookupSecret,
  receiptQrPayload,
} from './lookup-secret.ts';

const bytes = fc.uint8Array({ minLength: LOOKUP_SECRET_RANDOM_BYTES, maxLength: 32 });

describe('lookup secret', () => {
  it('the alphabet has no look-alikes and no repeats', () => {
    for (const c of '0O1IL') expect(LOOKUP_SECRET_ALPHABET).not.toContain(c);
    expect(new Set(LOOKUP_SECRET_ALPHABET).size).toBe(LOOKUP_SECRET_ALPHABET.length);
    expect(LOOKUP_SECRET_ALPHABET).toMatch(/^[2-9A-Z]+$/);
    expect(LOOKUP_SECRET_ALPHABET.length).toBe(31);
  });

  it('is deterministic in its random bytes', () => {
    expect(generateLookupSecret(new Uint8Array(16))).toBe('22222222');
    const b = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
    expect(generateLookupSecret(b)).toBe(generateLookupSecret(b));
    expect(generateLookupSecret(new Uint8Array(16).fill(255))).not.toBe('22222222');
  });

  it('needs enough random bytes and a sane length', () => {
    expect(() => generateLookupSecret(new Uint8Array(15))).toThrow(RangeError);
    expect(() => generateLookupSecret(new Uint8Array(16), 3)).toThrow(RangeError);
    expect(() => generateLookupSecret(new Uint8Array(16), 17)).toThrow(RangeError);
    expect(generateLookupSecret(new Uint8Array(16), 12)).toHaveLength(12);
  });

  it('property: secrets use only the alphabet and have the requested length', () => {
    fc.assert(
      fc.property(bytes, (b) => {
        const s = generateLookupSecret(b);
        expect(s).toHaveLength(LOOKUP_SECRET_LENGTH);
        for (const c of s) expect(LOOKUP_SECRET_ALPHABET).toContain(c);
        expect(isLookupSecret(s)).toBe(true);
      }),
    );
  });

  it('uses every symbol at every position (no stuck digits)', () => {
    const seen = Array.from({ length: LOOKUP_SECRET_LENGTH }, () => new Set<string>());
    let state = 12345;
    for (let n = 0; n < 3000; n++) {
      const b = Uint8Array.from({ length: 16 }, () => {
        state = (state * 1103515245 + 12345) >>> 0;
        return state >>> 24;
      });
      [...generateLookupSecret(b)].forEach((c, i) => {
        seen[i]!.add(c);
      });
    }
    for (const s of seen) expect(s.size).toBe(LOOKUP_SECRET_ALPHABET.length);
  });

  it('normalizes what people type', () => {
    expect(normalizeLookupSecret(' k7mx-4qpa ')).toBe('K7MX4QPA');
    expect(normalizeLookupSecret('K7MX 4QPA')).toBe('K7MX4QPA');
    expect(normalizeLookupSecret('k7mx_4q.pa')).toBe('K7MX4QPA');
    expect(normalizeLookupSecret('Ｋ７ＭＸ４ＱＰＡ')).toBe('K7MX4QPA'); // full-width input
    expect(formatLookupSecret('k7mx4qpa')).toBe('K7MX-4QPA');
    expect(isLookupSecret('k7mx-4qpa')).toBe(true);
    expect(isLookupSecret('K7MX4QP0')).toBe(false); // 0 is not in the alphabet
    expect(isLookupSecret('K7MX4QP')).toBe(false);
  });

  it('property: normalize undoes case changes, spaces and dashes, and the printed form', () => {
    const noise = fc.constantFrom('', ' ', '-', '  ', ' - ', '\t');
    fc.assert(
      fc.property(bytes, fc.array(fc.tuple(noise, fc.boolean()), { minLength: 8, maxLength: 8 }), (b, edits) => {
        const s = generateLookupSecret(b);
        const typed = [...s].map((c, i) => `${edits[i]![0]}${edits[i]![1] ? c.toLowerCase() : c}`).join('');
        expect(normalizeLookupSecret(typed)).toBe(s);
        expect(normalizeLookupSecret(formatLookupSecret(s))).toBe(s);
        expect(normalizeLookupSecret(normalizeLookupSecret(typed))).toBe(s);
        expect(lookupSecretsEqual(typed, s)).toBe(true);
      }),
    );
  });

  it('compares in constant time with the same answer as ===', () => {
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'ab')).toBe(false);
    expect(constantTimeEqual('ab', 'abc')).toBe(false);
    expect(constantTimeEqual('\u0000', '')).toBe(false);
    expect(lookupSecretsEqual('K7MX-4QPA', 'K7MX4QPB')).toBe(false);
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => constantTimeEqual(a, b) === (a === b)));
    fc.assert(fc.property(fc.string(), (a) => constantTimeEqual(a, a)));
  });
});

describe('receipt QR payload', () => {
  it('encodes the lookup URL', () => {
    expect(
      receiptQrPayload({
        code: '000.00.00.H30-260305-0001',
        secret: 'k7mx-4qpa',
        baseUrl: 'https://dichvucong.example.gov.vn/',
      }),
    ).toBe('https://dichvucong.example.gov.vn/tra-cuu?ma=000.00.00.H30-260305-0001&mk=K7MX4QPA');
  });

  it('keeps a base path and URL-encodes the code', () => {
    expect(receiptQrPayload({ code: 'HS/0000003', secret: 'ABCD2345', baseUrl: 'http://localhost:3000/motcua' })).toBe(
      'http://localhost:3000/motcua/tra-cuu?ma=HS%2F0000003&mk=ABCD2345',
    );
    expect(receiptQrPayload({ code: 'A&B=C?D', secret: 'ABCD2345', baseUrl: 'https://x.vn' })).toBe(
      'https://x.vn/tra-cuu?ma=A%26B%3DC%3FD&mk=ABCD2345',
    );
  });

  it('property: the payload decodes back to the code and normalized secret', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
        bytes,
        (code, b) => {
          const secret = generateLookupSecret(b);
          const url = receiptQrPayload({ code, secret: formatLookupSecret(secret), baseUrl: 'https://x.vn' });
          const q = new URL(url).searchParams;
          expect(q.get('ma')).toBe(code.trim());
          expect(q.get('mk')).toBe(secret);
        },
      ),
    );
  });

  it('rejects a bad base URL or empty values', () => {
    for (const baseUrl of ['', 'dichvucong.vn', 'ftp://x.vn', 'https://x.vn/?a=1', 'https://x.vn/#f', 'https://']) {
      expect(() => receiptQrPayload({ code: 'C', secret: 'ABCD2345', baseUrl }), baseUrl).toThrow(RangeError);
    }
    expect(() => receiptQrPayload({ code: ' ', secret: 'ABCD2345', baseUrl: 'https://x.vn' })).toThrow(RangeError);
    expect(() => receiptQrPayload({ code: 'C', secret: ' - ', baseUrl: 'https://x.vn' })).toThrow(RangeError);
  });
});
