import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Breadcrumb,
  Button,
  Card,
  Col,
  DatePicker,
  Drawer,
  Progress,
  Row,
  Segmented,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { type CSSProperties, type ReactNode, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ok } from '../api/client.ts';
import { fmtDate, fmtDateTime } from '../format.ts';
import { ErrorText, Loading } from '../shared/Loading.tsx';
import { EChart } from './EChart.tsx';

/**
 * Leader dashboard: the service indicators of Decision 766/QĐ-TTg and the dossier counts of a
 * period for the leader's agency (with its subtree), a field or a procedure; trend against the
 * previous period; every number opens the list of dossiers behind it; agencies ranked by on-time
 * rate; the periodic report as Excel and every list as CSV.
 */

type Lang = 'vi' | 'en';
type Kind = 'day' | 'week' | 'month' | 'quarter' | 'year' | 'custom';
type Metric =
  | 'received'
  | 'received_online'
  | 'received_counter'
  | 'finished'
  | 'finished_early'
  | 'finished_on_time'
  | 'finished_late'
  | 'returned'
  | 'refused'
  | 'withdrawn'
  | 'in_progress'
  | 'in_progress_on_time'
  | 'in_progress_overdue'
  | 'rated_unsatisfied';

const TXT = {
  title: { vi: 'Bảng điều hành — chỉ số phục vụ', en: 'Dashboard — service indicators' },
  period: { vi: 'Kỳ', en: 'Period' },
  kinds: {
    day: { vi: 'Ngày', en: 'Day' },
    week: { vi: 'Tuần', en: 'Week' },
    month: { vi: 'Tháng', en: 'Month' },
    quarter: { vi: 'Quý', en: 'Quarter' },
    year: { vi: 'Năm', en: 'Year' },
    custom: { vi: 'Tùy chọn', en: 'Custom' },
  },
  field: { vi: 'Lĩnh vực', en: 'Field' },
  allFields: { vi: 'Tất cả lĩnh vực', en: 'All fields' },
  received: { vi: 'Tiếp nhận', en: 'Received' },
  online: { vi: 'trực tuyến', en: 'online' },
  counter: { vi: 'trực tiếp, bưu chính', en: 'counter, postal' },
  finished: { vi: 'Đã giải quyết', en: 'Settled' },
  early: { vi: 'Trước hạn', en: 'Early' },
  onTime: { vi: 'Đúng hạn', en: 'On time' },
  late: { vi: 'Quá hạn', en: 'Late' },
  onTimeRate: { vi: 'Tỷ lệ đúng hạn', en: 'On-time rate' },
  inProgress: { vi: 'Đang giải quyết (hiện tại)', en: 'In progress (now)' },
  notDue: { vi: 'trong hạn', en: 'on time' },
  overdue: { vi: 'quá hạn', en: 'overdue' },
  returned: { vi: 'Đã trả kết quả', en: 'Returned' },
  refused: { vi: 'Từ chối', en: 'Refused' },
  withdrawn: { vi: 'Rút hồ sơ', en: 'Withdrawn' },
  unsatisfied: { vi: 'Đánh giá không hài lòng', en: 'Unsatisfied ratings' },
  vsPrevious: { vi: 'so với kỳ trước', en: 'vs previous period' },
  noPrevious: { vi: 'kỳ trước không có hồ sơ', en: 'no dossiers in the previous period' },
  maxOf: { vi: 'tối đa', en: 'max.' },
  details: { vi: 'Chi tiết', en: 'Details' },
  previousRate: { vi: 'Kỳ trước', en: 'Previous period' },
  score: { vi: 'Điểm chỉ số (Quyết định 766/QĐ-TTg)', en: 'Indicator points (Decision 766/QĐ-TTg)' },
  scoreNote: {
    vi: 'Tính trên các thành phần hệ thống có dữ liệu; thành phần chưa có dữ liệu được ghi rõ.',
    en: 'Over the components the product holds data for; the others are marked.',
  },
  notHeld: { vi: 'Chưa có dữ liệu', en: 'Not held yet' },
  points: { vi: 'điểm', en: 'points' },
  pointsHeader: { vi: 'Điểm', en: 'Points' },
  trend: { vi: 'Diễn biến tiếp nhận và giải quyết', en: 'Received and settled over time' },
  ranking: { vi: 'Xếp hạng đơn vị theo tỷ lệ đúng hạn', en: 'Agencies ranked by on-time rate' },
  rank: { vi: 'Hạng', en: 'Rank' },
  agency: { vi: 'Đơn vị', en: 'Agency' },
  onlineRate: { vi: 'Tỷ lệ trực tuyến', en: 'Online rate' },
  excel: { vi: 'Báo cáo tình hình giải quyết TTHC (Excel)', en: 'Settlement report (Excel)' },
  csv: { vi: 'Tải CSV', en: 'Download CSV' },
  dossiers: { vi: 'Danh sách hồ sơ', en: 'Dossiers' },
  code: { vi: 'Số hồ sơ', en: 'Code' },
  procedure: { vi: 'Thủ tục', en: 'Procedure' },
  applicant: { vi: 'Người nộp', en: 'Applicant' },
  receivedAt: { vi: 'Ngày tiếp nhận', en: 'Received' },
  due: { vi: 'Hẹn trả', en: 'Appointment' },
  resultAt: { vi: 'Có kết quả', en: 'Result ready' },
  myAgency: { vi: 'Đơn vị của tôi', en: 'My agency' },
  pendingEnd: { vi: 'Tồn cuối kỳ', en: 'In progress at period end' },
  nothing: { vi: 'Không có số liệu', en: 'No data' },
  group: { vi: 'Nhóm chỉ số', en: 'Indicator group' },
} as const;

