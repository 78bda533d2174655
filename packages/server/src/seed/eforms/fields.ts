/**
 * Builders of the JSON Schema fields the seeded e-forms share. They emit only standard keywords
 * (type, title, description, enum, format, pattern, min/max…), so that Ajv strict mode compiles
 * them, rjsf renders them and a generator can fill them (core sampleFill).
 */

import { ETHNIC_GROUPS } from '@motcua/core';

export type JsonSchema = Record<string, unknown>;

export const text = (title: string, opts: { max?: number; description?: string; long?: boolean } = {}): JsonSchema => ({
  type: 'string',
  title,
  ...(opts.description ? { description: opts.description } : {}),
  minLength: 1,
  maxLength: opts.max ?? (opts.long ? 2000 : 200),
});

export const date = (title: string, description?: string): JsonSchema => ({
  type: 'string',
  format: 'date',
  title,
  ...(description ? { description } : {}),
});

/** A time of day as the form writes it, "14:30" (JSON Schema's `time` format demands seconds and a zone). */
export const time = (title: string): JsonSchema => ({
  type: 'string',
  title,
  description: 'Giờ:phút, ví dụ 14:30',
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
});

export const email = (title = 'Email'): JsonSchema => ({ type: 'string', format: 'email', title, maxLength: 200 });

/** Số định danh cá nhân: 12 digits (Decree 137/2015/NĐ-CP art. 13, kept by the Identification Law 2023). */
export const personalId = (title = 'Số định danh cá nhân'): JsonSchema => ({
  type: 'string',
  title,
  description: '12 chữ số, như trên thẻ căn cước',
  pattern: '^[0-9]{12}$',
});

export const phone = (title = 'Số điện thoại liên hệ'): JsonSchema => ({
  type: 'string',
  title,
  pattern: '^0[0-9]{9}$',
});

export const year = (title = 'Năm sinh'): JsonSchema => ({ type: 'string', title, pattern: '^[0-9]{4}$' });

export const select = (title: string, options: readonly string[], description?: string): JsonSchema => ({
  type: 'string',
  title,
  ...(description ? { description } : {}),
  enum: [...options],
});

export const integer = (title: string, min: number, max: number): JsonSchema => ({
  type: 'integer',
  title,
  minimum: min,
  maximum: max,
});

export const area = (title: string): JsonSchema => ({
  type: 'number',
  title,
  exclusiveMinimum: 0,
  maximum: 100_000_000,
});

export const yesNo = (title: string): JsonSchema => ({ type: 'boolean', title });

export const SEX = ['Nam', 'Nữ'] as const;

export const ethnicity = (title = 'Dân tộc'): JsonSchema => select(title, ETHNIC_GROUPS);

export const nationality = (title = 'Quốc tịch'): JsonSchema => ({ ...text(title, { max: 100 }), default: 'Việt Nam' });

/** A form: an object whose properties keep the order written here (stored with `ui:order`). */
export function form(
  title: string,
  comment: string,
  properties: Record<string, JsonSchema>,
  required: string[],
): JsonSchema {
  return { type: 'object', title, $comment: comment, properties, required };
}

export function group(title: string, properties: Record<string, JsonSchema>, required: string[]): JsonSchema {
  return { type: 'object', title, properties, required };
}
