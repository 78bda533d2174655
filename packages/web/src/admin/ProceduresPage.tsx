import { useQuery } from '@tanstack/react-query';
import { Button, Input, Table } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ok } from '../api/client.ts';
import { useDebounced } from '../shared/useDebounced.ts';

const CatalogImport = lazy(() => import('./CatalogImport.tsx'));

/** The catalog for administrators: find a procedure to edit; export and import the catalog. */
export default function ProceduresPage() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [importing, setImporting] = useState(false);
  const dq = useDebounced(q.trim());
  const list = useQuery({
    queryKey: ['procedures', 'admin', dq, page],
    queryFn: async () =>
      ok(await api.GET('/api/v1/procedures', { params: { query: { q: dq || undefined, page, pageSize: 20 } } })),
  });
  return (
    <>
      <h1 style={{ fontSize: 22, marginTop: 0 }}>{t('admin.procedures')}</h1>
      <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap', marginBottom: 12 }}>
        <Input
          aria-label={t('app.search')}
          placeholder={t('app.search')}
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            setPage(1);
          }}
          style={{ maxWidth: 360 }}
        />
        <a href="/api/v1/catalog/export" download>
          {t('admin.export')}
        </a>
        <a href="/api/v1/catalog/export?format=xlsx" download>
          {t('admin.exportXlsx')}
        </a>
        <Button onClick={() => setImporting(true)}>{t('admin.import')}</Button>
      </div>
      {importing && (
        <Suspense fallback={null}>
          <CatalogImport onClose={() => setImporting(false)} />
        </Suspense>
      )}
      <Table
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: true }}
        pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage }}
        columns={[
          { title: t('admin.code'), dataIndex: 'code' },
          {
            title: t('admin.name'),
            render: (_v, p) => <Link to={`/admin/procedures/${p.id}`}>{p.name}</Link>,
          },
          { title: t('home.field'), render: (_v, p) => p.field.name },
          { title: t('admin.level'), render: (_v, p) => t(`levels.${p.level}`) },
        ]}
      />
    </>
  );
}
