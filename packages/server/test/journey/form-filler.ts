/**
 * A deterministic e-form filler for the catalog journey: from a procedure's JSON Schema (draft
 * 2020-12, the subset administrators use) it builds values that the schema accepts — every
 * property (required or not), enums, `const`, formats (date, date-time, email, uri), numeric
 * bounds and string patterns (a small regex-to-sample generator). Same schema, same values.
 *
 * Written for the test, not taken from the product: the server's Ajv is the judge, so a value
 * this filler gets wrong shows up as the server's 422 (and the self-check below names the field).
 */

type Schema = Record<string, unknown>;

const DATE = '2026-11-16';

/** Text that looks like what a citizen types, tuned by the field's name. */
function textFor(key: string): string {
  const k = key.toLowerCase();
  if (/email|thu_dien_tu/.test(k)) return 'nguoinop@example.vn';
  if (/phone|dien_thoai|sdt/.test(k)) return '0905123456';
  if (/ho_ten|hoten|full_?name|name|ten/.test(k)) return 'Nguyễn Thị Ánh';
  if (/dia_chi|address|noi_cu_tru|thuong_tru/.test(k)) return '12 Lê Duẩn, Phường Hải Châu, TP Đà Nẵng';
  return `Nội dung ${key}`;
}

/** A sample string for a regex pattern: classes, escapes, groups with alternatives, quantifiers. */
export function sampleForPattern(pattern: string): string {
  let i = 0;
  const src = pattern;

  function atom(): () => string {
    const c = src[i]!;
    if (c === '(') {
      i++;
      if (src.startsWith('?:', i)) i += 2;
      const alternatives: (() => string)[][] = [[]];
      while (i < src.length && src[i] !== ')') {
        if (src[i] === '|') {
          alternatives.push([]);
          i++;
          continue;
        }
        alternatives.at(-1)!.push(quantified());
      }
      i++; // ')'
      // The first alternative: deterministic, and the one authors list as the usual case.
      const first = alternatives[0]!;
      return () => first.map((f) => f()).join('');
    }
    if (c === '[') {
      i++;
      const negated = src[i] === '^';
      if (negated) i++;
      let first: string | null = null;
      while (i < src.length && src[i] !== ']') {
        let ch = src[i]!;
        if (ch === '\\') {
          i++;
          ch = classEscape(src[i]!);
          if ((src[i] === 'p' || src[i] === 'P') && src[i + 1] === '{') i = src.indexOf('}', i);
        }
        if (first === null) first = ch;
        i++;
        if (src[i] === '-' && src[i + 1] !== ']') i += 2; // a range: its first character will do
      }
      i++; // ']'
      const pick = negated ? 'x' : (first ?? 'a');
      return () => pick;
    }
    if (c === '\\') {
      i++;
      const e = src[i]!;
      i++;
      // Unicode property escapes (\p{L}): one letter stands for the class.
      if ((e === 'p' || e === 'P') && src[i] === '{') i = src.indexOf('}', i) + 1;
      const ch = classEscape(e);
      return () => ch;
    }
    if (c === '.') {
      i++;
      return () => 'a';
    }
    if (c === '^' || c === '$') {
      i++;
      return () => '';
    }
    i++;
    return () => c;
  }

  function classEscape(e: string): string {
    switch (e) {
      case 'd':
        return '0';
      case 'w':
        return 'a';
      case 's':
        return ' ';
      case 'p':
        return 'a';
      default:
        return e;
    }
  }

  function quantified(): () => string {
    const a = atom();
    const q = src[i];
    if (q === '{') {
      const close = src.indexOf('}', i);
      const [min] = src
        .slice(i + 1, close)
        .split(',')
        .map((n) => Number(n.trim() || '0'));
      i = close + 1;
      if (src[i] === '?') i++;
      return () => Array.from({ length: min ?? 0 }, a).join('');
    }
    if (q === '+') {
      i++;
      return a;
    }
    if (q === '*' || q === '?') {
      i++;
      return () => '';
    }
    return a;
  }

  const parts: (() => string)[] = [];
  while (i < src.length) {
    if (src[i] === '|') break; // top-level alternatives: the first one
    parts.push(quantified());
  }
  return parts.map((f) => f()).join('');
}

