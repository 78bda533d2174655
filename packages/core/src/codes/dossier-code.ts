/**
 * Dossier codes (mã hồ sơ), RULES.md §5 and §9; docs/dossier-codes.md.
 *
 * Decree 118/2025/NĐ-CP art. 28 and Circular 03/2025/TT-VPCP art. 13: the code is issued
 * automatically and consists of (a) the agency identifier code (the receiving one-stop unit's for
 * counter dossiers, the national portal's for dossiers filed there) and (b) the receipt date and
 * the day's sequence number, `<agency code>-YYMMDD-XXXX` (the shape of Circular 01/2018 art. 19),
 * the sequence having at least 4 digits. That is the default pattern here. Provinces may configure
 * other patterns (RULES.md §9), written in a small pattern language:
 *
 * - `{agency}` the agency identifier code, `{procedure}` the procedure code;
 * - `{yyyy}`, `{yy}`, `{MM}`, `{dd}`, `{yyMMdd}` parts of the local receipt date (Asia/Ho_Chi_Minh,
 *   fixed UTC+7);
 * - `{seq:N}` the counter, zero-padded to at least N digits, growing beyond N when needed;
 * - any other text (letters, digits, `.`, `_`, `-`, `/`) is copied literally.
 *
 * The counter scope is derived from the tokens: a counter key holds every rendered date part and
 * agency/procedure code the pattern shows, so two codes can only coincide if their keys and
 * sequence numbers coincide. No date part → the counter never resets; `{yyyy}`/`{yy}` → yearly;
 * plus `{MM}` → monthly; plus `{dd}` (or `{yyMMdd}`) → daily.
 *
 * Pure: no I/O, no clock.
 */
import { LOCAL_OFFSET_MS } from '../calendar/dates.ts';

/** The default pattern: Decree 118/2025 art. 28, Circular 01/2018 art. 19 shape. */
export const DEFAULT_DOSSIER_CODE_PATTERN = '{agency}-{yyMMdd}-{seq:4}';

/** Largest padding width accepted in `{seq:N}`. */
export const MAX_SEQ_WIDTH = 12;

/** Characters allowed in agency and procedure codes (e.g. `000.00.00.H30`, `1.011442.000.00.00.H38`). */
const CODE_VALUE_RE = /^[A-Za-z0-9._]+$/;
/** Characters allowed in literal text of a pattern. */
const LITERAL_CHAR_RE = /^[A-Za-z0-9._\-/]$/;

export type DossierCodeContext = {
  /** Identifier code of the receiving agency (or of the national portal for dossiers filed there). */
  agencyCode: string;
  /** Procedure code; needed only when the pattern shows `{procedure}`. */
  procedureCode?: string;
  /** Moment of receipt; its local date (UTC+7) is used. */
  receivedAt: Date;
};

export type DateTokenKind = 'yyyy' | 'yy' | 'MM' | 'dd' | 'yyMMdd';

export type PatternToken =
  | { kind: 'literal'; text: string }
  | { kind: 'agency' }
  | { kind: 'procedure' }
  | { kind: DateTokenKind }
  | { kind: 'seq'; width: number };

/** When the counter starts again at 1. */
export type CounterPeriod = 'day' | 'month' | 'year' | 'never';

export type CounterScope = {
  period: CounterPeriod;
  /** The counter is kept per agency. */
  perAgency: boolean;
  /** The counter is kept per procedure. */
  perProcedure: boolean;
};

export type PatternIssueCode =
  | 'empty'
  | 'unclosed_brace'
  | 'stray_brace'
  | 'unknown_token'
  | 'literal_char'
  | 'seq_missing'
  | 'seq_repeated'
  | 'seq_width'
  | 'duplicate_token'
  | 'incomplete_date'
  | 'ambiguous';

export type PatternIssue = { code: PatternIssueCode; message: string };

export type ParsedDossierCode = {
  seq: number;
  agencyCode?: string;
  procedureCode?: string;
  /** Full year; a two-digit year `yy` is read as 20yy. */
  year?: number;
  month?: number;
  day?: number;
  /** `yyyy-mm-dd` when the pattern shows a whole date. */
  date?: string;
  /** The counter key the code was issued under (same as `scopeKey` of its context). */
  scopeKey: string;
};

