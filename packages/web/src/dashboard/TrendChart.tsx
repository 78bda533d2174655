import { Card } from 'antd';
import { fmtDate } from '../format.ts';
import { EChart } from './EChart.tsx';
import { num, useLang } from './format.ts';
import type { Granularity, SeriesPoint } from './types.ts';

/** Received (bars) against settled on time and late (lines), by day or by month. */
export function TrendChart({ items, granularity }: { items: SeriesPoint[]; granularity: Granularity }) {
  const { t, lang } = useLang();
  const option = {
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => num(v, lang) },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 32 },
    xAxis: {
      type: 'category',
      data: items.map((p) =>
        granularity === 'month'
          ? `${p.bucket.slice(5, 7)}/${p.bucket.slice(0, 4)}`
          : fmtDate(`${p.bucket}T00:00:00+07:00`),
      ),
    },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => num(v, lang) } },
    series: [
      {
        name: t('dashboard.received'),
        type: 'bar',
        data: items.map((p) => p.received),
        itemStyle: { color: '#1677ff' },
      },
      {
        name: `${t('dashboard.finished')} — ${t('dashboard.onTime')}`,
        type: 'line',
        data: items.map((p) => p.finishedOnTime),
        itemStyle: { color: '#389e0d' },
      },
      {
        name: `${t('dashboard.finished')} — ${t('dashboard.late')}`,
        type: 'line',
        data: items.map((p) => p.finishedLate),
        itemStyle: { color: '#cf1322' },
      },
    ],
  };
  return (
    <Card title={t('dashboard.trend')}>
      <EChart option={option} label={t('dashboard.trend')} />
    </Card>
  );
}
