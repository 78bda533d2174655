import { describe, expect, test } from 'vitest';
import { fillFromSchema, sampleForPattern } from './form-filler.ts';

/** The journey's e-form filler: literal expectations, so that a filler bug is not mistaken for a server one. */
describe('the e-form filler of the catalog journey', () => {
  test.each([
    ['^[0-9]{12}$', '000000000000'],
    ['^\\d{9,12}$', '000000000'],
    ['^(0|\\+84)[0-9]{9}$', '0000000000'],
    ['^[A-Z]{2}-\\d{3}$', 'AA-000'],
    ['^(?:Nam|Nữ)$', 'Nam'],
    ['^\\p{L}+( \\p{L}+)*$', 'a'],
    ['^[^@]+@[a-z]+\\.vn$', 'x@a.vn'],
  ])('pattern %s → %s', (pattern, sample) => {
    expect(sampleForPattern(pattern)).toBe(sample);
    expect(new RegExp(pattern, 'u').test(sample)).toBe(true);
  });

  test('fills every property: formats, enums, consts, bounds, nested objects, arrays, $ref', () => {
    const schema = {
      type: 'object',
      $defs: { person: { type: 'object', properties: { ho_ten: { type: 'string' } }, required: ['ho_ten'] } },
      required: ['ngay_sinh', 'gioi_tinh', 'so_cccd'],
      properties: {
        ngay_sinh: { type: 'string', format: 'date' },
        email: { type: 'string', format: 'email' },
        gioi_tinh: { type: 'string', enum: ['Nam', 'Nữ'] },
        loai: { const: 'ban_sao' },
        so_cccd: { type: 'string', pattern: '^[0-9]{12}$' },
        so_ban: { type: 'integer', minimum: 2, maximum: 10 },
        dien_tich: { type: 'number', exclusiveMinimum: 0 },
        dong_y: { type: 'boolean' },
        ghi_chu: { type: 'string', maxLength: 5 },
        nguoi_yeu_cau: { $ref: '#/$defs/person' },
        con: { type: 'array', minItems: 2, items: { type: 'string', enum: ['A', 'B', 'C'] }, uniqueItems: true },
      },
    };
    expect(fillFromSchema(schema)).toEqual({
      ngay_sinh: '2026-11-16',
      email: 'nguoinop@example.vn',
      gioi_tinh: 'Nam',
      loai: 'ban_sao',
      so_cccd: '000000000000',
      so_ban: 2,
      dien_tich: 1,
      dong_y: true,
      ghi_chu: 'Nội d',
      nguoi_yeu_cau: { ho_ten: 'Nguyễn Thị Ánh' },
      con: ['A', 'B'],
    });
  });
});
