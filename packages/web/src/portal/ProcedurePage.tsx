import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { useAuth } from '../api/auth.tsx';
import { api, ok } from '../api/client.ts';
import { fmtVnd } from '../format.ts';
import { ErrorText, Loading } from '../shared/Loading.tsx';
import { timeLimitText } from './procedureText.ts';

/** What a procedure is, who does it, documents, fees, time limit, legal basis — and "apply online". */
export default function ProcedurePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { me } = useAuth();
  const navigate = useNavigate();
  const q = useQuery({
    queryKey: ['procedure', id],
    queryFn: async () => ok(await api.GET('/api/v1/procedures/{id}', { params: { path: { id } } })),
  });
  if (q.isLoading) return <Loading />;
  if (q.error || !q.data) return <ErrorText error={q.error} />;
  const p = q.data;
  const online = p.channels.includes('online');
  return (
    <>
      <h1 style={{ fontSize: 22 }}>{p.name}</h1>
      <div style={{ marginBottom: 16 }}>
        {online ? (
          me?.kind === 'applicant' ? (
            <Button type="primary" size="large" onClick={() => navigate(`/procedures/${p.id}/apply`)}>
              {t('procedure.apply')}
            </Button>
          ) : (
            <Button
              type="primary"
              size="large"
              onClick={() => navigate(`/login?next=${encodeURIComponent(`/procedures/${p.id}/apply`)}`)}
            >
              {t('procedure.applyLogin')}
            </Button>
          )
        ) : (
          <Alert type="info" title={t('procedure.notOnline')} />
        )}
      </div>
      <Card>
        <Descriptions column={1} bordered size="small" styles={{ label: { width: 200 } }}>
          <Descriptions.Item label={t('home.field')}>{p.field.name}</Descriptions.Item>
          <Descriptions.Item label={t('home.level')}>{t(`levels.${p.level}`)}</Descriptions.Item>
          <Descriptions.Item label={t('procedure.agencies')}>
            {p.agencies.map((a) => a.name).join('; ')}
          </Descriptions.Item>
          <Descriptions.Item label={t('procedure.timeLimit')}>
            {timeLimitText(t, p.timeLimit)}
            {p.timeLimit?.text && p.timeLimit.unit !== 'text' && (
              <div style={{ fontSize: 13, color: '#444' }}>{p.timeLimit.text}</div>
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('procedure.channels')}>
            {p.channels.map((c) => (
              <Tag key={c}>{t(`admin.channel.${c}`)}</Tag>
            ))}
          </Descriptions.Item>
          <Descriptions.Item label={t('procedure.onlineLevel')}>
            {p.onlineLevel === 'full' ? t('home.online') : p.onlineLevel === 'partial' ? t('home.partial') : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('procedure.fees')}>
            {p.fees.length === 0
              ? t('procedure.free')
              : p.fees.map((f) => (
                  <div key={f.name}>
                    {f.name}: {f.amountVnd !== null ? fmtVnd(f.amountVnd) : f.text}
                  </div>
                ))}
          </Descriptions.Item>
          <Descriptions.Item label={t('procedure.result')}>{p.result.name}</Descriptions.Item>
        </Descriptions>
      </Card>
      <h2 style={{ fontSize: 18, marginTop: 24 }}>{t('procedure.documents')}</h2>
      <Table
        size="small"
        rowKey={(d) => d.name}
        pagination={false}
        scroll={{ x: true }}
        dataSource={p.documents}
        columns={[
          { title: '#', render: (_v, _d, i) => i + 1, width: 40 },
          {
            title: t('procedure.documents'),
            render: (_v, d) => (
              <>
                {d.name}
                {d.condition && <div style={{ fontSize: 12 }}>{d.condition}</div>}
                {(d.templateUrl || d.templateFile) && (
                  <div>
                    <a href={d.templateUrl ?? `/templates/${d.templateFile}`} download>
                      {t('procedure.template')}
                    </a>
                  </div>
                )}
              </>
            ),
          },
          {
            title: t('procedure.mandatory'),
            render: (_v, d) => (d.requirement === 'mandatory' ? t('procedure.mandatory') : t('procedure.conditional')),
          },
          { title: t('procedure.original'), dataIndex: 'original' },
          { title: t('procedure.copy'), dataIndex: 'copy' },
        ]}
      />
      <h2 style={{ fontSize: 18, marginTop: 24 }}>{t('procedure.legalBasis')}</h2>
      <ul>
        {p.legalBasis.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
    </>
  );
}
