/**
 * Service indicators of Decision 766/QĐ-TTg (23 June 2022), "Bộ chỉ số chỉ đạo, điều hành và đánh
 * giá chất lượng phục vụ người dân, doanh nghiệp", as stated in ../shared/domain/RULES.md §4 (the
 * legal annex itself is UNCONFIRMED there; the formulas below are exactly the ones stated). Pure:
 * the server passes aggregated counts, this module turns them into ratios and points.
 *
 * Components whose data the product does not hold yet are returned with `available: false` and the
 * reason; totals are given over the available maximum as well as over 100.
 */

import { rateOf } from './rates.ts';

/** Dossier counts over a period and scope (the counters of the aggregates, migration 0007). */
export interface DossierCounts {
  submitted: number;
  received: number;
  received_online: number;
  received_postal: number;
  with_fee: number;
  fee_paid: number;
  /** Of the dossiers received in the period, those whose result was ready on time (cohort). */
  cohort_on_time: number;
  finished_early: number;
  finished_on_time: number;
  finished_late: number;
  finished_refused: number;
  returned: number;
  returned_online: number;
  refused: number;
  withdrawn: number;
  stopped: number;
  closed_incomplete: number;
  ended: number;
  due: number;
  due_settled: number;
  rated: number;
  rated_satisfied: number;
  rating_points: number;
  rating_max: number;
}

export const COUNT_KEYS = [
  'submitted',
  'received',
  'received_online',
  'received_postal',
  'with_fee',
  'fee_paid',
  'cohort_on_time',
  'finished_early',
  'finished_on_time',
  'finished_late',
  'finished_refused',
  'returned',
  'returned_online',
  'refused',
  'withdrawn',
  'stopped',
  'closed_incomplete',
  'ended',
  'due',
  'due_settled',
  'rated',
  'rated_satisfied',
  'rating_points',
  'rating_max',
] as const satisfies readonly (keyof DossierCounts)[];

export function zeroCounts(): DossierCounts {
  return Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as unknown as DossierCounts;
}

export function addCounts(a: DossierCounts, b: DossierCounts): DossierCounts {
  return Object.fromEntries(COUNT_KEYS.map((k) => [k, a[k] + b[k]])) as unknown as DossierCounts;
}

/** Catalog facts for the "online public services" and "publicity" groups, over the same scope. */
export interface CatalogFacts {
  /** Procedures in scope (current published versions). */
  procedures: number;
  /** Of them, offered online (Decree 42/2022 art. 11: full-process or partial). */
  proceduresOnline: number;
  /** Of them, with complete public content (documents, time limit, fees stated, legal basis). */
  proceduresComplete: number;
  /** Dossiers received for procedures offered online, and of those the online ones. */
  receivedOfOnlineProcedures: number;
  receivedOnlineOfOnlineProcedures: number;
}

export type Text = { vi: string; en: string };

export interface Component {
  key: string;
  label: Text;
  maxPoints: number;
  available: boolean;
  /** The ratio the points come from (0..1, or null when there is nothing to measure). */
  ratio: number | null;
  points: number | null;
  /** Why a component is not available, or how a null ratio was scored. */
  note?: Text;
}

export interface Group {
  key: 'publicity' | 'progress' | 'online_services' | 'online_payment' | 'satisfaction' | 'digitization';
  label: Text;
  maxPoints: number;
  points: number;
  availableMaxPoints: number;
  components: Component[];
}

export interface IndicatorScore {
  groups: Group[];
  /** Points over the components the product can compute. */
  points: number;
  availableMaxPoints: number;
  /** Always 100 (the decision's scale). */
  maxPoints: number;
}

const NOT_HELD = {
  publication: {
    vi: 'Chưa có dữ liệu: ngày công bố/ngày hiệu lực của quyết định công bố thủ tục chưa được lưu',
    en: 'Not held yet: publication and effective dates of the procedure decisions are not recorded',
  },
  sync: {
    vi: 'Chưa có dữ liệu: trạng thái đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia chưa được tổng hợp',
    en: 'Not held yet: synchronization of dossiers to the National Public Service Portal is not aggregated',
  },
  payment: {
    vi: 'Chưa có dữ liệu: hệ thống chưa ghi nhận hình thức thanh toán (trực tuyến hay trực tiếp)',
    en: 'Not held yet: the product does not record how a fee was paid (online or in person)',
  },
  feedback: {
    vi: 'Chưa có dữ liệu: chưa có chức năng tiếp nhận phản ánh, kiến nghị',
    en: 'Not held yet: the product has no feedback (phản ánh, kiến nghị) handling',
  },
  digitization: {
    vi: 'Chưa có dữ liệu: số hóa thành phần hồ sơ, kho dữ liệu cá nhân và tái sử dụng dữ liệu chưa được tổng hợp',
    en: 'Not held yet: digitization of documents, personal data stores and data reuse are not aggregated',
  },
} satisfies Record<string, Text>;

