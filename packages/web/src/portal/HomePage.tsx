import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, ok } from '../api/client.ts';
import type { paths } from '../api/schema';
import type { ApplicantKind } from '../api/types.ts';
import { useAllAgencies, useLifeEvents } from '../shared/catalogQueries.ts';
import { ErrorText } from '../shared/Loading.tsx';
import { useDebounced } from '../shared/useDebounced.ts';
import { timeLimitText } from './procedureText.ts';

/**
 * Levels offered to the public: since 1 July 2025 local government has two levels, province and
 * commune (Resolution 202/2025/QH15, RULES.md §8); district procedures of old data still show
 * their level on the result list but are no longer offered as a filter.
 */
const LEVELS = ['province', 'commune'] as const;
type Level = (typeof LEVELS)[number] | 'district';
const PAGE = 10;
type LifeEventCode = NonNullable<NonNullable<paths['/api/v1/procedures']['get']['parameters']['query']>['lifeEvent']>;

/**
 * Home: search the catalog as you type (accent-free on the server), browse by life event, agency,
 * field and level; every filter lives in the address so a result list can be shared.
 * Plain markup, no component library: the first page a citizen opens stays small and fast.
 */
export default function HomePage() {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const [params, setParams] = useSearchParams();
  const [q, setQ] = useState(params.get('q') ?? '');
  const field = params.get('field') ?? '';
  const level = (params.get('level') ?? '') as Level | '';
  const lifeEvent = params.get('event') ?? '';
  const agencyId = params.get('agency') ?? '';
  const [page, setPage] = useState(1);
  const dq = useDebounced(q.trim(), 250);

  const fields = useQuery({
    queryKey: ['fields'],
    queryFn: async () => ok(await api.GET('/api/v1/fields')).items,
    staleTime: 300_000,
  });
  const lifeEvents = useLifeEvents();
  const agencies = useAllAgencies();
  const results = useQuery({
    queryKey: ['procedures', dq, field, level, lifeEvent, agencyId, page],
    queryFn: async () =>
      ok(
        await api.GET('/api/v1/procedures', {
          params: {
            query: {
              q: dq || undefined,
              field: field || undefined,
              level: level || undefined,
              lifeEvent: (lifeEvent || undefined) as LifeEventCode | undefined,
              agencyId: agencyId || undefined,
              page,
              pageSize: PAGE,
            },
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
  const eventsOf = (audience: ApplicantKind) =>
    (lifeEvents.data ?? []).filter((e) => e.audience === audience && e.count > 0);
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
            {t('home.lifeEvent')}
            <select value={lifeEvent} onChange={(e) => setFilter('event', e.target.value)}>
              <option value="">{t('home.allLifeEvents')}</option>
              {(['citizen', 'organization'] as const).map((aud) => (
                <optgroup key={aud} label={t(`home.audience.${aud}`)}>
                  {eventsOf(aud).map((e) => (
                    <option key={e.code} value={e.code}>
                      {en ? e.nameEn : e.name} ({e.count})
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </label>
          <label>
            {t('home.agency')}
            <select value={agencyId} onChange={(e) => setFilter('agency', e.target.value)}>
              <option value="">{t('home.allAgencies')}</option>
              {(['department', 'commune'] as const).map((lv) => (
                <optgroup key={lv} label={t(`home.agencyGroup.${lv}`)}>
                  {(agencies.data ?? [])
                    .filter((a) => a.level === lv)
                    .map((a) => (
                      <option key={a.id} value={a.id}>
                        {en && a.nameEn ? a.nameEn : a.name}
                      </option>
                    ))}
                </optgroup>
              ))}
            </select>
          </label>
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
      {!dq && !lifeEvent && !field && !agencyId && (
        <section className="life-events" aria-labelledby="life-events-title">
          <h2 id="life-events-title">{t('home.lifeEvents')}</h2>
          {(['citizen', 'organization'] as const).map((aud) => (
            <div key={aud}>
              <h3>{t(`home.audience.${aud}`)}</h3>
              <ul className="tile-list">
                {eventsOf(aud).map((e) => (
                  <li key={e.code}>
                    <button type="button" className="tile" onClick={() => setFilter('event', e.code)}>
                      <span>{en ? e.nameEn : e.name}</span>
                      <span className="tile-count">{t('home.results', { count: e.count })}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      )}
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
