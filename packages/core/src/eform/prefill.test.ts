import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  changedVerifiedFields,
  type Facts,
  invalidPrefillPaths,
  type PrefillMap,
  prefillForm,
  withValues,
} from './prefill.ts';

const schema = {
  type: 'object',
  properties: {
    requesterName: { type: 'string' },
    requesterIdNumber: { type: 'string', pattern: '^[0-9]{12}$' },
    birthDate: { type: 'string', format: 'date' },
    sex: { type: 'string', enum: ['Nam', 'Nữ'] },
    motherBirthYear: { type: 'string', pattern: '^[0-9]{4}$' },
    copies: { type: 'integer' },
    bride: { type: 'object', properties: { name: { type: 'string' }, residence: { type: 'string' } } },
    phone: { type: 'string' },
  },
};

const facts: Facts = {
  'person.fullName': { value: 'Nguyễn Thị Ánh', origin: 'vneid', verified: true },
  'person.personalId': { value: '048090001234', origin: 'vneid', verified: true },
  'person.dateOfBirth': { value: '1990-05-14', origin: 'population_register', verified: true },
  'person.sex': { value: 'female', origin: 'population_register', verified: true },
  'person.birthYear': { value: '1990', origin: 'population_register', verified: true },
  'person.currentResidence': { value: '12 Trần Phú, Phường Hải Châu', origin: 'population_register', verified: true },
  'contact.phone': { value: '0905123456', origin: 'account', verified: false },
};

describe('prefillForm', () => {
  it('fills mapped fields in their format and locks only verified facts', () => {
    const p = prefillForm(
      schema,
      {
        requesterName: 'person.fullName',
        requesterIdNumber: 'person.personalId',
        birthDate: 'person.dateOfBirth',
        sex: 'person.sex',
        motherBirthYear: 'person.birthYear',
        'bride.name': 'person.fullName',
        'bride.residence': 'person.currentResidence',
        phone: 'contact.phone',
      },
      facts,
    );
    expect(p.values).toEqual({
      requesterName: 'Nguyễn Thị Ánh',
      requesterIdNumber: '048090001234',
      birthDate: '1990-05-14',
      sex: 'Nữ',
      motherBirthYear: '1990',
      'bride.name': 'Nguyễn Thị Ánh',
      'bride.residence': '12 Trần Phú, Phường Hải Châu',
      phone: '0905123456',
    });
    expect(p.origins.birthDate).toBe('population_register');
    expect(p.origins.phone).toBe('account');
    expect(p.locked).not.toContain('phone');
    expect(p.locked).toContain('bride.name');
  });

  it('leaves a field to type when the fact is missing or does not fit it', () => {
    const p = prefillForm(
      schema,
      {
        requesterIdNumber: 'person.fullName',
        motherBirthYear: 'person.spouseName',
        copies: 'person.personalId',
        nope: 'person.fullName',
      },
      facts,
    );
    expect(p.values).toEqual({});
    expect(p.locked).toEqual([]);
  });

  it('takes the first of several sources that is present and fits', () => {
    const map: PrefillMap = { requesterName: ['business.name', 'person.fullName'] };
    expect(prefillForm(schema, map, facts).values).toEqual({ requesterName: 'Nguyễn Thị Ánh' });
    const org: Facts = {
      ...facts,
      'business.name': { value: 'Công ty Demo', origin: 'business_registry', verified: true },
    };
    expect(prefillForm(schema, map, org)).toMatchObject({
      values: { requesterName: 'Công ty Demo' },
      origins: { requesterName: 'business_registry' },
    });
  });

  it('names mappings to missing or non-text fields', () => {
    expect(
      invalidPrefillPaths(schema, {
        requesterName: 'person.fullName',
        copies: 'person.fullName',
        'bride.x': 'person.sex',
      }),
    ).toEqual(['copies', 'bride.x']);
  });
});

describe('verified fields', () => {
  it('finds a verified value changed, removed or emptied, and accepts the same value in NFD', () => {
    const verified = { requesterName: 'Nguyễn Thị Ánh', 'bride.name': 'Lê Thu' };
    const data = withValues({ copies: 2 }, verified);
    expect(changedVerifiedFields(data, verified)).toEqual([]);
    expect(changedVerifiedFields({ ...data, requesterName: 'Nguyễn Thị Ánh'.normalize('NFD') }, verified)).toEqual([]);
    expect(changedVerifiedFields({ ...data, requesterName: 'Nguyễn Thị Anh' }, verified)).toEqual(['requesterName']);
    expect(changedVerifiedFields({ copies: 2, bride: {} }, verified)).toEqual(['requesterName', 'bride.name']);
  });

  it('withValues then changedVerifiedFields finds nothing changed, for any values and paths', () => {
    const key = fc.stringMatching(/^[a-z]{1,6}$/);
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.oneof(
            key,
            fc.tuple(key, key).map(([a, b]) => `${a}.${b}`),
          ),
          fc.string({ maxLength: 20 }),
        ),
        (values) => {
          // A path that is a prefix of another (a and a.b) cannot both hold text.
          const paths = Object.keys(values);
          fc.pre(!paths.some((p) => paths.some((q) => q.startsWith(`${p}.`))));
          expect(changedVerifiedFields(withValues({}, values), values)).toEqual([]);
        },
      ),
    );
  });
});
