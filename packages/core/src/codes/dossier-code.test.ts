import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localDateOf } from '../calendar/dates.ts';
import type { DossierCodeContext, DossierCodePattern } from './dossier-code.ts';
import {
  DEFAULT_DOSSIER_CODE_PATTERN,
  DossierCodePatternError,
  defaultDossierCodePattern,
  formatDossierCode,
  parseDossierCode,
  parsePattern,
  validatePattern,
} from './dossier-code.ts';

const H30 = '000.00.00.H30';
const ctx = (iso: string, agencyCode = H30, procedureCode = '1.011442.000.00.00.H38'): DossierCodeContext => ({
  agencyCode,
  procedureCode,
  receivedAt: new Date(iso),
});
const issueCodes = (p: string) => {
  const r = validatePattern(p);
  return r.ok ? [] : r.issues.map((i) => i.code);
};

describe('default pattern {agency}-{yyMMdd}-{seq:4} (Decree 118/2025 art. 28)', () => {
  const p = defaultDossierCodePattern();

  it('is the documented default', () => {
    expect(p.source).toBe(DEFAULT_DOSSIER_CODE_PATTERN);
    expect(p.scope).toEqual({ period: 'day', perAgency: true, perProcedure: false });
    expect(p.seqWidth).toBe(4);
  });

  it('23:59 local on 05/03/2026 (16:59Z) is dated 260305', () => {
    expect(formatDossierCode(ctx('2026-03-05T16:59:00Z'), 1)).toBe('000.00.00.H30-260305-0001');
  });

  it('00:01 local on 06/03/2026 (17:01Z the day before in UTC) is dated 260306', () => {
    expect(formatDossierCode(ctx('2026-03-05T17:01:00Z'), 1)).toBe('000.00.00.H30-260306-0001');
  });

  it('New Year: 31/12/2025 16:59:59.999Z is still 2025, 17:00Z is 2026', () => {
    expect(p.format(ctx('2025-12-31T16:59:59.999Z'), 37)).toBe('000.00.00.H30-251231-0037');
    expect(p.format(ctx('2025-12-31T17:00:00Z'), 1)).toBe('000.00.00.H30-260101-0001');
  });

  it('the sequence has at least 4 digits and grows past 9999', () => {
    const c = ctx('2026-03-05T02:00:00Z');
    expect(p.format(c, 42)).toBe('000.00.00.H30-260305-0042');
    expect(p.format(c, 9999)).toBe('000.00.00.H30-260305-9999');
    expect(p.format(c, 10000)).toBe('000.00.00.H30-260305-10000');
    expect(p.format(c, 123456)).toBe('000.00.00.H30-260305-123456');
    expect(parseDossierCode('000.00.00.H30-260305-10000')).toEqual({
      ok: true,
      value: { agencyCode: H30, year: 2026, month: 3, day: 5, date: '2026-03-05', seq: 10000, scopeKey: p.scopeKey(c) },
    });
  });

  it('the national portal code is used for dossiers filed there', () => {
    expect(formatDossierCode(ctx('2026-07-01T01:00:00Z', '000.00.00.G22'), 5)).toBe('000.00.00.G22-260701-0005');
  });

  it('scope keys: same key within the local day, a new key at local midnight, per agency', () => {
    const morning = p.scopeKey(ctx('2026-03-05T00:30:00Z')); // 07:30 local
    expect(morning).toBe('agency=000.00.00.H30|date=260305');
    expect(p.scopeKey(ctx('2026-03-04T17:00:00Z'))).toBe(morning); // 00:00 local
    expect(p.scopeKey(ctx('2026-03-05T16:59:00Z'))).toBe(morning); // 23:59 local
    expect(p.scopeKey(ctx('2026-03-05T17:01:00Z'))).toBe('agency=000.00.00.H30|date=260306');
    expect(p.scopeKey(ctx('2026-03-05T00:30:00Z', '000.00.04.G14'))).not.toBe(morning);
    // The procedure does not matter for the default pattern.
    expect(p.scopeKey(ctx('2026-03-05T00:30:00Z', H30, 'other'))).toBe(morning);
  });

  it('parses a code back into agency, date and sequence', () => {
    expect(parseDossierCode(' 000.00.00.H30-260305-0042 ')).toMatchObject({
      ok: true,
      value: { agencyCode: H30, date: '2026-03-05', seq: 42 },
    });
  });

  it('rejects malformed codes', () => {
    expect(parseDossierCode('000.00.00.H30-260305-042')).toEqual({ ok: false, reason: 'format' });
    expect(parseDossierCode('000.00.00.H30-2603050-0042')).toEqual({ ok: false, reason: 'format' });
    expect(parseDossierCode('000.00.00 H30-260305-0042')).toEqual({ ok: false, reason: 'format' });
    expect(parseDossierCode('-260305-0042')).toEqual({ ok: false, reason: 'format' });
    expect(parseDossierCode('')).toEqual({ ok: false, reason: 'format' });
    expect(parseDossierCode('000.00.00.H30-260230-0001')).toEqual({ ok: false, reason: 'date' });
    expect(parseDossierCode('000.00.00.H30-261301-0001')).toEqual({ ok: false, reason: 'date' });
    expect(parseDossierCode('000.00.00.H30-260300-0001')).toEqual({ ok: false, reason: 'date' });
    expect(parseDossierCode('000.00.00.H30-260305-0000')).toEqual({ ok: false, reason: 'seq' });
    // Not canonical: a padded number beyond the width would be a second spelling of seq 42.
    expect(parseDossierCode('000.00.00.H30-260305-00042')).toEqual({ ok: false, reason: 'seq' });
  });

  it('accepts 29/02 only in leap years', () => {
    expect(parseDossierCode('000.00.00.H30-280229-0001').ok).toBe(true);
    expect(parseDossierCode('000.00.00.H30-270229-0001')).toEqual({ ok: false, reason: 'date' });
  });

  it('rejects bad input to format', () => {
    const c = ctx('2026-03-05T02:00:00Z');
    for (const seq of [0, -1, 1.5, Number.NaN, 2 ** 53]) expect(() => p.format(c, seq)).toThrow(RangeError);
    expect(() => p.format(ctx('2026-03-05T02:00:00Z', '000 00'), 1)).toThrow(RangeError);
    expect(() => p.format(ctx('2026-03-05T02:00:00Z', ''), 1)).toThrow(RangeError);
    expect(() => p.format(ctx('2026-03-05T02:00:00Z', 'H30-1'), 1)).toThrow(RangeError);
    expect(() => p.format(ctx('not a date'), 1)).toThrow(RangeError);
    expect(() => p.scopeKey(ctx('not a date'))).toThrow(RangeError);
  });
});

