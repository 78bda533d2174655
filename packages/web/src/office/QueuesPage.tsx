import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Input, Table, Tabs } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { hasRole, useAuth } from '../api/auth.tsx';
import { api, ok } from '../api/client.ts';
import type { Queue, QueueItem } from '../api/types.ts';
import { fmtDate, pick } from '../format.ts';
import { ErrorText } from '../shared/Loading.tsx';
import { QueueTime } from '../shared/Remaining.tsx';
import { useDebounced } from '../shared/useDebounced.ts';
import { sendCommand } from './command.ts';

/** Work queues sorted by remaining working time, coloured, with counts; filter; claim. */
export default function QueuesPage({ fixed, title }: { fixed?: Queue; title?: string }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { me } = useAuth();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const reception = hasRole(me, 'receptionist');
  const queues: Queue[] = reception
    ? ['reception', 'transfer', 'return', 'supplement', 'overdue', 'all']
    : ['mine', 'unit_unclaimed', 'due_soon', 'overdue', 'consultation', 'unit', 'supplement', 'all'];
  const queue = fixed ?? (params.get('queue') as Queue | null) ?? queues[0]!;
  const [q, setQ] = useState('');
  const dq = useDebounced(q.trim(), 300);
  const [page, setPage] = useState(1);

  const counts = useQuery({
    queryKey: ['queue-counts'],
    queryFn: async () => ok(await api.GET('/api/v1/dossiers/queues/counts')) as Record<string, number>,
    refetchInterval: 60_000,
  });
  const list = useQuery({
    queryKey: ['queue', queue, dq, page],
    queryFn: async () =>
      ok(await api.GET('/api/v1/dossiers', { params: { query: { queue, q: dq || undefined, page, pageSize: 20 } } })),
  });

  async function claim(d: QueueItem) {
    try {
      await sendCommand(d.id, d.version, 'claim');
      message.success(t('app.done'));
      void qc.invalidateQueries({ queryKey: ['queue'] });
      void qc.invalidateQueries({ queryKey: ['queue-counts'] });
      navigate(`/office/dossiers/${d.id}`);
    } catch (e) {
      message.error(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <>
      <h1 style={{ fontSize: 22, marginTop: 0 }}>{title ?? t('nav.queues')}</h1>
      {!fixed && (
        <Tabs
          activeKey={queue}
          onChange={(k) => {
            setPage(1);
            setParams({ queue: k });
          }}
          items={queues.map((k) => ({
            key: k,
            label: `${t(`office.queues.${k}`)}${counts.data?.[k] !== undefined ? ` (${counts.data[k]})` : ''}`,
          }))}
        />
      )}
      <Input
        aria-label={t('office.filter')}
        placeholder={t('office.filter')}
        allowClear
        value={q}
        onChange={(e) => setQ(e.target.value)}
        style={{ maxWidth: 360, marginBottom: 12 }}
      />
      {list.error && <ErrorText error={list.error} />}
      <Table<QueueItem>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: true }}
        pagination={{
          current: page,
          pageSize: 20,
          total: list.data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
        }}
        columns={[
          {
            title: t('office.code'),
            render: (_v, d) => <Link to={`/office/dossiers/${d.id}`}>{d.code}</Link>,
          },
          { title: t('office.procedure'), dataIndex: 'procedureName', ellipsis: true },
          { title: t('office.applicant'), dataIndex: 'applicantName' },
          {
            title: t('office.status'),
            render: (_v, d) => (
              <>
                {pick(d, i18n.language)}
                {d.subStatus && pick(d.subStatus, i18n.language) !== pick(d, i18n.language) && (
                  <div style={{ fontSize: 12 }}>{pick(d.subStatus, i18n.language)}</div>
                )}
              </>
            ),
          },
          {
            title: t('office.remaining'),
            render: (_v, d) => <QueueTime dossier={d} />,
          },
          { title: t('office.due'), render: (_v, d) => fmtDate(d.due) },
          ...(queue === 'unit_unclaimed'
            ? [
                {
                  title: t('office.actions'),
                  render: (_v: unknown, d: QueueItem) => (
                    <Button size="small" type="primary" onClick={() => claim(d)}>
                      {t('office.claim')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
    </>
  );
}