/**
 * What each number means, in one sentence a leader reads under it (docs/indicators.md §2–3):
 * the definitions of Decision 766/QĐ-TTg (2022) and of the periodic report (Circular
 * 01/2020/TT-VPCP form II.06a) that the figures follow.
 */
const HELP = {
  received: {
    vi: 'Hồ sơ được tiếp nhận trong kỳ (thời hạn giải quyết bắt đầu tính từ khi tiếp nhận), chia theo kênh nộp.',
    en: 'Dossiers received in the period (the time limit starts at receipt), by channel.',
  },
  finished: {
    vi: 'Hồ sơ có kết quả trong kỳ. Trễ hạn: có kết quả sau ngày hẹn hoặc đã phải gia hạn; trước hạn: sớm hơn ngày hẹn.',
    en: 'Dossiers with a result in the period. Late: after the appointment, or extended; early: before the appointment day.',
  },
  onTimeRate: {
    vi: '(Trước hạn + đúng hạn) ÷ số đã giải quyết trong kỳ, như báo cáo định kỳ (mẫu II.06a, Thông tư 01/2020/TT-VPCP); 100 % khi kỳ không có hồ sơ giải quyết.',
    en: '(Early + on time) ÷ settled in the period, as in the periodic report (form II.06a, Circular 01/2020/TT-VPCP); 100 % when nothing was settled.',
  },
  inProgress: {
    vi: 'Hồ sơ đã tiếp nhận, chưa có kết quả, tính đến hiện tại; quá hạn khi đã qua ngày hẹn trả.',
    en: 'Dossiers received and not yet settled, as of now; overdue once the appointment has passed.',
  },
  returned: {
    vi: 'Hồ sơ đã trả kết quả cho người nộp trong kỳ (tại quầy, bưu chính hoặc trực tuyến).',
    en: 'Results handed back in the period (at the counter, by post or online).',
  },
  refused: {
    vi: 'Hồ sơ bị từ chối tiếp nhận hoặc từ chối giải quyết trong kỳ.',
    en: 'Dossiers refused at reception or during processing in the period.',
  },
  unsatisfied: {
    vi: 'Lượt đánh giá có ít nhất một tiêu chí “không hài lòng”, trên tổng số lượt đánh giá của kỳ.',
    en: 'Ratings with at least one criterion “not satisfied”, out of all ratings of the period.',
  },
  score: {
    vi: 'Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg ngày 23/6/2022), thang 100 điểm. Ví dụ: tiến độ giải quyết = 20 × số hồ sơ tiếp nhận trong kỳ đã giải quyết đúng hạn ÷ số hồ sơ tiếp nhận.',
    en: 'The indicator set for directing and assessing service to citizens and businesses (Decision 766/QĐ-TTg of 23/6/2022), out of 100 points. E.g. processing progress = 20 × dossiers received in the period and settled on time ÷ dossiers received.',
  },
} as const;