describe('configurable patterns (RULES.md §9)', () => {
  it('{procedure}.{yyyy}.{seq:6}: yearly counter per procedure', () => {
    const p = parsePattern('{procedure}.{yyyy}.{seq:6}');
    expect(p.scope).toEqual({ period: 'year', perAgency: false, perProcedure: true });
    const c = ctx('2026-03-05T02:00:00Z');
    expect(p.format(c, 1)).toBe('1.011442.000.00.00.H38.2026.000001');
    expect(p.scopeKey(c)).toBe('procedure=1.011442.000.00.00.H38|date=2026');
    expect(p.scopeKey(ctx('2026-12-31T16:59:00Z'))).toBe(p.scopeKey(c));
    expect(p.scopeKey(ctx('2026-12-31T17:00:00Z'))).toBe('procedure=1.011442.000.00.00.H38|date=2027');
    // The agency does not matter: it is not shown.
    expect(p.scopeKey(ctx('2026-03-05T02:00:00Z', 'X'))).toBe(p.scopeKey(c));
    expect(parseDossierCode('1.011442.000.00.00.H38.2026.1234567', p)).toEqual({
      ok: true,
      value: { procedureCode: '1.011442.000.00.00.H38', year: 2026, seq: 1234567, scopeKey: p.scopeKey(c) },
    });
  });

  it('H17-{MM}{yy}-{seq:5}: monthly counter shared by all agencies', () => {
    const p = parsePattern('H17-{MM}{yy}-{seq:5}');
    expect(p.scope).toEqual({ period: 'month', perAgency: false, perProcedure: false });
    expect(p.format(ctx('2026-03-05T02:00:00Z'), 12)).toBe('H17-0326-00012');
    expect(p.scopeKey(ctx('2026-03-01T00:00:00Z'))).toBe('date=2603');
    expect(p.scopeKey(ctx('2026-03-31T16:59:00Z'))).toBe('date=2603');
    expect(p.scopeKey(ctx('2026-03-31T17:00:00Z'))).toBe('date=2604');
    expect(parseDossierCode('H17-0326-00012', p)).toEqual({
      ok: true,
      value: { year: 2026, month: 3, seq: 12, scopeKey: 'date=2603' },
    });
    expect(parseDossierCode('H17-1326-00012', p)).toEqual({ ok: false, reason: 'date' });
    expect(parseDossierCode('H18-0326-00012', 'H17-{MM}{yy}-{seq:5}')).toEqual({ ok: false, reason: 'format' });
  });

  it('a pattern without a date part counts forever', () => {
    const p = parsePattern('HS/{seq:7}');
    expect(p.scope).toEqual({ period: 'never', perAgency: false, perProcedure: false });
    expect(p.scopeKey(ctx('2026-03-05T02:00:00Z'))).toBe('*');
    expect(p.scopeKey(ctx('2030-01-01T02:00:00Z', 'other'))).toBe('*');
    expect(p.format(ctx('2026-03-05T02:00:00Z'), 3)).toBe('HS/0000003');
  });

  it('a counter per agency and procedure, daily, with separate date parts', () => {
    const p = parsePattern('{agency}-{procedure}-{dd}{MM}{yyyy}-{seq:3}');
    expect(p.scope).toEqual({ period: 'day', perAgency: true, perProcedure: true });
    const c = ctx('2026-03-05T02:00:00Z', 'H30', 'P.1');
    expect(p.format(c, 7)).toBe('H30-P.1-05032026-007');
    expect(p.scopeKey(c)).toBe('agency=H30|procedure=P.1|date=20260305');
    expect(p.parse('H30-P.1-05032026-007')).toMatchObject({ ok: true, value: { date: '2026-03-05', seq: 7 } });
  });

  it('needs a procedure code only when the pattern shows it', () => {
    const noProc = { agencyCode: H30, receivedAt: new Date('2026-03-05T02:00:00Z') };
    expect(formatDossierCode(noProc, 1)).toBe('000.00.00.H30-260305-0001');
    expect(() => parsePattern('{procedure}-{seq:4}').format(noProc, 1)).toThrow(RangeError);
  });

  it('sequence and date digits may touch when widths are fixed', () => {
    const p = parsePattern('{yy}{seq:4}');
    expect(p.format(ctx('2026-03-05T02:00:00Z'), 12345)).toBe('2612345');
    expect(p.parse('2612345')).toEqual({ ok: true, value: { year: 2026, seq: 12345, scopeKey: 'date=26' } });
  });
});

