import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { List, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ok } from '../api/client.ts';
import type { paths } from '../api/schema';
import { fmtDateTime } from '../format.ts';
import { ErrorText } from '../shared/Loading.tsx';
import '../shared/identityMessages.ts';

type Access =
  paths['/api/v1/me/personal-data-access']['get']['responses'][200]['content']['application/json']['items'][number];

const PAGE_SIZE = 10;
const LABEL = { color: '#595959' } as const;
/** Outcomes the log names in words; anything newer is shown as the server wrote it. */
const OUTCOMES = new Set(['found', 'not_found', 'timeout', 'unavailable', 'invalid_response', 'refused', 'viewed']);
/** Outcomes that are the register failing, shown in orange. */
const FAILED = new Set(['timeout', 'unavailable', 'invalid_response', 'refused']);

/**
 * "Ai đã xem dữ liệu cá nhân của tôi" (Decree 13/2023/NĐ-CP: the data subject may know who
 * processed their data): every national-register read about the applicant and every officer's
 * opening of their dossiers, newest first — when, who (you, or the officer and their agency),
 * which source, why and with what outcome, in words. A list, so it reads on a phone.
 */
export function PersonalDataAccess() {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const q = useQuery({
    queryKey: ['personal-data-access', page],
    placeholderData: keepPreviousData,
    queryFn: async () =>
      ok(await api.GET('/api/v1/me/personal-data-access', { params: { query: { page, pageSize: PAGE_SIZE } } })),
  });

  const who = (a: Access['accessor']) => {
    if (a.self) return t('identity.access.self');
    const name = a.name ?? t(a.kind === 'officer' ? 'identity.access.officer' : 'identity.access.system');
    return a.agencyName ? `${name} — ${a.agencyName}` : name;
  };

  return (
    <section aria-labelledby="pda-title" data-testid="personal-data-access" style={{ marginTop: 24 }}>
      <h2 id="pda-title" style={{ fontSize: 18 }}>
        {t('identity.access.title')}
      </h2>
      <p style={{ fontSize: 13, marginTop: 0 }}>{t('identity.access.intro')}</p>
      {q.error ? (
        <ErrorText error={q.error} />
      ) : (
        <List
          loading={q.isLoading}
          locale={{ emptyText: t('identity.access.empty') }}
          dataSource={q.data?.items ?? []}
          rowKey={(a) => `${a.at}|${a.source}|${a.purpose}|${a.accessor.name ?? ''}`}
          pagination={
            (q.data?.total ?? 0) > PAGE_SIZE
              ? {
                  current: page,
                  pageSize: PAGE_SIZE,
                  total: q.data?.total ?? 0,
                  onChange: setPage,
                  showSizeChanger: false,
                  size: 'small',
                  align: 'center',
                }
              : false
          }
          renderItem={(a) => (
            <List.Item
              data-testid="pda-row"
              style={{ background: '#fff', padding: 12, marginBottom: 8, borderRadius: 6, display: 'block' }}
            >
              <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'baseline' }}>
                <time dateTime={a.at} style={{ fontWeight: 500 }} data-testid="pda-at">
                  {fmtDateTime(a.at)}
                </time>
                <Tag
                  style={
                    FAILED.has(a.outcome)
                      ? { color: '#873800', background: '#fff7e6', borderColor: '#ffd591' }
                      : { color: '#1f1f1f', background: '#fafafa' }
                  }
                  data-testid="pda-outcome"
                >
                  {OUTCOMES.has(a.outcome) ? t(`identity.access.outcomes.${a.outcome}`) : a.outcome}
                </Tag>
              </div>
              <div style={{ overflowWrap: 'anywhere' }}>
                <span style={LABEL}>{t('identity.access.who')}: </span>
                <span data-testid="pda-who">{who(a.accessor)}</span>
              </div>
              <div style={{ overflowWrap: 'anywhere' }}>
                <span style={LABEL}>{t('identity.access.source')}: </span>
                <span data-testid="pda-source">{t(`identity.access.sources.${a.source}`)}</span>
              </div>
              <div style={{ overflowWrap: 'anywhere' }}>
                <span style={LABEL}>{t('identity.access.purpose')}: </span>
                {a.purpose}
                {a.dossierId && (
                  <>
                    {' '}
                    · <Link to={`/my/${a.dossierId}`}>{t('identity.access.openDossier')}</Link>
                  </>
                )}
              </div>
            </List.Item>
          )}
        />
      )}
    </section>
  );
}
