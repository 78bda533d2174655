import { DatePicker, Segmented, Select, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { fmtDate } from '../format.ts';
import { useLang } from './format.ts';
import type { Kind, RankingRow, Report } from './types.ts';

const KINDS: Kind[] = ['day', 'week', 'month', 'quarter', 'year', 'custom'];

/** The period (its kind, then a day, a month… or a range) and the field; the dates it covers. */
export function DashboardFilters(props: {
  kind: Kind;
  onKind: (k: Kind) => void;
  date: Dayjs;
  onDate: (d: Dayjs) => void;
  range: [Dayjs, Dayjs];
  onRange: (r: [Dayjs, Dayjs]) => void;
  fieldCode: string | undefined;
  onFieldCode: (code: string | undefined) => void;
  fields: RankingRow[];
  period: Report['period'];
}) {
  const { t } = useLang();
  const { kind } = props;
  const picker =
    kind === 'custom' ? (
      <DatePicker.RangePicker
        aria-label={t('dashboard.period')}
        format="DD/MM/YYYY"
        value={props.range}
        allowClear={false}
        onChange={(v) => v?.[0] && v[1] && props.onRange([v[0], v[1]])}
      />
    ) : (
      <DatePicker
        aria-label={t('dashboard.period')}
        picker={kind === 'day' ? 'date' : kind}
        format={kind === 'day' ? 'DD/MM/YYYY' : kind === 'month' ? 'MM/YYYY' : kind === 'year' ? 'YYYY' : undefined}
        value={props.date}
        allowClear={false}
        onChange={(v) => v && props.onDate(v)}
      />
    );
  return (
    <Space wrap style={{ marginBottom: 16 }}>
      <Segmented
        aria-label={t('dashboard.period')}
        value={kind}
        onChange={(v) => props.onKind(v as Kind)}
        options={KINDS.map((k) => ({ value: k, label: t(`dashboard.kinds.${k}`) }))}
      />
      {picker}
      <Select
        aria-label={t('dashboard.field')}
        style={{ minWidth: 240 }}
        allowClear
        placeholder={t('dashboard.allFields')}
        value={props.fieldCode}
        onChange={(v) => props.onFieldCode(v)}
        options={props.fields.map((f) => ({ value: f.key, label: f.name }))}
      />
      <Typography.Text type="secondary">
        {fmtDate(`${props.period.from}T00:00:00+07:00`)} – {fmtDate(`${props.period.to}T00:00:00+07:00`)}
      </Typography.Text>
    </Space>
  );
}