export type DossierCodeCheck =
  | { ok: true; value: ParsedDossierCode }
  | { ok: false; reason: 'format' | 'date' | 'seq' };

export type DossierCodePattern = {
  /** The pattern text. */
  source: string;
  tokens: readonly PatternToken[];
  scope: CounterScope;
  /** Minimum number of digits of the sequence. */
  seqWidth: number;
  /**
   * Key of the counter a dossier received in `ctx` draws from. The server keeps one counter row per
   * (pattern source, scope key). Keys are plain text such as `agency=000.00.00.H30|date=260305`, or
   * `*` for a pattern whose counter never resets and is shared by everyone.
   */
  scopeKey(ctx: DossierCodeContext): string;
  /** The code for sequence number `seq` (a positive safe integer). */
  format(ctx: DossierCodeContext, seq: number): string;
  /** Reverses `format`. */
  parse(code: string): DossierCodeCheck;
};

export class DossierCodePatternError extends Error {
  readonly issues: readonly PatternIssue[];
  constructor(source: string, issues: readonly PatternIssue[]) {
    super(`Invalid dossier code pattern '${source}': ${issues.map((i) => i.message).join('; ')}`);
    this.name = 'DossierCodePatternError';
    this.issues = issues;
  }
}

const DATE_TOKENS: Record<DateTokenKind, true> = { yyyy: true, yy: true, MM: true, dd: true, yyMMdd: true };

function isDateToken(kind: string): kind is DateTokenKind {
  return Object.hasOwn(DATE_TOKENS, kind);
}

/** Splits pattern text into tokens, collecting lexical issues. */
function tokenize(source: string, issues: PatternIssue[]): PatternToken[] {
  const tokens: PatternToken[] = [];
  let literal = '';
  const flush = () => {
    if (literal) tokens.push({ kind: 'literal', text: literal });
    literal = '';
  };
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '}') {
      issues.push({ code: 'stray_brace', message: `unexpected '}' at position ${i}` });
      i++;
      continue;
    }
    if (ch !== '{') {
      if (!LITERAL_CHAR_RE.test(ch)) {
        issues.push({
          code: 'literal_char',
          message: `character '${ch}' at position ${i} is not allowed (letters, digits, '.', '_', '-', '/')`,
        });
      }
      literal += ch;
      i++;
      continue;
    }
    const close = source.indexOf('}', i + 1);
    const nextOpen = source.indexOf('{', i + 1);
    if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
      issues.push({ code: 'unclosed_brace', message: `'{' at position ${i} is not closed` });
      i++;
      continue;
    }
    const name = source.slice(i + 1, close);
    flush();
    const seq = /^seq(?::(.*))?$/.exec(name);
    if (seq) {
      const width = seq[1] === undefined ? Number.NaN : Number(seq[1]);
      if (!/^\d+$/.test(seq[1] ?? '') || width < 1 || width > MAX_SEQ_WIDTH) {
        issues.push({ code: 'seq_width', message: `'{${name}}' needs a width 1–${MAX_SEQ_WIDTH}, e.g. {seq:4}` });
        tokens.push({ kind: 'seq', width: 4 });
      } else {
        tokens.push({ kind: 'seq', width });
      }
    } else if (name === 'agency' || name === 'procedure' || isDateToken(name)) {
      tokens.push({ kind: name });
    } else {
      issues.push({
        code: 'unknown_token',
        message: `unknown token '{${name}}' (known: {agency}, {procedure}, {yyyy}, {yy}, {MM}, {dd}, {yyMMdd}, {seq:N})`,
      });
    }
    i = close + 1;
  }
  flush();
  return tokens;
}

type VarClass = 'digits' | 'text';

function varClassOf(t: PatternToken): VarClass | null {
  if (t.kind === 'seq') return 'digits';
  if (t.kind === 'agency' || t.kind === 'procedure') return 'text';
  return null;
}

