import { describe, expect, it } from 'vitest';
import { eformErrorOf, eformErrorPointer, eformErrorText } from './messages.ts';

const schema = {
  type: 'object',
  properties: {
    soThua: { type: 'string', title: 'Số thửa đất', minLength: 1, maxLength: 20 },
    cccd: { type: 'string', title: 'Số định danh cá nhân', pattern: '^[0-9]{12}$' },
    maSo: { type: 'string', title: 'Mã hồ sơ', pattern: '^[A-Z]{2}$' },
    ngaySinh: { type: 'string', title: 'Ngày sinh', format: 'date' },
    email: { type: 'string', title: 'Thư điện tử', format: 'email' },
    gioiTinh: { type: 'string', title: 'Giới tính', enum: ['Nam', 'Nữ'] },
    dienTich: { type: 'number', title: 'Diện tích (m²)', exclusiveMinimum: 0, maximum: 100000000 },
    soBan: { type: 'integer', title: 'Số bản sao', minimum: 1, maximum: 10 },
    dongY: { type: 'boolean', title: 'Đồng ý' },
    thanhVien: {
      type: 'array',
      title: 'Thành viên',
      minItems: 2,
      items: { type: 'object', properties: { hoTen: { type: 'string', title: 'Họ tên' } }, required: ['hoTen'] },
    },
    noTitle: { type: 'string', minLength: 3 },
  },
  required: ['soThua'],
};

const t = (keyword: string, instancePath: string, params: Record<string, unknown>) =>
  eformErrorText({ keyword, instancePath, params }, schema);

