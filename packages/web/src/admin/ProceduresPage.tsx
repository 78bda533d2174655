import { useQuery } from '@tanstack/react-query';
import { Button, Grid, Input, Pagination, Segmented, Table, Tag } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, ok } from '../api/client.ts';
import type { paths } from '../api/schema';
import { fmtDate } from '../format.ts';
import { useDebounced } from '../shared/useDebounced.ts';
import './adminMessages.ts';

const CatalogImport = lazy(() => import('./CatalogImport.tsx'));

type Filter =
  | 'all'
  | NonNullable<NonNullable<paths['/api/v1/admin/procedures']['get']['parameters']['query']>['status']>;

/**
 * The catalog for administrators: every procedure, drafts included (the public search shows only
 * published ones); add a new one; export and import the catalog.
 */
export default function ProceduresPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [filter, setFilter] = useState<Filter>('all');
  const [importing, setImporting] = useState(false);
  const dq = useDebounced(q.trim());
  // A phone gets a list of cards: a five-column table does not fit 360 px.
  const narrow = !Grid.useBreakpoint().md;
  const list = useQuery({
    queryKey: ['admin-procedures', dq, filter, page],
    queryFn: async () =>
      ok(
        await api.GET('/api/v1/admin/procedures', {
          params: {
            query: { q: dq || undefined, status: filter === 'all' ? undefined : filter, page, pageSize: 20 },
          },
        }),
      ),
  });
  const statusTags = (p: { publishedVersionNo: number | null; hasDraft: boolean }) => (
    <>
      {p.publishedVersionNo !== null && <Tag>{t('pe.statusPublished', { n: p.publishedVersionNo })}</Tag>}
      {p.hasDraft && <Tag>{p.publishedVersionNo !== null ? t('pe.statusDraftOf') : t('pe.statusDraft')}</Tag>}
    </>
  );
  return (
    <>
      <h1 style={{ fontSize: 22, marginTop: 0 }}>{t('admin.procedures')}</h1>
      <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap', alignItems: 'center', marginBottom: 12 }}>
        <Button type="primary" onClick={() => navigate('/admin/procedures/new')}>
          {t('pe.newProcedure')}
        </Button>
        <Input
          aria-label={t('app.search')}
          placeholder={t('app.search')}
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            setPage(1);
          }}
          style={{ maxWidth: 360, flex: '1 1 200px' }}
        />
        <Segmented<Filter>
          aria-label={t('pe.status')}
          value={filter}
          onChange={(v) => {
            setFilter(v);
            setPage(1);
          }}
          options={[
            { value: 'all', label: t('pe.filterAll') },
            { value: 'draft', label: t('pe.filterDraft') },
            { value: 'published', label: t('pe.filterPublished') },
          ]}
        />
      </div>
      <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap', alignItems: 'center', marginBottom: 12 }}>
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
      {narrow ? (
        <>
          <ul className="card-list" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-busy={list.isLoading}>
            {(list.data?.items ?? []).map((p) => (
              <li key={p.id} style={{ borderBottom: '1px solid #e8e8e8', padding: '10px 0' }}>
                <Link to={`/admin/procedures/${p.id}`} style={{ fontWeight: 500 }}>
                  {p.name}
                </Link>
                <div style={{ fontSize: 13, color: '#444' }}>
                  {[p.code, p.field.name, t(`pe.levels.${p.level}`)].filter(Boolean).join(' · ')}
                </div>
                <div>{statusTags(p)}</div>
              </li>
            ))}
          </ul>
          <Pagination
            size="small"
            style={{ marginTop: 12 }}
            current={page}
            pageSize={20}
            total={list.data?.total ?? 0}
            onChange={setPage}
            showSizeChanger={false}
          />
        </>
      ) : (
        <Table
          rowKey="id"
          size="small"
          loading={list.isLoading}
          dataSource={list.data?.items ?? []}
          scroll={{ x: true }}
          pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage }}
          columns={[
            {
              title: t('admin.name'),
              render: (_v, p) => (
                <>
                  <Link to={`/admin/procedures/${p.id}`}>{p.name}</Link>
                  {p.code && <div style={{ fontSize: 12, color: '#555' }}>{p.code}</div>}
                </>
              ),
            },
            { title: t('pe.field'), render: (_v, p) => p.field.name },
            { title: t('pe.level'), render: (_v, p) => t(`pe.levels.${p.level}`) },
            {
              title: t('pe.status'),
              render: (_v, p) => (
                <>
                  {p.publishedVersionNo !== null && <Tag>{t('pe.statusPublished', { n: p.publishedVersionNo })}</Tag>}
                  {p.hasDraft && (
                    <Tag>{p.publishedVersionNo !== null ? t('pe.statusDraftOf') : t('pe.statusDraft')}</Tag>
                  )}
                </>
              ),
            },
            { title: t('pe.updated'), render: (_v, p) => fmtDate(p.updatedAt) },
          ]}
        />
      )}
    </>
  );
}
