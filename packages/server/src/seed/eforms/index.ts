import { type PrefillMap, withFieldOrder } from '@motcua/core';
import {
  BIRTH_REGISTRATION,
  DEATH_REGISTRATION,
  MARITAL_STATUS_CERTIFICATE,
  MARRIAGE_REGISTRATION,
} from './civil-status.ts';
import type { JsonSchema } from './fields.ts';
import {
  CERTIFIED_COPY_REQUEST,
  HOUSEHOLD_BUSINESS_REGISTRATION,
  LAND_CERTIFICATE_CORRECTION,
  LAND_CERTIFICATE_REISSUE_FORM,
  LAND_CHANGE_REGISTRATION,
  LAND_FIRST_REGISTRATION,
  LAND_PARCEL_MERGE,
  RESIDENCE_CHANGE_CT01,
} from './others.ts';

/**
 * Prefill (issue 17): the requester of a civil-status declaration is the person signed in, whose
 * name, ID and residence the population DB holds; a land user or a business owner likewise (for
 * an organization, its name and seat from the business registry). Fields about someone else (the
 * child, the deceased, the spouse) are never prefilled: the register would give the wrong person.
 */
const REQUESTER: PrefillMap = {
  requesterName: 'person.fullName',
  requesterResidence: 'person.currentResidence',
  requesterIdNumber: 'person.personalId',
};
const LAND_USER: PrefillMap = {
  ownerName: ['business.name', 'person.fullName'],
  ownerIdNumber: 'person.personalId',
  ownerAddress: ['business.headOfficeAddress', 'person.permanentResidence'],
  ownerPhone: 'contact.phone',
};

/**
 * The seeded procedures that have an interactive e-form (the fields of their official tờ khai or
 * đơn; each schema's $comment cites its source), by the procedure's national code where it has
 * one and by its exact name otherwise. docs/eforms.md lists them.
 */
export const SEEDED_EFORMS: {
  code: string | null;
  name: string;
  schema: JsonSchema;
  prefill?: PrefillMap;
  /** VNeID level required to apply online (demo choice: residence registration needs level 2, as VNeID asks). */
  identityLevel?: 1 | 2;
}[] = [
  { code: '1.001193', name: 'Đăng ký khai sinh', schema: BIRTH_REGISTRATION, prefill: REQUESTER },
  { code: '1.000894', name: 'Đăng ký kết hôn', schema: MARRIAGE_REGISTRATION },
  { code: '1.000656', name: 'Đăng ký khai tử', schema: DEATH_REGISTRATION, prefill: REQUESTER },
  {
    code: '1.004873',
    name: 'Cấp Giấy xác nhận tình trạng hôn nhân',
    schema: MARITAL_STATUS_CERTIFICATE,
    prefill: REQUESTER,
  },
  {
    code: '1.004222',
    name: 'Đăng ký thường trú',
    schema: RESIDENCE_CHANGE_CT01,
    prefill: {
      fullName: 'person.fullName',
      birthDate: 'person.dateOfBirth',
      sex: 'person.sex',
      idNumber: 'person.personalId',
      phone: 'contact.phone',
      email: 'contact.email',
    },
    identityLevel: 2,
  },
  {
    code: '2.000815',
    name: 'Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam; cơ quan, tổ chức có thẩm quyền của nước ngoài; cơ quan, tổ chức có thẩm quyền của Việt Nam liên kết với cơ quan, tổ chức có thẩm quyền của nước ngoài cấp hoặc chứng nhận',
    schema: CERTIFIED_COPY_REQUEST,
    prefill: { requesterName: 'person.fullName', requesterIdNumber: 'person.personalId' },
  },
  {
    code: '1.001612',
    name: 'Đăng ký thành lập hộ kinh doanh',
    schema: HOUSEHOLD_BUSINESS_REGISTRATION,
    prefill: {
      phone: 'contact.phone',
      email: 'contact.email',
      ownerName: 'person.fullName',
      ownerBirthDate: 'person.dateOfBirth',
      ownerSex: 'person.sex',
      ownerEthnicity: 'person.ethnicity',
      ownerNationality: 'person.nationality',
      ownerIdNumber: 'person.personalId',
      ownerAddress: 'person.currentResidence',
    },
  },
  {
    code: null,
    name: 'Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu (cá nhân, hộ gia đình)',
    schema: LAND_FIRST_REGISTRATION,
    prefill: LAND_USER,
  },
  {
    code: null,
    name: 'Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất (chuyển đổi, chuyển nhượng, thừa kế, tặng cho, góp vốn…)',
    schema: LAND_CHANGE_REGISTRATION,
    prefill: LAND_USER,
  },
  {
    code: '1.012796',
    name: 'Đính chính Giấy chứng nhận đã cấp lần đầu có sai sót (thẩm quyền UBND cấp xã)',
    schema: LAND_CERTIFICATE_CORRECTION,
    prefill: LAND_USER,
  },
  {
    code: null,
    name: 'Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất',
    schema: LAND_CERTIFICATE_REISSUE_FORM,
    prefill: LAND_USER,
  },
  { code: null, name: 'Hợp thửa đất', schema: LAND_PARCEL_MERGE, prefill: LAND_USER },
];

/** The e-form of a seeded procedure, with its field order stored as `ui:order` (jsonb reorders keys). */
export function seededEForm(p: { code: string | null; name: string }): SeededEForm | null {
  const name = p.name.trim();
  const found = SEEDED_EFORMS.find((f) => (f.code !== null && f.code === p.code) || f.name === name);
  if (!found) return null;
  return {
    schema: found.schema as SeededEForm['schema'],
    uiSchema: withFieldOrder(found.schema, null),
    ...(found.prefill ? { prefill: found.prefill as SeededEForm['prefill'] } : {}),
  };
}

/** The VNeID level a seeded procedure requires online, or null. */
export function seededIdentityLevel(p: { code: string | null; name: string }): 1 | 2 | null {
  const name = p.name.trim();
  return SEEDED_EFORMS.find((f) => (f.code !== null && f.code === p.code) || f.name === name)?.identityLevel ?? null;
}

type SeededEForm = {
  schema: { type: 'object'; properties: Record<string, unknown>; [k: string]: unknown };
  uiSchema: Record<string, unknown> | null;
  prefill?: Record<string, PrefillMap[string]>;
};
