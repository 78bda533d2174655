import { useQuery } from '@tanstack/react-query';
import type { Dayjs } from 'dayjs';
import { useMemo } from 'react';
import { api, ok } from '../api/client.ts';
import type { Granularity, IndicatorQuery, Kind } from './types.ts';

/**
 * The dashboard's figures for one selection: the report of the period, the agencies ranked, the
 * fields (for the filter, whatever field is chosen) and the series of the trend chart.
 */
export function useIndicators(sel: {
  kind: Kind;
  date: Dayjs;
  range: [Dayjs, Dayjs];
  agencyId: string | undefined;
  fieldCode: string | undefined;
}) {
  const { kind, date, range, agencyId, fieldCode } = sel;
  const query = useMemo(() => {
    const q: IndicatorQuery = { period: kind };
    if (kind === 'custom') {
      q.from = range[0].format('YYYY-MM-DD');
      q.to = range[1].format('YYYY-MM-DD');
    } else q.date = date.format('YYYY-MM-DD');
    if (agencyId) q.agencyId = agencyId;
    if (fieldCode) q.fieldCode = fieldCode;
    return q;
  }, [kind, date, range, agencyId, fieldCode]);

  const report = useQuery({
    queryKey: ['indicators', query],
    queryFn: async () => ok(await api.GET('/api/v1/indicators', { params: { query } })),
  });
  const ranking = useQuery({
    queryKey: ['indicators-ranking', query],
    queryFn: async () =>
      ok(await api.GET('/api/v1/indicators/breakdown', { params: { query: { ...query, by: 'agency' } } })),
  });
  const fields = useQuery({
    queryKey: ['indicators-fields', { ...query, fieldCode: undefined }],
    queryFn: async () =>
      ok(
        await api.GET('/api/v1/indicators/breakdown', {
          params: { query: { ...query, fieldCode: undefined, by: 'field' } },
        }),
      ),
  });
  const granularity: Granularity =
    kind === 'year' || (kind === 'custom' && range[1].diff(range[0], 'day') > 92) ? 'month' : 'day';
  const trend = useQuery({
    queryKey: ['indicators-series', query, granularity],
    queryFn: async () =>
      ok(await api.GET('/api/v1/indicators/series', { params: { query: { ...query, granularity } } })),
  });
  return { query, report, ranking, fields, granularity, trend };
}

/** The query as the query string of an export link. */
export const queryString = (query: IndicatorQuery, extra: Record<string, string> = {}) =>
  new URLSearchParams({ ...(query as Record<string, string>), ...extra }).toString();
