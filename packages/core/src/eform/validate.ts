import type { EFormError } from './messages.ts';

/**
 * The e-form check the browser runs: the JSON Schema keywords the e-forms use, evaluated as Ajv
 * (draft 2020-12, allErrors, ajv-formats "full") evaluates them, giving the same errors (keyword,
 * instancePath, params). The portal cannot run Ajv itself: Ajv compiles schemas to code with
 * `new Function`, which the portal's Content-Security-Policy (script-src 'self') forbids. The
 * server keeps Ajv; eforms.test.ts checks that both give the same errors on every seeded form.
 * A keyword outside this list is not checked here (the server still checks it on submission).
 */

type Node = {
  type?: string | string[];
  properties?: Record<string, Node>;
  required?: string[];
  additionalProperties?: boolean | Node;
  dependentRequired?: Record<string, string[]>;
  items?: Node | boolean;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
};

export type EFormValidationError = EFormError & { schemaPath: string; message: string };

const isLeapYear = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** ajv-formats' "full" formats the e-forms use (same expressions). */
export const EFORM_FORMATS: Record<string, (s: string) => boolean> = {
  date(s) {
    const m = /^(\d\d\d\d)-(\d\d)-(\d\d)$/.exec(s);
    if (!m) return false;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return mo >= 1 && mo <= 12 && d >= 1 && d <= (mo === 2 && isLeapYear(y) ? 29 : DAYS[mo]!);
  },
  email: (s) =>
    /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i.test(
      s,
    ),
};

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function hasType(v: unknown, t: string): boolean {
  switch (t) {
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    default:
      return typeOf(v) === t;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

const pointer = (path: string, key: string | number) =>
  `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

/** Every error of `data` against the e-form `schema` (empty: valid). */
export function eformValidate(schema: unknown, data: unknown): EFormValidationError[] {
  const errors: EFormValidationError[] = [];
  check(schema as Node, data, '', '#', errors);
  return errors;
}

function check(node: Node | boolean | undefined, data: unknown, at: string, sp: string, out: EFormValidationError[]) {
  if (node === undefined || node === true) return;
  if (node === false) {
    out.push({
      keyword: 'false schema',
      instancePath: at,
      schemaPath: sp,
      params: {},
      message: 'boolean schema is false',
    });
    return;
  }
  const err = (keyword: string, params: Record<string, unknown>, message: string) =>
    out.push({ keyword, instancePath: at, schemaPath: `${sp}/${keyword}`, params, message });

  const types = node.type === undefined ? null : Array.isArray(node.type) ? node.type : [node.type];
  const typeOk = types === null || types.some((t) => hasType(data, t));
  if (!typeOk) err('type', { type: types!.join(',') }, `must be ${types!.join(',')}`);

  if (node.const !== undefined && !deepEqual(data, node.const)) {
    err('const', { allowedValue: node.const }, 'must be equal to constant');
  }
  if (Array.isArray(node.enum) && !node.enum.some((v) => deepEqual(v, data))) {
    err('enum', { allowedValues: node.enum }, 'must be equal to one of the allowed values');
  }
  // As Ajv: each group of keywords applies when the value is of its JSON type, whether or not it
  // matches `type` (0.5 against an integer field with minimum 1 breaks both).

  if (typeof data === 'number') {
    const limits: [keyof Node, string, (l: number) => boolean][] = [
      ['maximum', '<=', (l) => data <= l],
      ['minimum', '>=', (l) => data >= l],
      ['exclusiveMaximum', '<', (l) => data < l],
      ['exclusiveMinimum', '>', (l) => data > l],
    ];
    for (const [kw, comparison, ok] of limits) {
      const limit = node[kw] as number | undefined;
      if (limit !== undefined && !ok(limit)) err(kw, { comparison, limit }, `must be ${comparison} ${limit}`);
    }
    if (node.multipleOf !== undefined) {
      // Ajv with multipleOfPrecision 8 (rjsf's setting, and the server's).
      const q = data / node.multipleOf;
      if (Math.abs(Math.round(q) - q) > 1e-8) err('multipleOf', { multipleOf: node.multipleOf }, 'must be multiple');
    }
  }

  if (typeof data === 'string') {
    // Ajv counts characters by code point (ucs2length), not UTF-16 units.
    const length = [...data].length;
    if (node.maxLength !== undefined && length > node.maxLength) {
      err('maxLength', { limit: node.maxLength }, `must NOT have more than ${node.maxLength} characters`);
    }
    if (node.minLength !== undefined && length < node.minLength) {
      err('minLength', { limit: node.minLength }, `must NOT have fewer than ${node.minLength} characters`);
    }
    if (node.pattern !== undefined && !new RegExp(node.pattern, 'u').test(data)) {
      err('pattern', { pattern: node.pattern }, `must match pattern "${node.pattern}"`);
    }
    if (node.format !== undefined && EFORM_FORMATS[node.format] && !EFORM_FORMATS[node.format]!(data)) {
      err('format', { format: node.format }, `must match format "${node.format}"`);
    }
  }

  if (Array.isArray(data)) {
    if (node.maxItems !== undefined && data.length > node.maxItems) {
      err('maxItems', { limit: node.maxItems }, `must NOT have more than ${node.maxItems} items`);
    }
    if (node.minItems !== undefined && data.length < node.minItems) {
      err('minItems', { limit: node.minItems }, `must NOT have fewer than ${node.minItems} items`);
    }
    if (node.uniqueItems) {
      outer: for (let i = data.length - 1; i > 0; i--) {
        for (let j = i - 1; j >= 0; j--) {
          if (deepEqual(data[i], data[j])) {
            err('uniqueItems', { i, j }, `must NOT have duplicate items (items ## ${j} and ${i} are identical)`);
            break outer;
          }
        }
      }
    }
    if (node.items !== undefined) {
      data.forEach((v, i) => {
        check(node.items as Node | boolean, v, pointer(at, i), `${sp}/items`, out);
      });
    }
  }

  if (typeOf(data) === 'object') {
    const obj = data as Record<string, unknown>;
    for (const k of node.required ?? []) {
      if (obj[k] === undefined) err('required', { missingProperty: k }, `must have required property '${k}'`);
    }
    for (const [k, deps] of Object.entries(node.dependentRequired ?? {})) {
      if (obj[k] === undefined) continue;
      for (const d of deps) {
        if (obj[d] === undefined) {
          err(
            'dependentRequired',
            { property: k, missingProperty: d, depsCount: deps.length, deps: deps.join(', ') },
            `must have property ${d} when property ${k} is present`,
          );
        }
      }
    }
    const props = node.properties ?? {};
    if (node.additionalProperties !== undefined && node.additionalProperties !== true) {
      for (const k of Object.keys(obj)) {
        if (Object.hasOwn(props, k)) continue;
        if (node.additionalProperties === false) {
          err('additionalProperties', { additionalProperty: k }, 'must NOT have additional properties');
        } else check(node.additionalProperties, obj[k], pointer(at, k), `${sp}/additionalProperties`, out);
      }
    }
    for (const [k, child] of Object.entries(props)) {
      if (obj[k] !== undefined) check(child, obj[k], pointer(at, k), `${sp}/properties/${k}`, out);
    }
  }
}
