import { useQuery, useQueryClient } from '@tanstack/react-query';
import { List } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { useAuth } from '../api/auth.tsx';
import { api, ok } from '../api/client.ts';
import { fmtDate } from '../format.ts';
import { ErrorText, Loading } from '../shared/Loading.tsx';
import { StatusTag } from '../shared/StatusTag.tsx';
import { DiscardDraftButton } from './apply/DiscardDraftButton.tsx';
import { PersonalDataAccess } from './PersonalDataAccess.tsx';

/**
 * My dossiers: status, dates, appointment; drafts to continue or discard; and who read my personal
 * data (Decree 13/2023/NĐ-CP).
 */
export default function MyDossiersPage() {
  const { t } = useTranslation();
  const { me, loading } = useAuth();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['my-dossiers'],
    enabled: me?.kind === 'applicant',
    queryFn: async () => ok(await api.GET('/api/v1/dossiers', { params: { query: { queue: 'all', pageSize: 50 } } })),
  });
  const drafts = useQuery({
    queryKey: ['my-drafts'],
    enabled: me?.kind === 'applicant',
    queryFn: async () => ok(await api.GET('/api/v1/drafts')).items,
  });
  if (loading) return <Loading />;
  if (!me) return <Navigate to="/login?next=/my" replace />;
  if (q.error) return <ErrorText error={q.error} />;
  return (
    <>
      <h1 style={{ fontSize: 22 }}>{t('my.title')}</h1>
      <List
        loading={q.isLoading}
        locale={{ emptyText: t('my.empty') }}
        dataSource={q.data?.items ?? []}
        renderItem={(d) => (
          <List.Item style={{ background: '#fff', padding: 12, marginBottom: 8, borderRadius: 6 }}>
            <div style={{ width: '100%' }}>
              <Link to={`/my/${d.id}`} style={{ fontWeight: 500 }}>
                {d.code}
              </Link>{' '}
              <StatusTag dossier={d} />
              <div>{d.procedureName}</div>
              <div style={{ fontSize: 13 }}>
                {t('my.submittedAt')}: {fmtDate(d.submittedAt)}
                {d.due && ` · ${t('my.appointment')}: ${fmtDate(d.due)}`}
              </div>
            </div>
          </List.Item>
        )}
      />
      {(drafts.data?.length ?? 0) > 0 && (
        <>
          <h2 style={{ fontSize: 18 }}>{t('my.drafts')}</h2>
          <ul>
            {drafts.data!.map((d) => (
              <li key={d.id}>
                {d.procedureName} ({fmtDate(d.updatedAt)}) —{' '}
                <Link to={`/procedures/${d.procedureId}/apply?draft=${d.id}`}>{t('my.continueDraft')}</Link>{' '}
                <DiscardDraftButton
                  procedureName={d.procedureName}
                  testId={`discard-draft-${d.id}`}
                  discard={async () => {
                    ok(await api.DELETE('/api/v1/drafts/{id}', { params: { path: { id: d.id } } }));
                  }}
                  onDone={() => void qc.invalidateQueries({ queryKey: ['my-drafts'] })}
                />
              </li>
            ))}
          </ul>
        </>
      )}
      {me.kind === 'applicant' && <PersonalDataAccess />}
    </>
  );
}