function inClass(ch: string, cls: VarClass): boolean {
  return cls === 'digits' ? ch >= '0' && ch <= '9' : CODE_VALUE_RE.test(ch);
}

/**
 * Whether every code of the pattern can be split back into its fields in exactly one way.
 * Fixed-width tokens (date parts) never cause doubt; variable-width ones (`{agency}`, `{procedure}`,
 * `{seq}`) do. Between two variable tokens the literal text must hold a character that cannot occur
 * in the left one (its end is then found reading left to right) or in the right one (its start is
 * found reading right to left). We need a split point j such that the gaps left of the j-th variable
 * token resolve left-to-right and those right of it resolve right-to-left.
 */
function isUnambiguous(tokens: readonly PatternToken[]): boolean {
  const vars: { cls: VarClass; index: number }[] = [];
  tokens.forEach((t, index) => {
    const cls = varClassOf(t);
    if (cls) vars.push({ cls, index });
  });
  const gapText = (a: number, b: number) =>
    tokens
      .slice(a + 1, b)
      .map((t) => (t.kind === 'literal' ? t.text : ''))
      .join('');
  const leftOk: boolean[] = [];
  const rightOk: boolean[] = [];
  for (let g = 0; g + 1 < vars.length; g++) {
    const left = vars[g]!;
    const right = vars[g + 1]!;
    const text = [...gapText(left.index, right.index)];
    leftOk.push(text.some((ch) => !inClass(ch, left.cls)));
    rightOk.push(text.some((ch) => !inClass(ch, right.cls)));
  }
  for (let j = 0; j < vars.length; j++) {
    if (leftOk.slice(0, j).every(Boolean) && rightOk.slice(j).every(Boolean)) return true;
  }
  return vars.length === 0;
}

/** Validates pattern text; returns the compiled pattern or every issue found. */
export function validatePattern(
  source: string,
): { ok: true; pattern: DossierCodePattern } | { ok: false; issues: PatternIssue[] } {
  const issues: PatternIssue[] = [];
  if (source.length === 0) return { ok: false, issues: [{ code: 'empty', message: 'the pattern is empty' }] };
  const tokens = tokenize(source, issues);

  const seqs = tokens.filter((t) => t.kind === 'seq');
  if (seqs.length === 0) issues.push({ code: 'seq_missing', message: 'the pattern needs one {seq:N}' });
  if (seqs.length > 1) issues.push({ code: 'seq_repeated', message: 'the pattern has more than one {seq}' });

  const has = (kind: PatternToken['kind']) => tokens.some((t) => t.kind === kind);
  for (const kind of ['agency', 'procedure'] as const) {
    if (tokens.filter((t) => t.kind === kind).length > 1) {
      issues.push({ code: 'duplicate_token', message: `{${kind}} appears more than once` });
    }
  }
  const yearTokens = tokens.filter((t) => t.kind === 'yyyy' || t.kind === 'yy' || t.kind === 'yyMMdd').length;
  const monthTokens = tokens.filter((t) => t.kind === 'MM' || t.kind === 'yyMMdd').length;
  const dayTokens = tokens.filter((t) => t.kind === 'dd' || t.kind === 'yyMMdd').length;
  if (yearTokens > 1 || monthTokens > 1 || dayTokens > 1) {
    issues.push({
      code: 'duplicate_token',
      message: 'each date part (year, month, day) may appear once ({yyMMdd} holds all three)',
    });
  }
  if (dayTokens > 0 && monthTokens === 0) {
    issues.push({ code: 'incomplete_date', message: '{dd} needs {MM} and a year' });
  }
  if (monthTokens > 0 && yearTokens === 0) {
    issues.push({ code: 'incomplete_date', message: '{MM} needs a year ({yyyy} or {yy})' });
  }
  if (issues.length === 0 && !isUnambiguous(tokens)) {
    issues.push({
      code: 'ambiguous',
      message:
        'codes could be read in more than one way: put a separator such as "-" between {agency}, {procedure} and {seq}',
    });
  }
  if (issues.length > 0) return { ok: false, issues };

  const period: CounterPeriod = dayTokens ? 'day' : monthTokens ? 'month' : yearTokens ? 'year' : 'never';
  const scope: CounterScope = { period, perAgency: has('agency'), perProcedure: has('procedure') };
  return { ok: true, pattern: compile(source, tokens, scope) };
}