function resolve(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let target: unknown = root;
  for (const part of ref.slice(2).split('/')) target = (target as Schema)[part];
  return {
    ...resolve(target as Schema, root),
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$ref')),
  };
}

function typeOf(schema: Schema): string | undefined {
  const t = schema.type;
  if (Array.isArray(t)) return t.find((x) => x !== 'null') as string | undefined;
  return t as string | undefined;
}

function stringFor(key: string, s: Schema): string {
  switch (s.format) {
    case 'date':
      return DATE;
    case 'date-time':
      return `${DATE}T08:30:00+07:00`;
    case 'email':
      return 'nguoinop@example.vn';
    case 'uri':
      return 'https://example.vn/tai-lieu';
    case 'time':
      return '08:30:00';
  }
  let v = typeof s.pattern === 'string' ? sampleForPattern(s.pattern) : textFor(key);
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  const max = typeof s.maxLength === 'number' ? s.maxLength : Number.POSITIVE_INFINITY;
  while ([...v].length < min) v += 'a';
  if ([...v].length > max) v = [...v].slice(0, max).join('');
  return v;
}

function numberFor(s: Schema, integer: boolean): number {
  const lo =
    typeof s.minimum === 'number'
      ? s.minimum
      : typeof s.exclusiveMinimum === 'number'
        ? s.exclusiveMinimum + (integer ? 1 : 0.5)
        : 1;
  const hi =
    typeof s.maximum === 'number'
      ? s.maximum
      : typeof s.exclusiveMaximum === 'number'
        ? s.exclusiveMaximum - 1
        : lo + 100;
  let v = Math.max(lo, Math.min(hi, Math.max(lo, 1)));
  if (integer) v = Math.ceil(v);
  if (typeof s.multipleOf === 'number') v = Math.ceil(v / s.multipleOf) * s.multipleOf;
  return v;
}

/** A value for `schema` (the root is used for local `$ref`s); `key` names the field for plausible text. */
export function fillFromSchema(schema: Schema, root: Schema = schema, key = 'value'): unknown {
  let s = resolve(schema, root);
  if (Array.isArray(s.allOf)) {
    for (const part of s.allOf as Schema[]) {
      const r = resolve(part, root);
      s = {
        ...s,
        ...r,
        properties: { ...((s.properties as Schema) ?? {}), ...((r.properties as Schema) ?? {}) },
        required: [...((s.required as string[]) ?? []), ...((r.required as string[]) ?? [])],
      };
    }
  }
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum.find((v) => v !== null) ?? s.enum[0];
  if (Array.isArray(s.oneOf) && s.oneOf.length) return fillFromSchema(s.oneOf[0] as Schema, root, key);
  if (Array.isArray(s.anyOf) && s.anyOf.length) return fillFromSchema(s.anyOf[0] as Schema, root, key);
  if (s.default !== undefined) return s.default;
  const type = typeOf(s) ?? (s.properties ? 'object' : 'string');
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = (s.properties ?? {}) as Record<string, Schema>;
      for (const [k, p] of Object.entries(props)) out[k] = fillFromSchema(p, root, k);
      for (const k of (s.required as string[] | undefined) ?? []) if (!(k in out)) out[k] = textFor(k);
      // if/then/else: the `then` (or `else`) branch's properties, filled like the rest.
      for (const branch of ['then', 'else'] as const) {
        const b = s[branch] as Schema | undefined;
        if (!b?.properties) continue;
        for (const [k, p] of Object.entries(b.properties as Record<string, Schema>))
          if (!(k in out)) out[k] = fillFromSchema(p, root, k);
      }
      return out;
    }
    case 'array': {
      const n = Math.max(1, typeof s.minItems === 'number' ? s.minItems : 1);
      const items = (s.items ?? {}) as Schema;
      const values = Array.from({ length: n }, () => fillFromSchema(items, root, key));
      // uniqueItems with an enum: distinct members.
      if (s.uniqueItems && Array.isArray(resolve(items, root).enum)) {
        return (resolve(items, root).enum as unknown[]).slice(0, n);
      }
      return values;
    }
    case 'integer':
      return numberFor(s, true);
    case 'number':
      return numberFor(s, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return stringFor(key, s);
  }
}
