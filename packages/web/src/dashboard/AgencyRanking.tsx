import { Button, Card, Table } from 'antd';
import { ErrorText } from '../shared/Loading.tsx';
import { num, pct, useLang } from './format.ts';
import type { RankingRow } from './types.ts';

/** Agencies ranked by on-time rate, as CSV too; an agency's name leads down into it. */
export function AgencyRanking(props: {
  qs: string;
  rows: RankingRow[];
  loading: boolean;
  error: unknown;
  agencyId: string | undefined;
  onOpen: (agency: { id: string; name: string }) => void;
}) {
  const { t, lang } = useLang();
  return (
    <Card
      title={t('dashboard.ranking')}
      style={{ marginTop: 16 }}
      extra={
        <a href={`/api/v1/indicators/breakdown?${props.qs}&by=agency&format=csv`} download>
          {t('dashboard.csv')}
        </a>
      }
    >
      {props.error ? <ErrorText error={props.error} /> : null}
      <Table
        size="small"
        rowKey="key"
        loading={props.loading}
        dataSource={props.rows}
        pagination={{ pageSize: 20, showSizeChanger: false }}
        locale={{ emptyText: t('dashboard.nothing') }}
        columns={[
          { title: t('dashboard.rank'), dataIndex: 'rank', width: 64 },
          {
            title: t('dashboard.agency'),
            dataIndex: 'name',
            render: (name: string, row) =>
              row.key === props.agencyId ? (
                name
              ) : (
                <Button
                  type="link"
                  style={{ padding: 0, whiteSpace: 'normal', textAlign: 'left' }}
                  onClick={() => props.onOpen({ id: row.key, name })}
                >
                  {name}
                </Button>
              ),
          },
          {
            title: t('dashboard.received'),
            dataIndex: 'received',
            align: 'right',
            render: (v: number) => num(v, lang),
          },
          {
            title: t('dashboard.finished'),
            dataIndex: 'finished',
            align: 'right',
            render: (v: number) => num(v, lang),
          },
          {
            title: t('dashboard.late'),
            dataIndex: 'finishedLate',
            align: 'right',
            render: (v: number) => num(v, lang),
          },
          {
            title: t('dashboard.onTimeRate'),
            dataIndex: 'onTimeRate',
            align: 'right',
            render: (v: number | null) => pct(v, lang),
          },
          {
            title: t('dashboard.onlineRate'),
            dataIndex: 'onlineRate',
            align: 'right',
            render: (v: number | null) => pct(v, lang),
          },
        ]}
      />
    </Card>
  );
}
