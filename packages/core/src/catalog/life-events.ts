/**
 * Life events (sự kiện): how the National Public Service Portal (dichvucong.gov.vn) lets citizens
 * and businesses browse procedures by what is happening to them rather than by the ministry's
 * field. Decision 06/QĐ-TTg (2022) builds the two inter-linked procedure groups around such events
 * (birth; death). The list follows the portal's grouping; a procedure may belong to several.
 */
export type LifeEventAudience = 'citizen' | 'organization';

export type LifeEvent = { code: string; audience: LifeEventAudience; vi: string; en: string };

export const LIFE_EVENTS = [
  { code: 'birth', audience: 'citizen', vi: 'Có con nhỏ', en: 'Having a baby' },
  { code: 'marriage', audience: 'citizen', vi: 'Hôn nhân và gia đình', en: 'Marriage and family' },
  { code: 'residence', audience: 'citizen', vi: 'Cư trú và giấy tờ tùy thân', en: 'Residence and identity papers' },
  { code: 'housing_land', audience: 'citizen', vi: 'Nhà ở, đất đai, xây dựng', en: 'Housing, land and building' },
  { code: 'work', audience: 'citizen', vi: 'Học tập và việc làm', en: 'Study and work' },
  { code: 'vehicle', audience: 'citizen', vi: 'Phương tiện và người lái', en: 'Vehicles and drivers' },
  {
    code: 'social_support',
    audience: 'citizen',
    vi: 'Hưu trí và trợ giúp xã hội',
    en: 'Retirement and social support',
  },
  { code: 'death', audience: 'citizen', vi: 'Người thân qua đời', en: 'Death of a relative' },
  { code: 'papers', audience: 'citizen', vi: 'Chứng thực và xác nhận giấy tờ', en: 'Certifying documents' },
  { code: 'disputes', audience: 'citizen', vi: 'Hòa giải và tranh chấp', en: 'Mediation and disputes' },
  { code: 'start_business', audience: 'organization', vi: 'Khởi sự kinh doanh', en: 'Starting a business' },
  {
    code: 'business_operations',
    audience: 'organization',
    vi: 'Hoạt động kinh doanh, điều kiện kinh doanh',
    en: 'Running a business, business conditions',
  },
  {
    code: 'employment',
    audience: 'organization',
    vi: 'Lao động và người lao động nước ngoài',
    en: 'Employees and foreign workers',
  },
] as const satisfies readonly LifeEvent[];

export type LifeEventCode = (typeof LIFE_EVENTS)[number]['code'];
export const LIFE_EVENT_CODES = LIFE_EVENTS.map((e) => e.code) as [LifeEventCode, ...LifeEventCode[]];

export function isLifeEventCode(code: string): code is LifeEventCode {
  return (LIFE_EVENT_CODES as readonly string[]).includes(code);
}
