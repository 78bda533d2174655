import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Input, Radio } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api, newKey, ok } from '../api/client.ts';
import { fmtDate, fmtDateTime } from '../format.ts';
import { DossierTimeline } from '../shared/DossierTimeline.tsx';
import { FileUpload } from '../shared/FileUpload.tsx';
import { ErrorText, Loading } from '../shared/Loading.tsx';
import { DueStatus } from '../shared/Remaining.tsx';
import { StatusTag } from '../shared/StatusTag.tsx';
import { useDossier } from '../shared/useDossier.ts';

const SATISFACTION = ['very_satisfied', 'satisfied', 'neutral', 'dissatisfied', 'very_dissatisfied'].map((v) => [
  v,
  `ratingScale.${v}`,
]);
const COUNTED = (group: string) => ['one', 'two', 'three_or_more'].map((v) => [v, `ratingScale.${group}.${v}`]);
/**
 * The rating, each Decree 118/2025 art. 33 criterion on its own scale: the values are those the
 * server checks (core rating.ts), the labels are the portal's. The online service is asked of
 * online dossiers only.
 */
const SCALES: [criterion: string, options: string[][]][] = [
  ['time_vs_limit', ['early', 'on_time', 'late'].map((v) => [v, `ratingScale.${v}`])],
  ['contacts_needed', COUNTED('contacts')],
  ['agencies_contacted', COUNTED('agencies')],
  ['information_accuracy', ['complete', 'incomplete', 'inaccurate'].map((v) => [v, `ratingScale.${v}`])],
  ['staff_attitude', SATISFACTION],
  ['explanation_quality', SATISFACTION],
  ['result_legality_and_cost', ['as_prescribed', 'not_as_prescribed'].map((v) => [v, `ratingScale.${v}`])],
  ['online_service_quality', SATISFACTION],
  ['other', SATISFACTION],
];

/** One of my dossiers: status, appointment, timeline, what is asked of me, result, rating. */
export default function MyDossierPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { id = '' } = useParams();
  const qc = useQueryClient();
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const keys = useRef<Record<string, string>>({});
  const { detail, history, files } = useDossier(id);
  if (detail.isLoading) return <Loading />;
  if (detail.error || !detail.data) return <ErrorText error={detail.error} />;
  const d = detail.data as typeof detail.data & Parameters<typeof DueStatus>[0]['dossier'];
  const can = (a: string) => d.availableActions.includes(a);

  async function act(type: string, extra: Record<string, unknown> = {}) {
    setError(null);
    // The same key for a retry of the same command (a double click acts once).
    keys.current[type] ??= newKey();
    try {
      ok(
        await api.POST('/api/v1/dossiers/{id}/actions', {
          params: { path: { id }, header: { 'idempotency-key': keys.current[type] } },
          body: { type, version: d.version, ...extra } as never,
        }),
      );
      delete keys.current[type];
      message.success(t('app.done'));
      await qc.invalidateQueries({ queryKey: ['dossier', id] });
    } catch (e) {
      delete keys.current[type];
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  const results = (files.data ?? []).filter((f) => f.kind === 'result');
  return (
    <>
      <h1 style={{ fontSize: 22 }}>
        {t('apply.code')}: {d.code}
      </h1>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      <Card>
        <Descriptions column={1} size="small" bordered>
          <Descriptions.Item label={t('office.procedure')}>{d.procedure.name}</Descriptions.Item>
          <Descriptions.Item label={t('my.status')}>
            <StatusTag dossier={d} testId="dossier-status" />
          </Descriptions.Item>
          <Descriptions.Item label={t('my.submittedAt')}>{fmtDateTime(d.submittedAt)}</Descriptions.Item>
          <Descriptions.Item label={t('my.appointment')}>
            {d.due ? `${fmtDate(d.due)} ` : ''}
            <DueStatus dossier={d} />
          </Descriptions.Item>
        </Descriptions>
      </Card>

      {d.status === 'supplement_requested' && (
        <Card title={t('my.asked')} style={{ marginTop: 16 }}>
          <ul>
            {d.supplement.items.map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
          <FileUpload
            label={t('my.supplementUpload')}
            url={`/api/v1/dossiers/${id}/attachments`}
            slot={`supplement-${d.supplement.count}`}
            kind="supplement"
            onUploaded={() => void qc.invalidateQueries({ queryKey: ['dossier', id, 'files'] })}
          />
          {can('supplement_provided') && (
            <Button type="primary" onClick={() => act('supplement_provided')}>
              {t('actions.supplement_provided')}
            </Button>
          )}
        </Card>
      )}

      {results.length > 0 && (
        <Card title={t('my.result')} style={{ marginTop: 16 }}>
          <ul>
            {results.map((f) => (
              <li key={f.id}>
                <a href={`/api/v1/attachments/${f.id}/content`} download={f.fileName}>
                  {t('app.download')}: {f.fileName}
                </a>
              </li>
            ))}
          </ul>
        </Card>
      )}

      {/* availableActions never lists `rate` (the server probes it with empty scores): offer it once returned. */}
      {(can('rate') || d.status === 'returned') && !d.rating && (
        <Card title={t('my.rate')} style={{ marginTop: 16 }}>
          <Form layout="vertical" component="div">
            <p style={{ fontSize: 13 }}>{t('citizen.rateHint')}</p>
            {SCALES.filter(([c]) => c !== 'online_service_quality' || d.channel === 'online').map(([c, options]) => (
              <fieldset key={c} style={{ border: 0, padding: 0, marginBottom: 12 }} data-testid={`rate-${c}`}>
                <legend style={{ fontSize: 14, marginBottom: 4 }}>{t(`ratingScale.questions.${c}`)}</legend>
                <Radio.Group
                  value={answers[c]}
                  onChange={(e) => setAnswers({ ...answers, [c]: e.target.value })}
                  options={options.map(([value, key]) => ({ value, label: t(key!) }))}
                />
              </fieldset>
            ))}
            <Form.Item label={t('my.comment')} htmlFor="rate-comment">
              <Input.TextArea id="rate-comment" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
            </Form.Item>
            <Button
              type="primary"
              disabled={Object.keys(answers).length === 0}
              onClick={() => act('rate', { answers, ...(comment.trim() ? { comment: comment.trim() } : {}) })}
            >
              {t('my.sendRating')}
            </Button>
          </Form>
        </Card>
      )}
      {d.rating && <Alert style={{ marginTop: 16 }} type="success" title={t('my.rated')} />}

      <Card title={t('my.timeline')} style={{ marginTop: 16 }}>
        {history.data && <DossierTimeline items={history.data} showActors={false} />}
      </Card>
      <Card title={t('my.files')} style={{ marginTop: 16 }}>
        <ul>
          {(files.data ?? [])
            .filter((f) => f.kind !== 'result')
            .map((f) => (
              <li key={f.id}>
                <a href={`/api/v1/attachments/${f.id}/content`}>{f.fileName}</a> ({fmtDate(f.uploadedAt)})
              </li>
            ))}
        </ul>
      </Card>
    </>
  );
}