describe('eformErrorText: each Ajv keyword the e-forms use, in Vietnamese and English, naming the field by its title', () => {
  it.each([
    ['required', '', { missingProperty: 'soThua' }, 'Vui lòng nhập “Số thửa đất”', 'Please enter “Số thửa đất”'],
    ['required', '', { missingProperty: 'gioiTinh' }, 'Vui lòng chọn “Giới tính”', 'Please choose “Giới tính”'],
    ['required', '', { missingProperty: 'dongY' }, 'Vui lòng chọn “Đồng ý”', 'Please choose “Đồng ý”'],
    [
      'required',
      '/thanhVien/1',
      { missingProperty: 'hoTen' },
      'Vui lòng nhập “Họ tên” (dòng 2)',
      'Please enter “Họ tên” (row 2)',
    ],
    ['type', '/dienTich', { type: 'number' }, '“Diện tích (m²)” phải là số', '“Diện tích (m²)” must be a number'],
    ['type', '/soBan', { type: 'integer' }, '“Số bản sao” phải là số nguyên', '“Số bản sao” must be a whole number'],
    [
      'format',
      '/ngaySinh',
      { format: 'date' },
      '“Ngày sinh” phải là ngày hợp lệ (ngày/tháng/năm)',
      '“Ngày sinh” must be a valid date (dd/mm/yyyy)',
    ],
    [
      'format',
      '/email',
      { format: 'email' },
      '“Thư điện tử” phải là địa chỉ thư điện tử hợp lệ',
      '“Thư điện tử” must be a valid email address',
    ],
    [
      'pattern',
      '/cccd',
      { pattern: '^[0-9]{12}$' },
      '“Số định danh cá nhân” phải gồm đúng 12 chữ số',
      '“Số định danh cá nhân” must be exactly 12 digits',
    ],
    [
      'pattern',
      '/maSo',
      { pattern: '^[A-Z]{2}$' },
      '“Mã hồ sơ” không đúng định dạng',
      '“Mã hồ sơ” is not in the expected format',
    ],
    ['minLength', '/soThua', { limit: 1 }, 'Vui lòng nhập “Số thửa đất”', 'Please enter “Số thửa đất”'],
    [
      'minLength',
      '/noTitle',
      { limit: 3 },
      '“noTitle” phải có ít nhất 3 ký tự',
      '“noTitle” must be at least 3 characters',
    ],
    [
      'maxLength',
      '/soThua',
      { limit: 20 },
      '“Số thửa đất” chỉ được có tối đa 20 ký tự',
      '“Số thửa đất” must be at most 20 characters',
    ],
    [
      'minimum',
      '/soBan',
      { comparison: '>=', limit: 1 },
      '“Số bản sao” phải lớn hơn hoặc bằng 1',
      '“Số bản sao” must be at least 1',
    ],
    [
      'maximum',
      '/dienTich',
      { comparison: '<=', limit: 100000000 },
      '“Diện tích (m²)” phải nhỏ hơn hoặc bằng 100.000.000',
      '“Diện tích (m²)” must be at most 100,000,000',
    ],
    [
      'exclusiveMinimum',
      '/dienTich',
      { comparison: '>', limit: 0.5 },
      '“Diện tích (m²)” phải lớn hơn 0,5',
      '“Diện tích (m²)” must be more than 0.5',
    ],
    [
      'enum',
      '/gioiTinh',
      { allowedValues: ['Nam', 'Nữ'] },
      '“Giới tính” phải là một trong các giá trị: “Nam”; “Nữ”',
      '“Giới tính” must be one of: “Nam”; “Nữ”',
    ],
    [
      'minItems',
      '/thanhVien',
      { limit: 2 },
      '“Thành viên” phải có ít nhất 2 dòng',
      '“Thành viên” must have at least 2 rows',
    ],
    ['additionalProperties', '', { additionalProperty: 'x' }, 'Tờ khai không có mục “x”', 'The form has no field “x”'],
    ['not', '/soThua', {}, '“Số thửa đất” không hợp lệ', '“Số thửa đất” is not valid'],
    ['type', '', { type: 'object' }, 'Tờ khai phải là nhóm thông tin', 'The form must be a group of fields'],
  ])('%s at %j', (keyword, path, params, vi, en) => {
    expect(t(keyword, path, params)).toEqual({ vi, en });
  });

  it('an enum of more than six options is not listed in full', () => {
    const many = { type: 'object', properties: { d: { title: 'Dân tộc', enum: ['1', '2', '3', '4', '5', '6', '7'] } } };
    expect(
      eformErrorText(
        { keyword: 'enum', instancePath: '/d', params: { allowedValues: ['1', '2', '3', '4', '5', '6', '7'] } },
        many,
      ),
    ).toEqual({
      vi: '“Dân tộc” phải được chọn trong danh sách',
      en: '“Dân tộc” must be chosen from the list',
    });
  });

  it('nested objects: the title of the inner field', () => {
    const nested = {
      type: 'object',
      properties: {
        bride: { type: 'object', title: 'Bên nữ', properties: { name: { type: 'string', title: 'Họ, chữ đệm, tên' } } },
      },
    };
    expect(
      eformErrorText({ keyword: 'required', instancePath: '/bride', params: { missingProperty: 'name' } }, nested),
    ).toEqual({
      vi: 'Vui lòng nhập “Họ, chữ đệm, tên”',
      en: 'Please enter “Họ, chữ đệm, tên”',
    });
  });
});

describe('rjsf errors → the same words', () => {
  it('required: rjsf appends the missing property to `property`', () => {
    const e = eformErrorOf({ name: 'required', property: '.soThua', params: { missingProperty: 'soThua' } });
    expect(e).toEqual({ keyword: 'required', instancePath: '', params: { missingProperty: 'soThua' } });
    expect(eformErrorText(e, schema).vi).toBe('Vui lòng nhập “Số thửa đất”');
    expect(eformErrorPointer(e)).toBe('/soThua');
  });

  it('a field of a list row', () => {
    const e = eformErrorOf({ name: 'required', property: '.thanhVien.0.hoTen', params: { missingProperty: 'hoTen' } });
    expect(e.instancePath).toBe('/thanhVien/0');
    expect(eformErrorText(e, schema).en).toBe('Please enter “Họ tên” (row 1)');
  });

  it('a pattern error keeps its path', () => {
    const e = eformErrorOf({ name: 'pattern', property: '.cccd', params: { pattern: '^[0-9]{12}$' } });
    expect(e).toEqual({ keyword: 'pattern', instancePath: '/cccd', params: { pattern: '^[0-9]{12}$' } });
    expect(eformErrorPointer(e)).toBe('/cccd');
  });
});
