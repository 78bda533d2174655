import { describe, expect, it } from 'vitest';
import { orderedKeys, renderableUiSchema, withFieldOrder } from './order.ts';
import { sampleFill } from './sample.ts';

const schema = {
  type: 'object',
  properties: {
    zeta: { type: 'string' },
    alpha: { type: 'string' },
    group: { type: 'object', properties: { second: { type: 'string' }, first: { type: 'string' } } },
    rows: { type: 'array', items: { type: 'object', properties: { b: { type: 'string' }, a: { type: 'string' } } } },
  },
};

describe('withFieldOrder: the order of `properties` as written becomes ui:order', () => {
  it('for the form, nested objects and list rows', () => {
    expect(withFieldOrder(schema, null)).toEqual({
      'ui:order': ['zeta', 'alpha', 'group', 'rows'],
      group: { 'ui:order': ['second', 'first'] },
      rows: { items: { 'ui:order': ['b', 'a'] } },
    });
  });

  it('keeps an order the designer sent and the other ui options', () => {
    expect(withFieldOrder(schema, { 'ui:order': ['alpha', 'zeta'], alpha: { 'ui:widget': 'textarea' } })).toEqual({
      'ui:order': ['alpha', 'zeta'],
      alpha: { 'ui:widget': 'textarea' },
      group: { 'ui:order': ['second', 'first'] },
      rows: { items: { 'ui:order': ['b', 'a'] } },
    });
  });

  it('a one-field form needs no order', () => {
    expect(withFieldOrder({ type: 'object', properties: { a: { type: 'string' } } }, null)).toBeNull();
  });
});

describe('orderedKeys / renderableUiSchema', () => {
  it('unknown names dropped, forgotten fields after the listed ones', () => {
    expect(orderedKeys({ a: {}, b: {}, c: {} }, ['c', 'ghost', 'a'])).toEqual(['c', 'a', 'b']);
    expect(orderedKeys({ a: {}, b: {} }, undefined)).toEqual(['a', 'b']);
  });

  it('a stored order naming a removed field still renders', () => {
    expect(
      renderableUiSchema(schema, { 'ui:order': ['rows', 'removed', 'alpha'], group: { 'ui:order': ['first'] } }),
    ).toEqual({
      'ui:order': ['rows', 'alpha', 'zeta', 'group'],
      group: { 'ui:order': ['first', 'second'] },
    });
  });
});

describe('sampleFill', () => {
  it('fills every field with a value of its kind; requiredOnly leaves the others out', () => {
    const s = {
      type: 'object',
      properties: {
        id: { type: 'string', pattern: '^[0-9]{12}$' },
        d: { type: 'string', format: 'date' },
        sex: { type: 'string', enum: ['Nam', 'Nữ'] },
        n: { type: 'integer', minimum: 2, maximum: 9 },
        area: { type: 'number', exclusiveMinimum: 0 },
        nat: { type: 'string', default: 'Việt Nam' },
        ok: { type: 'boolean' },
        rows: { type: 'array', minItems: 2, items: { type: 'object', properties: { a: { type: 'string' } } } },
      },
      required: ['id', 'rows'],
    };
    expect(sampleFill(s)).toEqual({
      id: '048090001234',
      d: '2026-01-15',
      sex: 'Nam',
      n: 2,
      area: 1,
      nat: 'Việt Nam',
      ok: true,
      rows: [{ a: 'Nội dung mẫu' }, { a: 'Nội dung mẫu' }],
    });
    expect(sampleFill(s, { requiredOnly: true })).toEqual({ id: '048090001234', rows: [{}, {}] });
  });
});