/** Compiles pattern text; throws `DossierCodePatternError` listing the issues when invalid. */
export function parsePattern(source: string): DossierCodePattern {
  const result = validatePattern(source);
  if (!result.ok) throw new DossierCodePatternError(source, result.issues);
  return result.pattern;
}

type Fields = {
  agency?: string;
  procedure?: string;
  /** As rendered: 4 digits ({yyyy}) or 2 ({yy}, {yyMMdd}). */
  year?: string;
  month?: string;
  day?: string;
};

const pad2 = (n: number) => String(n).padStart(2, '0');

function localParts(receivedAt: Date): { year: number; month: number; day: number } {
  const ms = receivedAt.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('receivedAt is not a valid date');
  const t = new Date(ms + LOCAL_OFFSET_MS);
  const year = t.getUTCFullYear();
  if (year < 1000 || year > 9999) throw new RangeError(`receipt year ${year} is out of range 1000–9999`);
  return { year, month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

function keyOf(scope: CounterScope, f: Fields): string {
  const parts: string[] = [];
  if (scope.perAgency) parts.push(`agency=${f.agency}`);
  if (scope.perProcedure) parts.push(`procedure=${f.procedure}`);
  if (scope.period !== 'never') parts.push(`date=${f.year ?? ''}${f.month ?? ''}${f.day ?? ''}`);
  return parts.length ? parts.join('|') : '*';
}

function daysInMonth(year: number, month: number): number {
  const t = new Date(0);
  t.setUTCFullYear(year, month, 0); // day 0 of the next month = last day of this one
  return t.getUTCDate();
}

/** Regular-expression source matching one token (a capture group unless literal). */
function tokenRegex(t: PatternToken): string {
  switch (t.kind) {
    case 'literal':
      return t.text.replace(/[.\-/]/g, (c) => `\\${c}`);
    case 'agency':
    case 'procedure':
      return '([A-Za-z0-9._]+)';
    case 'yyyy':
      return '(\\d{4})';
    case 'yy':
    case 'MM':
    case 'dd':
      return '(\\d{2})';
    case 'yyMMdd':
      return '(\\d{6})';
    case 'seq':
      return `(\\d{${t.width},})`;
  }
}

function renderToken(t: PatternToken, f: Fields, seq: string): string {
  switch (t.kind) {
    case 'literal':
      return t.text;
    case 'agency':
      return f.agency ?? '';
    case 'procedure':
      return f.procedure ?? '';
    case 'yyyy':
    case 'yy':
      return f.year ?? '';
    case 'MM':
      return f.month ?? '';
    case 'dd':
      return f.day ?? '';
    case 'yyMMdd':
      return `${f.year}${f.month}${f.day}`;
    case 'seq':
      return seq;
  }
}

function compile(source: string, tokens: readonly PatternToken[], scope: CounterScope): DossierCodePattern {
  const seqToken = tokens.find((t) => t.kind === 'seq') as { kind: 'seq'; width: number };
  const seqWidth = seqToken.width;

  const fieldsOf = (ctx: DossierCodeContext): Fields => {
    const f: Fields = {};
    if (scope.perAgency) {
      if (typeof ctx.agencyCode !== 'string' || !CODE_VALUE_RE.test(ctx.agencyCode)) {
        throw new RangeError(`agencyCode '${ctx.agencyCode}' must be letters, digits, '.' or '_'`);
      }
      f.agency = ctx.agencyCode;
    }
    if (scope.perProcedure) {
      if (typeof ctx.procedureCode !== 'string' || !CODE_VALUE_RE.test(ctx.procedureCode)) {
        throw new RangeError(`procedureCode '${ctx.procedureCode}' must be letters, digits, '.' or '_'`);
      }
      f.procedure = ctx.procedureCode;
    }
    if (scope.period !== 'never') {
      const { year, month, day } = localParts(ctx.receivedAt);
      const fourDigitYear = tokens.some((t) => t.kind === 'yyyy');
      f.year = fourDigitYear ? String(year) : pad2(year % 100);
      if (scope.period !== 'year') f.month = pad2(month);
      if (scope.period === 'day') f.day = pad2(day);
    }
    return f;
  };

  const renderSeq = (seq: number) => {
    if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`sequence ${seq} must be a positive integer`);
    return String(seq).padStart(seqWidth, '0');
  };

  // One capture group per non-literal token, in order.
  const regex = new RegExp(`^${tokens.map(tokenRegex).join('')}$`);

  return {
    source,
    tokens,
    scope,
    seqWidth,
    scopeKey: (ctx) => keyOf(scope, fieldsOf(ctx)),
    format(ctx, seq) {
      const s = renderSeq(seq);
      const f = fieldsOf(ctx);
      return tokens.map((t) => renderToken(t, f, s)).join('');
    },
    parse(code) {
      const m = regex.exec(code);
      if (!m) return { ok: false, reason: 'format' };
      const f: Fields = {};
      let seqText = '';
      let g = 1;
      for (const t of tokens) {
        if (t.kind === 'literal') continue;
        const v = m[g++]!;
        if (t.kind === 'agency') f.agency = v;
        else if (t.kind === 'procedure') f.procedure = v;
        else if (t.kind === 'yyyy' || t.kind === 'yy') f.year = v;
        else if (t.kind === 'MM') f.month = v;
        else if (t.kind === 'dd') f.day = v;
        else if (t.kind === 'yyMMdd') {
          f.year = v.slice(0, 2);
          f.month = v.slice(2, 4);
          f.day = v.slice(4, 6);
        } else seqText = v;
      }
      // Only the canonical rendering: no leading zero beyond the padding width, no zero.
      const seq = Number(seqText);
      if (!Number.isSafeInteger(seq) || seq < 1 || String(seq).padStart(seqWidth, '0') !== seqText) {
        return { ok: false, reason: 'seq' };
      }
      const value: ParsedDossierCode = { seq, scopeKey: keyOf(scope, f) };
      if (f.agency !== undefined) value.agencyCode = f.agency;
      if (f.procedure !== undefined) value.procedureCode = f.procedure;
      if (f.year !== undefined) {
        const year = f.year.length === 2 ? 2000 + Number(f.year) : Number(f.year);
        if (year < 1000) return { ok: false, reason: 'date' };
        value.year = year;
        if (f.month !== undefined) {
          const month = Number(f.month);
          if (month < 1 || month > 12) return { ok: false, reason: 'date' };
          value.month = month;
          if (f.day !== undefined) {
            const day = Number(f.day);
            if (day < 1 || day > daysInMonth(year, month)) return { ok: false, reason: 'date' };
            value.day = day;
            value.date = `${year}-${f.month}-${f.day}`;
          }
        }
      }
      return { ok: true, value };
    },
  };
}

let defaultPattern: DossierCodePattern | undefined;

/** The compiled default pattern `{agency}-{yyMMdd}-{seq:4}`. */
export function defaultDossierCodePattern(): DossierCodePattern {
  defaultPattern ??= parsePattern(DEFAULT_DOSSIER_CODE_PATTERN);
  return defaultPattern;
}

/** The code of a dossier under the default pattern (Decree 118 art. 28). */
export function formatDossierCode(ctx: DossierCodeContext, seq: number): string {
  return defaultDossierCodePattern().format(ctx, seq);
}

/**
 * Reads a dossier code back into its fields (agency, date, sequence for the default pattern), for
 * lookup and validation. `pattern` is pattern text or a compiled pattern; default: Decree 118's.
 */
export function parseDossierCode(
  code: string,
  pattern: string | DossierCodePattern = defaultDossierCodePattern(),
): DossierCodeCheck {
  const p = typeof pattern === 'string' ? parsePattern(pattern) : pattern;
  return p.parse(code.trim());
}
