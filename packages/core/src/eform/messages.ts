/**
 * E-form validation messages: one Ajv error (server) or rjsf error (browser) of a procedure's
 * JSON Schema → a sentence in Vietnamese and in English naming the field by its title, so that
 * the citizen reads the same words on both sides ("Vui lòng nhập “Số thửa đất”", not Ajv's
 * "must have required property 'soThua'").
 */

export type LocalizedText = { vi: string; en: string };

/** What both Ajv's ErrorObject and rjsf's RJSFValidationError carry (after eformErrorOf). */
export type EFormError = {
  keyword: string;
  /** JSON Pointer of the value the keyword applies to ('' = the whole form; for `required`, the parent object). */
  instancePath: string;
  params: Record<string, unknown>;
};

type Node = {
  type?: string | string[];
  title?: string;
  properties?: Record<string, Node>;
  items?: Node | Node[];
  enum?: unknown[];
  format?: string;
};

function segments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The sub-schema at a data path (array indexes step into `items`). */
export function schemaAt(schema: unknown, path: string[]): Node | undefined {
  let node = schema as Node | undefined;
  for (const seg of path) {
    if (!node) return undefined;
    if (node.properties && Object.hasOwn(node.properties, seg)) node = node.properties[seg];
    else if (/^\d+$/.test(seg) && node.items && !Array.isArray(node.items)) node = node.items;
    else if (/^\d+$/.test(seg) && Array.isArray(node.items)) node = node.items[Number(seg)];
    else return undefined;
  }
  return node;
}

/** “Title” of the field at `path` (its key when it has none), with the row of the nearest list. */
function label(schema: unknown, path: string[]): LocalizedText {
  if (path.length === 0) return { vi: 'Tờ khai', en: 'The form' };
  const node = schemaAt(schema, path);
  const key = path.at(-1)!;
  const name = node?.title?.trim() || key;
  const rowIndex = path.findLastIndex((s) => /^\d+$/.test(s));
  if (rowIndex >= 0 && rowIndex < path.length - 1) {
    const row = Number(path[rowIndex]) + 1;
    return { vi: `“${name}” (dòng ${row})`, en: `“${name}” (row ${row})` };
  }
  return { vi: `“${name}”`, en: `“${name}”` };
}

const num = (n: unknown, lang: 'vi' | 'en') =>
  typeof n === 'number' ? new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-US').format(n) : String(n);

const TYPE_NAMES: Record<string, LocalizedText> = {
  string: { vi: 'chữ', en: 'text' },
  number: { vi: 'số', en: 'a number' },
  integer: { vi: 'số nguyên', en: 'a whole number' },
  boolean: { vi: 'Có hoặc Không', en: 'yes or no' },
  array: { vi: 'danh sách', en: 'a list' },
  object: { vi: 'nhóm thông tin', en: 'a group of fields' },
  null: { vi: 'để trống', en: 'empty' },
};

const FORMATS: Record<string, LocalizedText> = {
  date: { vi: 'phải là ngày hợp lệ (ngày/tháng/năm)', en: 'must be a valid date (dd/mm/yyyy)' },
  'date-time': { vi: 'phải là ngày giờ hợp lệ', en: 'must be a valid date and time' },
  time: { vi: 'phải là giờ hợp lệ (giờ:phút)', en: 'must be a valid time (hh:mm)' },
  email: { vi: 'phải là địa chỉ thư điện tử hợp lệ', en: 'must be a valid email address' },
  uri: { vi: 'phải là đường dẫn hợp lệ', en: 'must be a valid link' },
};

/**
 * The patterns the seeded e-forms use, said in words; any other pattern gets the generic
 * "không đúng định dạng". Keys are the exact `pattern` strings.
 */
export const KNOWN_PATTERNS: Record<string, LocalizedText> = {
  // Số định danh cá nhân: 12 digits (Decree 137/2015/NĐ-CP art. 13; identifiers.ts).
  '^[0-9]{12}$': { vi: 'phải gồm đúng 12 chữ số', en: 'must be exactly 12 digits' },
  // Mobile and landline numbers in Vietnam: 10 digits starting with 0.
  '^0[0-9]{9}$': {
    vi: 'phải là số điện thoại 10 chữ số, bắt đầu bằng 0',
    en: 'must be a 10-digit phone number starting with 0',
  },
  // Mã số thuế: 10 digits, or 13 for a dependent unit (Circular 105/2020/TT-BTC art. 5).
  '^[0-9]{10}(-[0-9]{3})?$': {
    vi: 'phải là mã số thuế 10 chữ số (hoặc 10 chữ số, gạch ngang, 3 chữ số)',
    en: 'must be a 10-digit tax code (or 10 digits, a dash and 3 digits)',
  },
  '^[0-9]{4}$': { vi: 'phải là năm gồm 4 chữ số', en: 'must be a 4-digit year' },
  '^([01][0-9]|2[0-3]):[0-5][0-9]$': { vi: 'phải là giờ:phút, ví dụ 14:30', en: 'must be hours:minutes, e.g. 14:30' },
};

function both(f: (lang: 'vi' | 'en') => string): LocalizedText {
  return { vi: f('vi'), en: f('en') };
}

function choices(values: unknown[], lang: 'vi' | 'en'): string {
  if (values.length > 6) return lang === 'vi' ? 'phải được chọn trong danh sách' : 'must be chosen from the list';
  const list = values.map((v) => `“${String(v)}”`).join('; ');
  return lang === 'vi' ? `phải là một trong các giá trị: ${list}` : `must be one of: ${list}`;
}