type DrillState = { metric: Metric; label: string } | null;

/** Numbers as the chosen language writes them: 1.234,5 in Vietnamese, 1,234.5 in English. */
const locale = (lang: Lang) => (lang === 'en' ? 'en-US' : 'vi-VN');
function num(n: number | null | undefined, lang: Lang, digits = 0): string {
  return n == null ? '—' : new Intl.NumberFormat(locale(lang), { maximumFractionDigits: digits }).format(n);
}
/** 0.962 → "96,2 %" (vi) / "96.2 %" (en). */
function pct(x: number | null | undefined, lang: Lang): string {
  return x == null ? '—' : `${num(x * 100, lang, 1)} %`;
}

/** Read by screen readers, not shown. */
const SR_ONLY: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
};

/** One sentence under a figure saying what it counts. */
function Help({ children }: { children: ReactNode }) {
  return (
    <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '4px 0 0' }}>
      {children}
    </Typography.Paragraph>
  );
}

/** A coloured label followed by its number (dark tones: readable on white, WCAG AA). */
function Mark({ tone, children }: { tone: 'green' | 'blue' | 'red'; children: ReactNode }) {
  const color = { green: '#135200', blue: '#003eb3', red: '#a8071a' }[tone];
  return (
    <span style={{ color, borderLeft: `3px solid ${color}`, paddingLeft: 6, marginRight: 8, whiteSpace: 'nowrap' }}>
      {children}
    </span>
  );
}

/** The change against the previous period: a sentence, never "+∞", when the previous period had none. */
function trendText(now: number, before: number, lang: Lang): string | null {
  if (before === 0 && now === 0) return null;
  if (before === 0) return TXT.noPrevious[lang];
  const diff = (now - before) / before;
  return `${diff > 0 ? '+' : ''}${pct(diff, lang)} ${TXT.vsPrevious[lang]} (${num(before, lang)})`;
}

function Trend({ now, before, lang }: { now: number; before: number; lang: Lang }) {
  const text = trendText(now, before, lang);
  if (text === null) return null;
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="trend">
      {text}
    </Typography.Text>
  );
}

