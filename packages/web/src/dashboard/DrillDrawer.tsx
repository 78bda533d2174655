import { useQuery } from '@tanstack/react-query';
import { Alert, Drawer, Table } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, ok } from '../api/client.ts';
import { fmtDateTime } from '../format.ts';
import { num, useLang } from './format.ts';
import type { DrillState, IndicatorQuery } from './types.ts';
import { queryString } from './useIndicators.ts';

/** The dossiers behind a number, a page at a time, as CSV too; each opens its dossier. */
export function DrillDrawer({
  drill,
  query,
  onClose,
}: {
  drill: DrillState;
  query: IndicatorQuery;
  onClose: () => void;
}) {
  const { t, lang } = useLang();
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const list = useQuery({
    enabled: drill !== null,
    queryKey: ['indicators-dossiers', query, drill?.metric, page],
    queryFn: async () =>
      ok(
        await api.GET('/api/v1/indicators/dossiers', {
          params: { query: { ...query, metric: drill!.metric, limit: pageSize, offset: (page - 1) * pageSize } },
        }),
      ),
  });
  const qs = drill ? queryString(query, { metric: drill.metric, format: 'csv' }) : '';
  return (
    <Drawer
      open={drill !== null}
      onClose={() => {
        setPage(1);
        onClose();
      }}
      width={Math.min(1100, typeof window === 'undefined' ? 1100 : window.innerWidth)}
      title={`${t('dashboard.dossiers')}: ${drill?.label ?? ''} (${list.data ? num(list.data.total, lang) : '…'})`}
      extra={
        <a href={`/api/v1/indicators/dossiers?${qs}`} download>
          {t('dashboard.csv')}
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
            title: t('dashboard.code'),
            dataIndex: 'code',
            render: (code: string, row) => <Link to={`/office/dossiers/${row.id}`}>{code}</Link>,
          },
          { title: t('dashboard.procedure'), dataIndex: 'procedureName' },
          { title: t('dashboard.applicant'), dataIndex: 'applicantName' },
          { title: t('dashboard.agency'), dataIndex: 'agencyName' },
          { title: t('dashboard.receivedAt'), dataIndex: 'receivedAt', render: (v: string | null) => fmtDateTime(v) },
          { title: t('dashboard.due'), dataIndex: 'due', render: (v: string | null) => fmtDateTime(v) },
          { title: t('dashboard.resultAt'), dataIndex: 'resultAt', render: (v: string | null) => fmtDateTime(v) },
        ]}
      />
    </Drawer>
  );
}
