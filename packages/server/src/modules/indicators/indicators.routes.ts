import { localDateOf, type OfficerRole, onTimeRate, rateOf } from '@motcua/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { Problem } from '../../shared/problem.ts';
import type { ReadRouter } from '../../shared/read-replica.ts';
import { agencyWithParent } from '../agencies/agencies.queries.ts';
import {
  renderSettlementXlsx,
  SETTLEMENT_CSV_HEADER,
  settlementReport,
  toCsv,
  totalRow,
} from './indicators.reports.ts';
import { BreakdownSchema, DrillSchema, IndicatorReportSchema, SeriesSchema } from './indicators.schemas.ts';
import {
  breakdown,
  DRILL_METRICS,
  drillDown,
  indicatorReport,
  type Period,
  type PeriodKind,
  periodOf,
  type Scope,
  series,
} from './indicators.service.ts';

/** Leaders see their unit's subtree; provincial leaders and administrators the province. */
const VIEWERS: OfficerRole[] = ['leader', 'provincial_leader', 'admin'];

const ScopeQuery = {
  agencyId: z.uuid().optional().describe('Cơ quan (kèm các đơn vị trực thuộc) / Agency with its subtree'),
  fieldCode: z.string().min(1).max(40).optional().describe('Mã lĩnh vực / Field code'),
  procedureId: z.uuid().optional(),
  period: z.enum(['day', 'week', 'month', 'quarter', 'year', 'custom']).default('month'),
  date: z.iso.date().optional().describe('Một ngày trong kỳ (mặc định hôm nay) / A day in the period (default today)'),
  from: z.iso.date().optional().describe('Kỳ tùy chọn: từ ngày / custom period: first day'),
  to: z.iso.date().optional().describe('Kỳ tùy chọn: đến ngày / custom period: last day'),
};
const ScopeQuerySchema = z.strictObject(ScopeQuery);
type ScopeQueryT = z.infer<typeof ScopeQuerySchema>;

const MAX_CUSTOM_DAYS = 3 * 366;

function resolvePeriod(q: ScopeQueryT, now: Date): { kind: PeriodKind; period: Period } {
  if (q.period === 'custom') {
    if (!q.from || !q.to) {
      throw new Problem('validation_failed', {
        detail: { vi: 'Kỳ tùy chọn cần cả từ ngày và đến ngày', en: 'A custom period needs both from and to' },
      });
    }
    const days = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000;
    if (days < 0 || days > MAX_CUSTOM_DAYS) {
      throw new Problem('validation_failed', {
        detail: {
          vi: 'Từ ngày phải trước đến ngày, và kỳ không quá 3 năm',
          en: 'from must not be after to, and the period must not exceed 3 years',
        },
      });
    }
    return { kind: 'custom', period: { from: q.from, to: q.to } };
  }
  return { kind: q.period, period: periodOf(q.period, q.date ?? localDateOf(now)) };
}

async function resolveScope(db: Db, req: FastifyRequest, q: ScopeQueryT) {
  const actor = req.actor;
  if (actor.kind !== 'officer') throw new Problem('forbidden');
  const agencyId = q.agencyId ?? actor.agencyId;
  const agency = await agencyWithParent(db, agencyId);
  // Only the leader's own agency or one below it; other agencies answer as unknown.
  if (!agency?.path.startsWith(actor.agencyPath)) throw new Problem('not_found');
  const scope: Scope = { agencyPath: agency.path, fieldCode: q.fieldCode, procedureId: q.procedureId };
  return { scope, agency };
}

/**
 * Every route here only reads: each runs on the read replica when it is within its lag bound
 * (`reads.run`, shared/read-replica.ts), else on the primary.
 */