const ratioOf = rateOf;
const round2 = (x: number) => Math.round(x * 100) / 100;

function available(key: string, label: Text, maxPoints: number, ratio: number | null, points: number, note?: Text) {
  return { key, label, maxPoints, available: true, ratio, points: round2(points), ...(note ? { note } : {}) };
}
function missing(key: string, label: Text, maxPoints: number, note: Text): Component {
  return { key, label, maxPoints, available: false, ratio: null, points: null, note };
}
const NOTHING = {
  vi: 'Không có hồ sơ trong kỳ: tính đủ điểm',
  en: 'No dossiers in the period: full points',
};

function group(key: Group['key'], label: Text, maxPoints: number, components: Component[]): Group {
  const avail = components.filter((c) => c.available);
  return {
    key,
    label,
    maxPoints,
    points: round2(avail.reduce((s, c) => s + (c.points ?? 0), 0)),
    availableMaxPoints: avail.reduce((s, c) => s + c.maxPoints, 0),
    components,
  };
}

/** Points per RULES.md §4 for the counts and catalog facts of one scope and period. */
export function scoreIndicators(c: DossierCounts, cat: CatalogFacts): IndicatorScore {
  // 1. Publicity and transparency (18): only "content complete" can be computed from the catalog.
  const complete = ratioOf(cat.proceduresComplete, cat.procedures);
  const publicity = group('publicity', { vi: 'Công khai, minh bạch', en: 'Publicity and transparency' }, 18, [
    missing(
      'published_on_time',
      { vi: 'Công bố, công khai thủ tục đúng hạn', en: 'Procedures published on time' },
      6,
      NOT_HELD.publication,
    ),
    missing(
      'updated_on_time',
      { vi: 'Cập nhật thủ tục đúng hạn', en: 'Procedures updated on time' },
      4,
      NOT_HELD.publication,
    ),
    available(
      'content_complete',
      { vi: 'Nội dung công khai đầy đủ', en: 'Published content complete' },
      2,
      complete,
      2 * (complete ?? 1),
    ),
    missing(
      'synced_to_national_portal',
      { vi: 'Hồ sơ đồng bộ lên Cổng DVC quốc gia', en: 'Dossiers synchronized to the national portal' },
      6,
      NOT_HELD.sync,
    ),
  ]);

  // 2. Processing progress (20): 20 × on-time dossiers / received dossiers (cohort of the period).
  const onTime = ratioOf(c.cohort_on_time, c.received);
  const progress = group('progress', { vi: 'Tiến độ giải quyết', en: 'Processing progress' }, 20, [
    available(
      'on_time',
      { vi: 'Hồ sơ giải quyết đúng hạn / hồ sơ tiếp nhận', en: 'Dossiers settled on time / received' },
      20,
      onTime,
      20 * (onTime ?? 1),
      onTime === null ? NOTHING : undefined,
    ),
  ]);

  // 3. Online public services (12): min(2, 2·A/0.8) + 4·B + min(6, 6·C/0.5).
  const a = ratioOf(cat.proceduresOnline, cat.procedures);
  const b = ratioOf(cat.receivedOnlineOfOnlineProcedures, cat.receivedOfOnlineProcedures);
  const cc = ratioOf(c.received_online, c.received);
  const online = group('online_services', { vi: 'Cung cấp dịch vụ trực tuyến', en: 'Online public services' }, 12, [
    available(
      'procedures_online',
      { vi: 'Tỷ lệ thủ tục cung cấp trực tuyến', en: 'Procedures offered online' },
      2,
      a,
      Math.min(2, (2 * (a ?? 0)) / 0.8),
    ),
    available(
      'online_dossiers_of_online_services',
      { vi: 'Hồ sơ trực tuyến / hồ sơ của dịch vụ trực tuyến', en: 'Online dossiers of online services' },
      4,
      b,
      4 * (b ?? 0),
    ),
    available(
      'received_online',
      { vi: 'Tỷ lệ hồ sơ tiếp nhận trực tuyến', en: 'Dossiers received online' },
      6,
      cc,
      Math.min(6, (6 * (cc ?? 0)) / 0.5),
    ),
  ]);

  // 4. Online payment (10): 6·A + min(2, 2.5·B) + 2.5·C — the product does not record how fees are paid.
  const payment = group('online_payment', { vi: 'Thanh toán trực tuyến', en: 'Online payment' }, 10, [
    missing('paid_online', { vi: 'Hồ sơ thanh toán trực tuyến', en: 'Dossiers paid online' }, 6, NOT_HELD.payment),
    missing(
      'payment_b',
      { vi: 'Thủ tục có phát sinh thanh toán trực tuyến', en: 'Procedures with online payments' },
      2,
      NOT_HELD.payment,
    ),
    missing(
      'payment_c',
      { vi: 'Giao dịch thanh toán trực tuyến', en: 'Online payment transactions' },
      2,
      NOT_HELD.payment,
    ),
  ]);

  // 5. Satisfaction (18): reception satisfaction min(6, 6·r/0.9); feedback items need feedback data.
  const satisfied = ratioOf(c.rated_satisfied, c.rated);
  const satisfaction = group('satisfaction', { vi: 'Mức độ hài lòng', en: 'Satisfaction' }, 18, [
    available(
      'reception_satisfaction',
      { vi: 'Hài lòng về tiếp nhận, giải quyết', en: 'Satisfaction with reception and handling' },
      6,
      satisfied,
      Math.min(6, (6 * (satisfied ?? 1)) / 0.9),
      satisfied === null ? { vi: 'Chưa có đánh giá: tính đủ điểm', en: 'No ratings yet: full points' } : undefined,
    ),
    missing(
      'feedback_on_time',
      { vi: 'Xử lý phản ánh, kiến nghị đúng hạn', en: 'Feedback handled on time' },
      6,
      NOT_HELD.feedback,
    ),
    missing(
      'feedback_satisfaction',
      { vi: 'Hài lòng về xử lý phản ánh, kiến nghị', en: 'Satisfaction with feedback handling' },
      6,
      NOT_HELD.feedback,
    ),
  ]);

  // 6. Digitization (22): electronic results from the return method; the rest is not held yet.
  const electronic = ratioOf(c.returned_online, c.returned);
  const digitization = group('digitization', { vi: 'Số hóa hồ sơ, kết quả', en: 'Digitization' }, 22, [
    available(
      'electronic_results',
      { vi: 'Kết quả giải quyết trả bản điện tử', en: 'Results delivered electronically' },
      6,
      electronic,
      6 * (electronic ?? 0),
    ),
    missing(
      'documents_digitized',
      { vi: 'Thành phần hồ sơ được số hóa', en: 'Dossier documents digitized' },
      4,
      NOT_HELD.digitization,
    ),
    missing(
      'personal_store',
      { vi: 'Đồng bộ kho dữ liệu cá nhân', en: 'Synced to personal data stores' },
      4,
      NOT_HELD.digitization,
    ),
    missing('reuse', { vi: 'Tái sử dụng dữ liệu số hóa', en: 'Reuse of digitized data' }, 2, NOT_HELD.digitization),
    missing(
      'citizen_data_dossier',
      { vi: 'Kết nối dữ liệu dân cư theo hồ sơ', en: 'Citizen data connected per dossier' },
      2,
      NOT_HELD.digitization,
    ),
    missing(
      'citizen_data_procedure',
      { vi: 'Kết nối dữ liệu dân cư theo thủ tục', en: 'Citizen data connected per procedure' },
      2,
      NOT_HELD.digitization,
    ),
    missing(
      'certified_copies',
      { vi: 'Chứng thực bản sao điện tử', en: 'Electronic certified copies' },
      2,
      NOT_HELD.digitization,
    ),
  ]);

  const groups = [publicity, progress, online, payment, satisfaction, digitization];
  return {
    groups,
    points: round2(groups.reduce((s, g) => s + g.points, 0)),
    availableMaxPoints: groups.reduce((s, g) => s + g.availableMaxPoints, 0),
    maxPoints: 100,
  };
}

/** Dossiers in progress at the end of a period, from cumulative counts up to that day. */
export function pendingFrom(cumulative: Pick<DossierCounts, 'received' | 'ended' | 'due' | 'due_settled'>) {
  const pending = cumulative.received - cumulative.ended;
  const overdue = cumulative.due - cumulative.due_settled;
  return { pending, overdue, onTime: pending - overdue };
}
