import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, ok } from '../api/client.ts';
import { ErrorText } from '../shared/Loading.tsx';
import { useDebounced } from '../shared/useDebounced.ts';
import { timeLimitText } from './procedureText.ts';

const LEVELS = ['province', 'district', 'commune'] as const;
type Level = (typeof LEVELS)[number];
const PAGE = 10;

/**
 * Home: search the catalog as you type (accent-free on the server), browse by field and level.
 * Plain markup, no component library: the first page a citizen opens stays small and fast.
 */
export default function HomePage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [q, setQ] = useState(params.get('q') ?? '');
  const field = params.get('field') ?? '';
  const level = (params.get('level') ?? '') as Level | '';
  const [page, setPage] = useState(1);
  const dq = useDebounced(q.trim(), 250);

  const fields = useQuery({
    queryKey: ['fields'],
    queryFn: async () => ok(await api.GET('/api/v1/fields')).items,
    staleTime: 300_000,
  });
  const results = useQuery({
    queryKey: ['procedures', dq, field, level, page],
    queryFn: async () =>
      ok(
        await api.GET('/api/v1/procedures', {
          params: {
            query: { q: dq || undefined, field: field || undefined, level: level || undefined, page, pageSize: PAGE },
          },
        }),
      ),
    placeholderData: (prev) => prev,
  });

  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setPage(1);
    setParams(next, { replace: true });
  };
  const total = results.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE));

  return (
    <>
      <h1 className="home-title">{t('home.title')}</h1>
      <search className="home-search">
        <label htmlFor="catalog-search">{t('home.searchLabel')}</label>
        <input
          id="catalog-search"
          type="search"
          className="big-input"
          placeholder={t('home.searchPlaceholder')}
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            setPage(1);
          }}
          autoComplete="off"
        />
        <div className="home-filters">
          <label>
            {t('home.field')}
            <select value={field} onChange={(e) => setFilter('field', e.target.value)}>
              <option value="">{t('home.allFields')}</option>
              {(fields.data ?? []).map((f) => (
                <option key={f.code} value={f.code}>
                  {f.name} ({f.count})
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('home.level')}
            <select value={level} onChange={(e) => setFilter('level', e.target.value)}>
              <option value="">—</option>
              {LEVELS.map((l) => (
                <option key={l} value={l}>
                  {t(`levels.${l}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
      </search>
      {results.error && <ErrorText error={results.error} />}
      <section aria-live="polite" aria-busy={results.isFetching}>
        <p>{t('home.results', { count: total })}</p>
        <ul className="result-list">
          {(results.data?.items ?? []).map((p) => (
            <li key={p.id}>
              <Link to={`/procedures/${p.id}`} className="result-title">
                {p.name}
              </Link>
              <div className="result-meta">
                <span className="chip">{p.field.name}</span>
                <span className="chip">{t(`levels.${p.level}`)}</span>
                {p.onlineLevel === 'full' && <span className="chip chip-green">{t('home.online')}</span>}
                {p.onlineLevel === 'partial' && <span className="chip chip-blue">{t('home.partial')}</span>}
                <span>{timeLimitText(t, p.timeLimit)}</span>
              </div>
            </li>
          ))}
        </ul>
        {pages > 1 && (
          <nav className="pager" aria-label="pagination">
            <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              ‹ {t('apply.prev')}
            </button>
            <span>
              {page} / {pages}
            </span>
            <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
              {t('apply.next')} ›
            </button>
          </nav>
        )}
      </section>
    </>
  );
}