export async function indicatorRoutes(app: FastifyInstance, opts: { reads: ReadRouter }) {
  const { reads } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/indicators',
    {
      config: { access: VIEWERS },
      schema: {
        tags: ['indicators'],
        summary:
          'Chỉ số phục vụ (Quyết định 766/QĐ-TTg) và số liệu hồ sơ của một kỳ / Service indicators and dossier counts of a period',
        querystring: ScopeQuerySchema,
        response: { 200: IndicatorReportSchema },
      },
    },
    async (req) => {
      const now = new Date();
      const { kind, period } = resolvePeriod(req.query, now);
      return reads.run(async (db) => {
        const { scope, agency } = await resolveScope(db, req, req.query);
        const report = await indicatorReport(db, scope, kind, period, now);
        return { agency: { id: agency.id, code: agency.code, name: agency.name }, ...report };
      });
    },
  );

  r.get(
    '/indicators/breakdown',
    {
      config: { access: VIEWERS },
      schema: {
        tags: ['indicators'],
        summary:
          'Số liệu theo đơn vị trực thuộc, lĩnh vực hoặc thủ tục; xếp hạng theo tỷ lệ đúng hạn / Counts per sub-agency, field or procedure; ranking by on-time rate',
        querystring: z.strictObject({
          ...ScopeQuery,
          by: z.enum(['agency', 'field', 'procedure']).default('agency'),
          format: z.enum(['json', 'csv']).default('json'),
        }),
        response: { 200: BreakdownSchema },
      },
    },
    async (req, reply) => {
      const { period } = resolvePeriod(req.query, new Date());
      const counted = await reads.run(async (db) => {
        const { scope } = await resolveScope(db, req, req.query);
        return breakdown(db, scope, period, req.query.by);
      });
      const rows = counted.map((b) => {
        const c = b.counts;
        const finished = c.finished_early + c.finished_on_time + c.finished_late;
        return {
          key: b.key,
          code: b.code,
          name: b.name,
          received: c.received,
          receivedOnline: c.received_online,
          finished,
          finishedEarly: c.finished_early,
          finishedOnTime: c.finished_on_time,
          finishedLate: c.finished_late,
          returned: c.returned,
          refused: c.refused,
          withdrawn: c.withdrawn,
          // Core's rates: null when there is nothing to measure (shown as "—"), never 100 %.
          onTimeRate: onTimeRate(c),
          onlineRate: rateOf(c.received_online, c.received),
          satisfactionRate: rateOf(c.rated_satisfied, c.rated),
        };
      });
      // Ranking: highest on-time rate first; agencies with nothing finished last.
      rows.sort((a, b) => (b.onTimeRate ?? -1) - (a.onTimeRate ?? -1) || b.finished - a.finished);
      const ranked = rows.map((row, i) => ({ rank: i + 1, ...row }));
      if (req.query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="chi-so-theo-${req.query.by}-${period.from}-${period.to}.csv"`,
          )
          .send(toCsv(BREAKDOWN_CSV, ranked) as never); // text, not the JSON shape
      }
      return { period, by: req.query.by, items: ranked };
    },
  );

  r.get(
    '/indicators/series',
    {
      config: { access: VIEWERS },
      schema: {
        tags: ['indicators'],
        summary: 'Diễn biến theo ngày hoặc theo tháng / Counts per day or per month',
        querystring: z.strictObject({ ...ScopeQuery, granularity: z.enum(['day', 'month']).default('day') }),
        response: { 200: SeriesSchema },
      },
    },
    async (req) => {
      const { period } = resolvePeriod(req.query, new Date());
      const items = await reads.run(async (db) => {
        const { scope } = await resolveScope(db, req, req.query);
        return series(db, scope, period, req.query.granularity);
      });
      return { period, granularity: req.query.granularity, items };
    },
  );

  r.get(
    '/indicators/dossiers',
    {
      config: { access: VIEWERS },
      schema: {
        tags: ['indicators'],
        summary: 'Danh sách hồ sơ đứng sau một số liệu / The dossiers behind a number',
        querystring: z.strictObject({
          ...ScopeQuery,
          metric: z.enum(DRILL_METRICS),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
          format: z.enum(['json', 'csv']).default('json'),
        }),
        response: { 200: DrillSchema },
      },
    },
    async (req, reply) => {
      const now = new Date();
      const { period } = resolvePeriod(req.query, now);
      const csv = req.query.format === 'csv';
      // CSV: the whole list, in pages of the database's choosing.
      const page = await reads.run(async (db) => {
        const { scope } = await resolveScope(db, req, req.query);
        return drillDown(db, scope, period, req.query.metric, now, {
          limit: csv ? 100_000 : req.query.limit,
          offset: csv ? 0 : req.query.offset,
        });
      });
      if (csv) {
        return reply
          .type('text/csv; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="ho-so-${req.query.metric}-${period.from}-${period.to}.csv"`,
          )
          .send(toCsv(DOSSIER_CSV, page.items) as never); // text, not the JSON shape
      }
      const iso = (d: Date | null) => (d === null ? null : d.toISOString());
      return {
        period,
        metric: req.query.metric,
        total: page.total,
        items: page.items.map((i) => ({
          ...i,
          receivedAt: iso(i.receivedAt),
          due: iso(i.due),
          resultAt: iso(i.resultAt),
          returnedAt: iso(i.returnedAt),
          finishedAt: iso(i.finishedAt),
        })),
      };
    },
  );

  r.get(
    '/reports/settlement',
    {
      config: { access: VIEWERS },
      schema: {
        tags: ['indicators'],
        summary:
          'Báo cáo tình hình, kết quả giải quyết TTHC (Excel hoặc CSV) / Periodic report on the settlement of procedures',
        querystring: z.strictObject({ ...ScopeQuery, format: z.enum(['xlsx', 'csv', 'json']).default('xlsx') }),
      },
    },
    async (req, reply) => {
      const { period } = resolvePeriod(req.query, new Date());
      const { agency, rows } = await reads.run(async (db) => {
        const { scope, agency } = await resolveScope(db, req, req.query);
        return { agency, rows: await settlementReport(db, scope, period) };
      });
      const name = `bao-cao-giai-quyet-tthc-${period.from}-${period.to}`;
      if (req.query.format === 'json') return { period, items: rows, total: totalRow(rows) };
      if (req.query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}.csv"`)
          .send(toCsv(SETTLEMENT_CSV_HEADER, [...rows, totalRow(rows)]));
      }
      const xlsx = await renderSettlementXlsx(rows, {
        agencyName: agency.name,
        parentName: agency.parent_name ?? null,
        period,
        generatedAt: new Date(),
      });
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${name}.xlsx"`)
        .send(xlsx);
    },
  );
}

