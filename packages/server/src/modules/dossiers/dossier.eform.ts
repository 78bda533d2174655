import { type EFormError, eformErrorPointer, eformErrorText } from '@motcua/core';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import type { Lang } from '../../shared/messages.ts';
import type { FieldError } from '../../shared/problem.ts';
import { Problem } from '../../shared/problem.ts';

// ajv-formats is CommonJS: the plugin is module.exports and also its `.default`.
const addFormats = formatsModule.default;

/**
 * One Ajv for every e-form check of the server, configured as the browser's (rjsf's
 * validator-ajv8 with Ajv2020: allErrors, every ajv-formats format, the same multipleOf
 * precision), so that a form the portal accepts is accepted here and the other way round.
 */
export function createEFormAjv(opts: { strict?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: opts.strict ?? false, multipleOfPrecision: 8 });
  addFormats(ajv);
  return ajv;
}

const MAX_COMPILED = 500;

/** Validators compiled by one Ajv, by schema text: a procedure version's schema is compiled once, not per request. */
function compiledBy(ajv: Ajv2020): (schema: unknown) => ValidateFunction {
  const compiled = new Map<string, ValidateFunction>();
  return (schema) => {
    const key = JSON.stringify(schema);
    let v = compiled.get(key);
    if (!v) {
      v = ajv.compile(schema as object);
      // Ajv also caches by schema object; each request parses a new one, so drop it from Ajv's cache.
      ajv.removeSchema(schema as object);
      if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
      compiled.set(key, v);
    }
    return v;
  };
}

const validatorFor = compiledBy(createEFormAjv());

/** Ajv with coerceTypes, for values that arrive as text (a form-encoded body): compiled apart, never used to judge. */
const coercingAjv = new Ajv2020({ allErrors: true, strict: false, coerceTypes: 'array', useDefaults: false });
addFormats(coercingAjv);
const coercerFor = compiledBy(coercingAjv);

/**
 * Give text values the types the e-form's JSON Schema declares ("5" → 5, "true" → true, one value
 * → a one-item list), in place, as Ajv's coerceTypes does. Only the form-encoded GovStack channel
 * calls it: every value of such a body is text. The data is then checked by eformFieldErrors like
 * any other, so a value that cannot be typed is still refused.
 */
export function coerceFormStrings(schema: unknown, data: unknown): void {
  coercerFor(schema)(data);
}

/** The field errors of `data` against the e-form `schema` (empty when it validates). */
export function eformFieldErrors(schema: unknown, data: unknown, lang: Lang, pathPrefix = 'formData'): FieldError[] {
  const validate = validatorFor(schema);
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => {
    const err: EFormError = {
      keyword: e.keyword,
      instancePath: e.instancePath,
      params: e.params as Record<string, unknown>,
    };
    const text = eformErrorText(err, schema);
    const pointer = eformErrorPointer(err);
    return {
      path: `${pathPrefix}${pointer.replace(/\//g, '.')}`,
      code: e.keyword,
      message: text[lang],
      message_vi: text.vi,
      message_en: text.en,
    };
  });
}

/**
 * Reject e-form values that do not validate: 400 `validation_failed`, one field error per Ajv
 * error, named by the field's title in Vietnamese and English (core eformErrorText).
 */
export function validateForm(schema: unknown, data: unknown, opts: { lang?: Lang; pathPrefix?: string } = {}) {
  const errors = eformFieldErrors(schema, data, opts.lang ?? 'vi', opts.pathPrefix);
  if (errors.length === 0) return;
  throw new Problem('validation_failed', {
    detail: { vi: 'Tờ khai chưa đúng hoặc còn thiếu thông tin', en: 'The e-form is incomplete or invalid' },
    errors,
  });
}