export default function DashboardPage() {
  const { i18n } = useTranslation();
  const lang: Lang = i18n.language === 'en' ? 'en' : 'vi';
  const [kind, setKind] = useState<Kind>('month');
  const [date, setDate] = useState<Dayjs>(dayjs());
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().subtract(29, 'day'), dayjs()]);
  const [agencyTrail, setAgencyTrail] = useState<{ id: string; name: string }[]>([]);
  const [fieldCode, setFieldCode] = useState<string | undefined>();
  const [drill, setDrill] = useState<DrillState>(null);

  const agencyId = agencyTrail.at(-1)?.id;
  const query = useMemo(() => {
    const q: Record<string, string> = { period: kind };
    if (kind === 'custom') {
      q.from = range[0].format('YYYY-MM-DD');
      q.to = range[1].format('YYYY-MM-DD');
    } else q.date = date.format('YYYY-MM-DD');
    if (agencyId) q.agencyId = agencyId;
    if (fieldCode) q.fieldCode = fieldCode;
    return q;
  }, [kind, date, range, agencyId, fieldCode]);
  const qs = new URLSearchParams(query).toString();

  const report = useQuery({
    queryKey: ['indicators', query],
    queryFn: async () => ok(await api.GET('/api/v1/indicators', { params: { query: query as never } })),
  });
  const ranking = useQuery({
    queryKey: ['indicators-ranking', query],
    queryFn: async () =>
      ok(await api.GET('/api/v1/indicators/breakdown', { params: { query: { ...query, by: 'agency' } as never } })),
  });
  const fields = useQuery({
    queryKey: ['indicators-fields', { ...query, fieldCode: undefined }],
    queryFn: async () =>
      ok(
        await api.GET('/api/v1/indicators/breakdown', {
          params: { query: { ...query, fieldCode: undefined, by: 'field' } as never },
        }),
      ),
  });
  const granularity = kind === 'year' || (kind === 'custom' && range[1].diff(range[0], 'day') > 92) ? 'month' : 'day';
  const trend = useQuery({
    queryKey: ['indicators-series', query, granularity],
    queryFn: async () =>
      ok(await api.GET('/api/v1/indicators/series', { params: { query: { ...query, granularity } as never } })),
  });

  if (report.isLoading) return <Loading />;
  if (report.error) return <ErrorText error={report.error} />;
  const r = report.data!;
  const c = r.counts;
  const pc = r.previousCounts;

  const open = (metric: Metric, label: string) => () => setDrill({ metric, label });
  const numberLink = (n: number, metric: Metric, label: string) => (
    <Button type="link" style={{ padding: 0, height: 'auto', fontSize: 'inherit' }} onClick={open(metric, label)}>
      {num(n, lang)}
    </Button>
  );

  const chartOption = {
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => num(v, lang) },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 32 },
    xAxis: {
      type: 'category',
      data: (trend.data?.items ?? []).map((p) =>
        granularity === 'month'
          ? `${p.bucket.slice(5, 7)}/${p.bucket.slice(0, 4)}`
          : fmtDate(`${p.bucket}T00:00:00+07:00`),
      ),
    },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => num(v, lang) } },
    series: [
      {
        name: TXT.received[lang],
        type: 'bar',
        data: (trend.data?.items ?? []).map((p) => p.received),
        itemStyle: { color: '#1677ff' },
      },
      {
        name: `${TXT.finished[lang]} — ${TXT.onTime[lang]}`,
        type: 'line',
        data: (trend.data?.items ?? []).map((p) => p.finishedOnTime),
        itemStyle: { color: '#389e0d' },
      },
      {
        name: `${TXT.finished[lang]} — ${TXT.late[lang]}`,
        type: 'line',
        data: (trend.data?.items ?? []).map((p) => p.finishedLate),
        itemStyle: { color: '#cf1322' },
      },
    ],
  };

  const picker =
    kind === 'custom' ? (
      <DatePicker.RangePicker
        aria-label={TXT.period[lang]}
        format="DD/MM/YYYY"
        value={range}
        allowClear={false}
        onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
      />
    ) : (
      <DatePicker
        aria-label={TXT.period[lang]}
        picker={kind === 'day' ? 'date' : kind}
        format={kind === 'day' ? 'DD/MM/YYYY' : kind === 'month' ? 'MM/YYYY' : kind === 'year' ? 'YYYY' : undefined}
        value={date}
        allowClear={false}
        onChange={(v) => v && setDate(v)}
      />
    );

  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', flexWrap: 'wrap' }}>
        <Typography.Title level={1} style={{ margin: 0, fontSize: 24 }}>
          {TXT.title[lang]}
        </Typography.Title>
        <Space wrap>
          <a href={`/api/v1/reports/settlement?${qs}&format=xlsx`} download>
            <Button type="primary">{TXT.excel[lang]}</Button>
          </a>
          <a href={`/api/v1/reports/settlement?${qs}&format=csv`} download>
            <Button>{TXT.csv[lang]}</Button>
          </a>
        </Space>
      </Space>

      <Breadcrumb
        style={{ margin: '12px 0' }}
        items={[
          {
            title: (
              <Button type="link" style={{ padding: 0 }} onClick={() => setAgencyTrail([])}>
                {agencyTrail.length === 0 ? r.agency.name : TXT.myAgency[lang]}
              </Button>
            ),
          },
          ...agencyTrail.map((a, i) => ({
            title:
              i === agencyTrail.length - 1 ? (
                a.name
              ) : (
                <Button type="link" style={{ padding: 0 }} onClick={() => setAgencyTrail(agencyTrail.slice(0, i + 1))}>
                  {a.name}
                </Button>
              ),
          })),
        ]}
      />

      <Space wrap style={{ marginBottom: 16 }}>
        <Segmented
          aria-label={TXT.period[lang]}
          value={kind}
          onChange={(v) => setKind(v as Kind)}
          options={(Object.keys(TXT.kinds) as Kind[]).map((k) => ({ value: k, label: TXT.kinds[k][lang] }))}
        />
        {picker}
        <Select
          aria-label={TXT.field[lang]}
          style={{ minWidth: 240 }}
          allowClear
          placeholder={TXT.allFields[lang]}
          value={fieldCode}
          onChange={(v) => setFieldCode(v)}
          options={(fields.data?.items ?? []).map((f) => ({ value: f.key, label: f.name }))}
        />
        <Typography.Text type="secondary">
          {fmtDate(`${r.period.from}T00:00:00+07:00`)} – {fmtDate(`${r.period.to}T00:00:00+07:00`)}
        </Typography.Text>
      </Space>

      <Row gutter={[16, 16]}>
        <Col xs={24} sm={12} lg={6}>
          <Card>
            <Statistic
              title={TXT.received[lang]}
              valueRender={() => numberLink(c.received, 'received', TXT.received[lang])}
            />
            <Typography.Text>
              {numberLink(c.received_online, 'received_online', `${TXT.received[lang]} ${TXT.online[lang]}`)}{' '}
              {TXT.online[lang]} ·{' '}
              {numberLink(
                c.received - c.received_online,
                'received_counter',
                `${TXT.received[lang]} ${TXT.counter[lang]}`,
              )}{' '}
              {TXT.counter[lang]}
            </Typography.Text>
            <br />
            <Trend now={c.received} before={pc.received} lang={lang} />
            <Help>{HELP.received[lang]}</Help>
          </Card>
        </Col>
        <Col xs={24} sm={12} lg={6}>
          <Card>
            <Statistic
              title={TXT.finished[lang]}
              valueRender={() => numberLink(r.finished, 'finished', TXT.finished[lang])}
            />
            <Space size={4} wrap>
              <Mark tone="green">
                {TXT.early[lang]} {numberLink(c.finished_early, 'finished_early', TXT.early[lang])}
              </Mark>
              <Mark tone="blue">
                {TXT.onTime[lang]} {numberLink(c.finished_on_time, 'finished_on_time', TXT.onTime[lang])}
              </Mark>
              <Mark tone="red">
                {TXT.late[lang]} {numberLink(c.finished_late, 'finished_late', TXT.late[lang])}
              </Mark>
            </Space>
            <br />
            <Trend now={r.finished} before={r.previousFinished} lang={lang} />
            <Help>{HELP.finished[lang]}</Help>
          </Card>
        </Col>
        <Col xs={24} sm={12} lg={6}>
          <Card>
            <Statistic title={TXT.onTimeRate[lang]} value={pct(r.onTimeRate, lang)} />
            <Progress
              percent={Math.round(r.onTimeRate * 1000) / 10}
              showInfo={false}
              strokeColor={r.onTimeRate >= 0.95 ? '#389e0d' : r.onTimeRate >= 0.8 ? '#d48806' : '#cf1322'}
              aria-label={TXT.onTimeRate[lang]}
            />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {TXT.previousRate[lang]}: {pct(r.previousOnTimeRate, lang)}
            </Typography.Text>
            <Help>{HELP.onTimeRate[lang]}</Help>
          </Card>
        </Col>
        <Col xs={24} sm={12} lg={6}>
          <Card>
            <Statistic
              title={TXT.inProgress[lang]}
              valueRender={() => numberLink(r.inProgressNow.total, 'in_progress', TXT.inProgress[lang])}
            />
            <Space size={4} wrap>
              <Mark tone="green">
                {TXT.notDue[lang]} {numberLink(r.inProgressNow.onTime, 'in_progress_on_time', TXT.notDue[lang])}
              </Mark>
              <Mark tone="red">
                {TXT.overdue[lang]} {numberLink(r.inProgressNow.overdue, 'in_progress_overdue', TXT.overdue[lang])}
              </Mark>
            </Space>
            <br />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {TXT.pendingEnd[lang]}: {num(r.pendingAtEnd.pending, lang)} ({TXT.overdue[lang]}{' '}
              {num(r.pendingAtEnd.overdue, lang)})
            </Typography.Text>
            <Help>{HELP.inProgress[lang]}</Help>
          </Card>
        </Col>
        <Col xs={24} sm={8}>
          <Card size="small">
            <Statistic
              title={TXT.returned[lang]}
              valueRender={() => numberLink(c.returned, 'returned', TXT.returned[lang])}
            />
            <Trend now={c.returned} before={pc.returned} lang={lang} />
            <Help>{HELP.returned[lang]}</Help>
          </Card>
        </Col>
        <Col xs={12} sm={8}>
          <Card size="small">
            <Statistic
              title={TXT.refused[lang]}
              valueRender={() => numberLink(c.refused, 'refused', TXT.refused[lang])}
            />
            <Trend now={c.refused} before={pc.refused} lang={lang} />
            <Help>{HELP.refused[lang]}</Help>
          </Card>
        </Col>
        <Col xs={12} sm={8}>
          <Card size="small">
            <Statistic
              title={TXT.unsatisfied[lang]}
              valueRender={() => numberLink(c.rated - c.rated_satisfied, 'rated_unsatisfied', TXT.unsatisfied[lang])}
            />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              / {num(c.rated, lang)}
            </Typography.Text>
            <Help>{HELP.unsatisfied[lang]}</Help>
          </Card>
        </Col>
      </Row>

      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} lg={14}>
          <Card title={TXT.trend[lang]}>
            <EChart option={chartOption} label={TXT.trend[lang]} />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={TXT.score[lang]}>
            {/* The total in the body: a card title is cut off with an ellipsis on narrow columns. */}
            <p style={{ margin: '0 0 8px', fontSize: 16 }} data-testid="score-total">
              <strong style={{ fontSize: 24 }}>{num(r.score.points, lang, 2)}</strong> /{' '}
              {num(r.score.availableMaxPoints, lang, 2)} {TXT.points[lang]}
            </p>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
              {HELP.score[lang]} {TXT.scoreNote[lang]}
            </Typography.Paragraph>
            <Table
              size="small"
              pagination={false}
              rowKey="key"
              dataSource={r.score.groups}
              columns={[
                { title: TXT.group[lang], dataIndex: ['label', lang] },
                {
                  title: TXT.pointsHeader[lang],
                  render: (_, g) =>
                    g.availableMaxPoints === 0 ? (
                      <Tag>{TXT.notHeld[lang]}</Tag>
                    ) : (
                      `${num(g.points, lang, 2)} / ${num(g.availableMaxPoints, lang, 2)} (${TXT.maxOf[lang]} ${num(g.maxPoints, lang, 2)})`
                    ),
                },
              ]}
              expandable={{
                // The expand column is labelled too (no empty table header).
                columnTitle: <span style={SR_ONLY}>{TXT.details[lang]}</span>,
                expandedRowRender: (g) => (
                  <ul style={{ margin: 0, paddingLeft: 16 }}>
                    {g.components.map((comp) => (
                      <li key={comp.key}>
                        {comp.label[lang]}:{' '}
                        {comp.available ? (
                          <>
                            <strong>{num(comp.points, lang, 2)}</strong> / {num(comp.maxPoints, lang, 2)} (
                            {pct(comp.ratio, lang)})
                          </>
                        ) : (
                          <Tag title={comp.note?.[lang]}>{TXT.notHeld[lang]}</Tag>
                        )}
                        {comp.note && comp.available ? (
                          <Typography.Text type="secondary"> — {comp.note[lang]}</Typography.Text>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                ),
              }}
            />
          </Card>
        </Col>
      </Row>

      <Card
        title={TXT.ranking[lang]}
        style={{ marginTop: 16 }}
        extra={
          <a href={`/api/v1/indicators/breakdown?${qs}&by=agency&format=csv`} download>
            {TXT.csv[lang]}
          </a>
        }
      >
        {ranking.error ? <ErrorText error={ranking.error} /> : null}
        <Table
          size="small"
          rowKey="key"
          loading={ranking.isLoading}
          dataSource={ranking.data?.items ?? []}
          pagination={{ pageSize: 20, showSizeChanger: false }}
          locale={{ emptyText: TXT.nothing[lang] }}
          columns={[
            { title: TXT.rank[lang], dataIndex: 'rank', width: 64 },
            {
              title: TXT.agency[lang],
              dataIndex: 'name',
              render: (name: string, row) =>
                row.key === agencyId ? (
                  name
                ) : (
                  <Button
                    type="link"
                    style={{ padding: 0, whiteSpace: 'normal', textAlign: 'left' }}
                    onClick={() => setAgencyTrail([...agencyTrail, { id: row.key, name }])}
                  >
                    {name}
                  </Button>
                ),
            },
            { title: TXT.received[lang], dataIndex: 'received', align: 'right', render: (v: number) => num(v, lang) },
            { title: TXT.finished[lang], dataIndex: 'finished', align: 'right', render: (v: number) => num(v, lang) },
            { title: TXT.late[lang], dataIndex: 'finishedLate', align: 'right', render: (v: number) => num(v, lang) },
            {
              title: TXT.onTimeRate[lang],
              dataIndex: 'onTimeRate',
              align: 'right',
              render: (v: number | null) => pct(v, lang),
            },
            {
              title: TXT.onlineRate[lang],
              dataIndex: 'onlineRate',
              align: 'right',
              render: (v: number | null) => pct(v, lang),
            },
          ]}
        />
      </Card>

      <DrillDrawer drill={drill} query={query} lang={lang} onClose={() => setDrill(null)} />
    </div>
  );
}

function DrillDrawer({
  drill,
  query,
  lang,
  onClose,
}: {
  drill: DrillState;
  query: Record<string, string>;
  lang: Lang;
  onClose: () => void;
}) {
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const list = useQuery({
    enabled: drill !== null,
    queryKey: ['indicators-dossiers', query, drill?.metric, page],
    queryFn: async () =>
      ok(
        await api.GET('/api/v1/indicators/dossiers', {
          params: {
            query: { ...query, metric: drill!.metric, limit: pageSize, offset: (page - 1) * pageSize } as never,
          },
        }),
      ),
  });
  const qs = drill ? new URLSearchParams({ ...query, metric: drill.metric, format: 'csv' }).toString() : '';
  return (
    <Drawer
      open={drill !== null}
      onClose={() => {
        setPage(1);
        onClose();
      }}
      width={Math.min(1100, typeof window === 'undefined' ? 1100 : window.innerWidth)}
      title={`${TXT.dossiers[lang]}: ${drill?.label ?? ''} (${list.data ? num(list.data.total, lang) : '…'})`}
      extra={
        <a href={`/api/v1/indicators/dossiers?${qs}`} download>
          {TXT.csv[lang]}
        </a>
      }
    >
      {list.error ? <Alert type="error" message={String((list.error as Error).message)} /> : null}
      <Table
        size="small"
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{
          current: page,
          pageSize,
          total: list.data?.total ?? 0,
          showSizeChanger: false,
          onChange: setPage,
        }}
        columns={[
          {
            title: TXT.code[lang],
            dataIndex: 'code',
            render: (code: string, row) => <Link to={`/office/dossiers/${row.id}`}>{code}</Link>,
          },
          { title: TXT.procedure[lang], dataIndex: 'procedureName' },
          { title: TXT.applicant[lang], dataIndex: 'applicantName' },
          { title: TXT.agency[lang], dataIndex: 'agencyName' },
          { title: TXT.receivedAt[lang], dataIndex: 'receivedAt', render: (v: string | null) => fmtDateTime(v) },
          { title: TXT.due[lang], dataIndex: 'due', render: (v: string | null) => fmtDateTime(v) },
          { title: TXT.resultAt[lang], dataIndex: 'resultAt', render: (v: string | null) => fmtDateTime(v) },
        ]}
      />
    </Drawer>
  );
}