describe('pattern validation', () => {
  it('accepts the documented examples', () => {
    for (const p of [DEFAULT_DOSSIER_CODE_PATTERN, '{procedure}.{yyyy}.{seq:6}', 'H17-{MM}{yy}-{seq:5}', '{seq:1}']) {
      expect(validatePattern(p).ok, p).toBe(true);
    }
  });

  it.each([
    ['', 'empty'],
    ['{agency}-{yyMMdd}', 'seq_missing'],
    ['{seq:4}-{seq:4}', 'seq_repeated'],
    ['{agency}-{seq}', 'seq_width'],
    ['{agency}-{seq:0}', 'seq_width'],
    ['{agency}-{seq:13}', 'seq_width'],
    ['{agency}-{seq:x}', 'seq_width'],
    ['{agency}-{seq:4', 'unclosed_brace'],
    ['{agency-{seq:4}', 'unclosed_brace'],
    ['{agency}}-{seq:4}', 'stray_brace'],
    ['{agncy}-{seq:4}', 'unknown_token'],
    ['{YYYY}-{seq:4}', 'unknown_token'],
    ['{agency} {seq:4}', 'literal_char'],
    ['HỒSƠ-{seq:4}', 'literal_char'],
    ['{agency}-{agency}-{seq:4}', 'duplicate_token'],
    ['{yyyy}-{yy}-{seq:4}', 'duplicate_token'],
    ['{yyMMdd}-{MM}-{seq:4}', 'duplicate_token'],
    ['{dd}-{seq:4}', 'incomplete_date'],
    ['{MM}-{seq:4}', 'incomplete_date'],
    ['{yyyy}{dd}-{seq:4}', 'incomplete_date'],
    ['{agency}{seq:4}', 'ambiguous'],
    ['{seq:4}{agency}', 'ambiguous'],
    ['{agency}.{procedure}-{seq:4}', 'ambiguous'],
    ['{agency}.{seq:4}.{procedure}', 'ambiguous'],
    ['{agency}{yyMMdd}{seq:4}', 'ambiguous'],
  ])('%j → %s', (pattern, code) => {
    expect(issueCodes(pattern)).toContain(code);
  });

  it('parsePattern throws with every issue listed', () => {
    try {
      parsePattern('{foo}-{dd}');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DossierCodePatternError);
      const codes = (e as DossierCodePatternError).issues.map((i) => i.code);
      expect(codes).toEqual(['unknown_token', 'seq_missing', 'incomplete_date']);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Properties

const PATTERNS = [
  DEFAULT_DOSSIER_CODE_PATTERN,
  '{procedure}.{yyyy}.{seq:6}',
  'H17-{MM}{yy}-{seq:5}',
  '{agency}-{procedure}-{dd}{MM}{yyyy}-{seq:3}',
  '{agency}/{yyyy}/{seq:1}',
  '{seq:2}-{agency}.{yyMMdd}',
  'HS{seq:4}',
];
const codeValue = fc.stringMatching(/^[A-Za-z0-9._]{1,24}$/);
// yy is read back as 20yy, so keep receipts within 2000–2099 local time.
const receivedAt = fc.date({
  min: new Date('1999-12-31T17:00:00Z'),
  max: new Date('2099-12-31T16:59:59.999Z'),
  noInvalidDate: true,
});
const arbCtx = fc.record({ agencyCode: codeValue, procedureCode: codeValue, receivedAt });
const arbSeq = fc.oneof(fc.integer({ min: 1, max: 20000 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }));

describe('properties', () => {
  it.each(PATTERNS)('%s: format then parse round-trips', (source) => {
    const p = parsePattern(source);
    fc.assert(
      fc.property(arbCtx, arbSeq, (c, seq) => {
        const code = p.format(c, seq);
        const back = parseDossierCode(code, p);
        expect(back.ok).toBe(true);
        if (!back.ok) return;
        expect(back.value.seq).toBe(seq);
        expect(back.value.scopeKey).toBe(p.scopeKey(c));
        if (p.scope.perAgency) expect(back.value.agencyCode).toBe(c.agencyCode);
        if (p.scope.perProcedure) expect(back.value.procedureCode).toBe(c.procedureCode);
        const local = localDateOf(c.receivedAt);
        if (p.scope.period === 'day') expect(back.value.date).toBe(local);
        if (p.scope.period !== 'never') expect(back.value.year).toBe(Number(local.slice(0, 4)));
        expect(p.format(c, seq)).toBe(code); // deterministic
      }),
    );
  });

  it('default pattern: within one local day the key is constant, across days it differs', () => {
    const p = defaultDossierCodePattern();
    fc.assert(
      fc.property(arbCtx, receivedAt, (c, other) => {
        const same = localDateOf(c.receivedAt) === localDateOf(other);
        expect(p.scopeKey(c) === p.scopeKey({ ...c, receivedAt: other })).toBe(same);
      }),
    );
  });

  // Small domains make coincidences likely: agency codes that are prefixes/suffixes of each other,
  // dates sharing parts, sequence numbers around the padding width.
  const AGENCIES = ['A', 'A.1', '1', '10', '1.0', '0001', '000.00.00.H30', '00.00.H30'];
  const DATES = ['2026-03-05T02:00:00Z', '2026-03-06T02:00:00Z', '2026-04-05T02:00:00Z', '2027-03-05T02:00:00Z'].map(
    (d) => new Date(d),
  );
  const SEQS = [1, 2, 10, 100, 999, 1000, 1001, 10000, 100000, 1000000];

  function assertNoCollision(p: DossierCodePattern): void {
    const seen = new Map<string, string>();
    for (const agencyCode of AGENCIES) {
      for (const procedureCode of AGENCIES) {
        for (const at of DATES) {
          const c = { agencyCode, procedureCode, receivedAt: at };
          const key = p.scopeKey(c);
          for (const seq of SEQS) {
            const code = p.format(c, seq);
            const id = `${key}#${seq}`;
            const prev = seen.get(code);
            if (prev !== undefined && prev !== id) {
              throw new Error(`pattern ${p.source}: code ${code} issued for both ${prev} and ${id}`);
            }
            seen.set(code, id);
          }
        }
      }
    }
  }

  it.each(PATTERNS)('%s: distinct (scope key, seq) never give the same code', (source) => {
    assertNoCollision(parsePattern(source));
  });

  it('any pattern that validates is collision-free and round-trips', () => {
    const piece = fc.constantFrom(
      '{agency}',
      '{procedure}',
      '{yyyy}',
      '{yy}',
      '{MM}',
      '{dd}',
      '{yyMMdd}',
      '-',
      '.',
      '/',
      '_',
      'H',
      '1',
      '0',
    );
    const arbPattern = fc
      .tuple(fc.array(piece, { maxLength: 5 }), fc.integer({ min: 1, max: 6 }), fc.array(piece, { maxLength: 5 }))
      .map(([before, width, after]) => `${before.join('')}{seq:${width}}${after.join('')}`);
    let valid = 0;
    fc.assert(
      fc.property(arbPattern, (source) => {
        const r = validatePattern(source);
        if (!r.ok) return;
        valid++;
        assertNoCollision(r.pattern);
        for (const agencyCode of AGENCIES) {
          const c = { agencyCode, procedureCode: agencyCode, receivedAt: DATES[0]! };
          const back = r.pattern.parse(r.pattern.format(c, 1000));
          expect(back.ok && back.value.seq === 1000 && back.value.scopeKey === r.pattern.scopeKey(c)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
    expect(valid).toBeGreaterThan(50);
  });
});
