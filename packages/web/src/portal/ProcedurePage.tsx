import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { useAuth } from '../api/auth.tsx';
import { api, ok } from '../api/client.ts';
import { fmtVnd } from '../format.ts';
import { ErrorText, Loading } from '../shared/Loading.tsx';
import { agencyList, GENERIC_FEE_NAME, onlineLevelText, timeLimitText } from './procedureText.ts';

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
  // Online submission needs a unit to handle it: a procedure with no agency offers none.
  const online = p.channels.includes('online') && p.agencies.length > 0;
  // Who may apply (applicantKinds): the server refuses other accounts, so they are not offered the button.
  const kinds = p.applicantKinds.map((k) => t(`home.audience.${k}`)).join('; ');
  const notForMe = me?.kind === 'applicant' && !p.applicantKinds.includes(me.applicantType ?? 'citizen');
  return (
    <>
      <h1 style={{ fontSize: 22 }}>{p.name}</h1>
      <div style={{ marginBottom: 16 }}>
        {online && notForMe ? (
          <Alert type="warning" title={t('procedure.notForKind', { kinds })} />
        ) : online ? (
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
            {p.agencies.length
              ? agencyList(
                  t,
                  p.agencies.map((a) => a.name),
                )
              : t('procedure.noAgency')}
          </Descriptions.Item>
          <Descriptions.Item label={t('procedure.applicantKinds')}>{kinds}</Descriptions.Item>
          <Descriptions.Item label={t('procedure.timeLimit')}>
            {p.timeLimit ? timeLimitText(t, p.timeLimit) : t('procedure.noTimeLimit')}
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
            {onlineLevelText(t, p.onlineLevel, online)}
          </Descriptions.Item>
          <Descriptions.Item label={t('procedure.fees')}>
            {p.fees.length === 0
              ? t('procedure.free')
              : p.fees.map((f) => {
                  // A fee named like the row itself ("Phí, lệ phí") is not repeated before its amount.
                  const named = !GENERIC_FEE_NAME.test(f.name.trim());
                  const amount = f.amountVnd !== null ? fmtVnd(f.amountVnd) : null;
                  return (
                    <div key={`${f.name}|${f.amountVnd ?? ''}|${f.text ?? ''}`} style={{ marginBottom: 4 }}>
                      {named && `${f.name}: `}
                      {amount ?? f.text}
                      {amount !== null && f.text && <div style={{ fontSize: 13, color: '#444' }}>{f.text}</div>}
                    </div>
                  );
                })}
          </Descriptions.Item>
          <Descriptions.Item label={t('procedure.result')}>{p.result.name}</Descriptions.Item>
        </Descriptions>
      </Card>
      <h2 style={{ fontSize: 18, marginTop: 24 }}>{t('procedure.documents')}</h2>
      {p.documents.length === 0 ? (
        <p>{t('procedure.noDocuments')}</p>
      ) : (
        <Table
          size="small"
          rowKey={(d) => d.name}
          pagination={false}
          scroll={{ x: true }}
          dataSource={p.documents}
          columns={[
            { title: t('procedure.number'), render: (_v, _d, i) => i + 1, width: 48 },
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
              render: (_v, d) =>
                d.requirement === 'mandatory' ? t('procedure.mandatory') : t('procedure.conditional'),
            },
            { title: t('procedure.original'), render: (_v, d) => d.original ?? t('procedure.notStated') },
            { title: t('procedure.copy'), render: (_v, d) => d.copy ?? t('procedure.notStated') },
          ]}
        />
      )}
      {p.legalBasis.length > 0 && (
        <>
          <h2 style={{ fontSize: 18, marginTop: 24 }}>{t('procedure.legalBasis')}</h2>
          <ul>
            {p.legalBasis.map((l) => (
              <li key={l}>{l}</li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