const BREAKDOWN_CSV = [
  { key: 'rank', label: 'Hạng / Rank' },
  { key: 'code', label: 'Mã / Code' },
  { key: 'name', label: 'Tên / Name' },
  { key: 'received', label: 'Tiếp nhận / Received' },
  { key: 'receivedOnline', label: 'Trực tuyến / Online' },
  { key: 'finished', label: 'Đã giải quyết / Settled' },
  { key: 'finishedEarly', label: 'Trước hạn / Early' },
  { key: 'finishedOnTime', label: 'Đúng hạn / On time' },
  { key: 'finishedLate', label: 'Quá hạn / Late' },
  { key: 'returned', label: 'Đã trả kết quả / Returned' },
  { key: 'refused', label: 'Từ chối / Refused' },
  { key: 'withdrawn', label: 'Rút hồ sơ / Withdrawn' },
  { key: 'onTimeRate', label: 'Tỷ lệ đúng hạn / On-time rate' },
  { key: 'onlineRate', label: 'Tỷ lệ trực tuyến / Online rate' },
  { key: 'satisfactionRate', label: 'Tỷ lệ hài lòng / Satisfaction rate' },
];

const DOSSIER_CSV = [
  { key: 'code', label: 'Số hồ sơ / Dossier code' },
  { key: 'procedureName', label: 'Thủ tục / Procedure' },
  { key: 'applicantName', label: 'Người nộp / Applicant' },
  { key: 'agencyName', label: 'Cơ quan giải quyết / Responsible agency' },
  { key: 'status', label: 'Trạng thái / Status' },
  { key: 'channel', label: 'Kênh / Channel' },
  { key: 'receivedAt', label: 'Ngày tiếp nhận / Received' },
  { key: 'due', label: 'Hẹn trả / Appointment' },
  { key: 'resultAt', label: 'Có kết quả / Result ready' },
  { key: 'returnedAt', label: 'Trả kết quả / Returned' },
  { key: 'finishedAt', label: 'Kết thúc / Ended' },
];