/** The Vietnamese and English sentence for one validation error of the e-form `schema`. */
export function eformErrorText(error: EFormError, schema: unknown): LocalizedText {
  const at = segments(error.instancePath);
  const p = error.params;
  const field = label(schema, at);
  const say = (vi: string, en: string): LocalizedText => ({ vi: `${field.vi} ${vi}`, en: `${field.en} ${en}` });
  switch (error.keyword) {
    case 'required': {
      const missing = [...at, String(p.missingProperty)];
      const node = schemaAt(schema, missing);
      const name = label(schema, missing);
      const choose = Array.isArray(node?.enum) || node?.type === 'boolean';
      return choose
        ? { vi: `Vui lòng chọn ${name.vi}`, en: `Please choose ${name.en}` }
        : { vi: `Vui lòng nhập ${name.vi}`, en: `Please enter ${name.en}` };
    }
    case 'dependentRequired':
    case 'dependencies': {
      const missing = label(schema, [...at, String(p.missingProperty)]);
      const given = label(schema, [...at, String(p.property)]);
      return {
        vi: `Khi đã nhập ${given.vi}, vui lòng nhập ${missing.vi}`,
        en: `When ${given.en} is given, please enter ${missing.en}`,
      };
    }
    case 'type': {
      const types = String(p.type).split(',');
      const names = (lang: 'vi' | 'en') =>
        types.map((t) => TYPE_NAMES[t]?.[lang] ?? t).join(lang === 'vi' ? ' hoặc ' : ' or ');
      return both((lang) => `${field[lang]} ${lang === 'vi' ? 'phải là' : 'must be'} ${names(lang)}`);
    }
    case 'format': {
      const f = FORMATS[String(p.format)];
      return f ? say(f.vi, f.en) : say('không đúng định dạng', 'is not in the expected format');
    }
    case 'pattern': {
      const known = KNOWN_PATTERNS[String(p.pattern)];
      return known ? say(known.vi, known.en) : say('không đúng định dạng', 'is not in the expected format');
    }
    case 'minLength':
      // An empty text where one character is the minimum is a field left blank.
      if (p.limit === 1) return { vi: `Vui lòng nhập ${field.vi}`, en: `Please enter ${field.en}` };
      return both((l) =>
        l === 'vi'
          ? `${field.vi} phải có ít nhất ${num(p.limit, l)} ký tự`
          : `${field.en} must be at least ${num(p.limit, l)} characters`,
      );
    case 'maxLength':
      return both((l) =>
        l === 'vi'
          ? `${field.vi} chỉ được có tối đa ${num(p.limit, l)} ký tự`
          : `${field.en} must be at most ${num(p.limit, l)} characters`,
      );
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words: Record<string, LocalizedText> = {
        minimum: { vi: 'phải lớn hơn hoặc bằng', en: 'must be at least' },
        maximum: { vi: 'phải nhỏ hơn hoặc bằng', en: 'must be at most' },
        exclusiveMinimum: { vi: 'phải lớn hơn', en: 'must be more than' },
        exclusiveMaximum: { vi: 'phải nhỏ hơn', en: 'must be less than' },
      };
      const w = words[error.keyword]!;
      return both((l) => `${field[l]} ${w[l]} ${num(p.limit, l)}`);
    }
    case 'multipleOf':
      return both((l) =>
        l === 'vi'
          ? `${field.vi} phải là bội số của ${num(p.multipleOf, l)}`
          : `${field.en} must be a multiple of ${num(p.multipleOf, l)}`,
      );
    case 'enum': {
      const values = Array.isArray(p.allowedValues) ? p.allowedValues : (schemaAt(schema, at)?.enum ?? []);
      return both((l) => `${field[l]} ${choices(values, l)}`);
    }
    case 'const':
      return say(`phải là “${String(p.allowedValue)}”`, `must be “${String(p.allowedValue)}”`);
    case 'minItems':
      return both((l) =>
        l === 'vi'
          ? `${field.vi} phải có ít nhất ${num(p.limit, l)} dòng`
          : `${field.en} must have at least ${num(p.limit, l)} rows`,
      );
    case 'maxItems':
      return both((l) =>
        l === 'vi'
          ? `${field.vi} chỉ được có tối đa ${num(p.limit, l)} dòng`
          : `${field.en} must have at most ${num(p.limit, l)} rows`,
      );
    case 'uniqueItems':
      return say('có dòng trùng nhau', 'has duplicate rows');
    case 'additionalProperties':
      return {
        vi: `Tờ khai không có mục “${String(p.additionalProperty)}”`,
        en: `The form has no field “${String(p.additionalProperty)}”`,
      };
    default:
      return say('không hợp lệ', 'is not valid');
  }
}

/** The data path (JSON Pointer) of the field an error is about: `required` points at the missing field. */
export function eformErrorPointer(error: EFormError): string {
  const base = error.instancePath;
  if (error.keyword === 'required' || error.keyword === 'dependentRequired' || error.keyword === 'dependencies') {
    return `${base}/${String(error.params.missingProperty)}`;
  }
  return base;
}

/**
 * rjsf's error (`name`, `property` as ".a.b" — for `required` already ending with the missing
 * property) → the Ajv-like error eformErrorText reads.
 */
export function eformErrorOf(e: { name?: string; property?: string; params?: unknown }): EFormError {
  const keyword = e.name ?? '';
  const params = (e.params ?? {}) as Record<string, unknown>;
  let parts = (e.property ?? '')
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((s) => s !== '');
  const missing = params.missingProperty;
  if ((keyword === 'required' || keyword === 'dependentRequired' || keyword === 'dependencies') && missing) {
    if (parts.at(-1) === String(missing)) parts = parts.slice(0, -1);
  }
  return { keyword, instancePath: parts.length ? `/${parts.join('/')}` : '', params };
}
