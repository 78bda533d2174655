import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Tag,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client.ts';
import type { paths } from '../api/schema';
import { fmtDate } from '../format.ts';
import { type FieldProblem, problemOf } from './problem.ts';

type ScheduleBody = paths['/api/v1/calendar/schedules/{year}']['put']['requestBody']['content']['application/json'];
type Entry = ScheduleBody['entries'][number];
type EntryForm = {
  date?: Dayjs;
  kind: Entry['kind'];
  nameVi: string;
  nameEn: string;
  source: string;
  confirmed: boolean;
};

const showDate = (d: string) => fmtDate(`${d}T12:00:00+07:00`);

/**
 * The working calendar of a year: days off (holidays, compensatory) and announced working days;
 * the administrator edits the province's schedule of the year (Bộ luật Lao động 2019, Điều 112;
 * the yearly notice of the Ministry of Home Affairs / the Provincial People's Committee).
 */
export default function CalendarPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [year, setYear] = useState(new Date().getFullYear());
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [complete, setComplete] = useState(false);
  const [problem, setProblem] = useState<{ message: string; fields: FieldProblem[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<EntryForm>();
  const cal = useQuery({
    queryKey: ['holidays', year],
    queryFn: async () => ok(await api.GET('/api/v1/calendar/holidays', { params: { query: { year } } })),
  });
  const schedule = useQuery({
    queryKey: ['schedule', year],
    queryFn: async () => ok(await api.GET('/api/v1/calendar/schedules/{year}', { params: { path: { year } } })),
  });
  useEffect(() => {
    setEntries(schedule.data ? schedule.data.entries.map((e) => ({ ...e })) : null);
    setComplete(schedule.data?.complete ?? false);
    setProblem(null);
  }, [schedule.data]);

  const rows = [
    ...(cal.data?.daysOff ?? []).map((d) => ({ ...d, type: t('admin.dayOff') })),
    ...(cal.data?.workingDays ?? []).map((d) => ({ ...d, type: t('admin.workday') })),
  ].sort((a, b) => a.date.localeCompare(b.date));

  function add(v: EntryForm) {
    if (!v.date || !entries) return;
    const date = v.date.format('YYYY-MM-DD');
    if (!date.startsWith(`${year}-`)) {
      form.setFields([{ name: 'date', errors: [t('admin.notInYear', { year })] }]);
      return;
    }
    const entry: Entry = {
      date,
      kind: v.kind,
      nameVi: v.nameVi.trim(),
      nameEn: (v.nameEn ?? '').trim() || v.nameVi.trim(),
      source: v.source.trim(),
      confirmed: v.confirmed,
    };
    setEntries(
      [...entries.filter((e) => !(e.date === date && e.kind === v.kind)), entry].sort((a, b) =>
        a.date.localeCompare(b.date),
      ),
    );
    form.resetFields(['date', 'nameVi', 'nameEn']);
  }

  async function save() {
    if (!entries || !schedule.data) return;
    setBusy(true);
    setProblem(null);
    try {
      const body: ScheduleBody = {
        complete,
        nationalDayExtra: schedule.data.nationalDayExtra,
        source: schedule.data.source,
        entries,
      };
      const r = ok(await api.PUT('/api/v1/calendar/schedules/{year}', { params: { path: { year } }, body }));
      qc.setQueryData(['schedule', year], r);
      await qc.invalidateQueries({ queryKey: ['holidays', year] });
      message.success(t('app.saved'));
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setBusy(false);
    }
  }

  /** Field errors of one entry (`entries.3.date` → row 3). */
  const rowErrors = (i: number) =>
    (problem?.fields ?? []).filter((f) => f.path === `entries.${i}` || f.path.startsWith(`entries.${i}.`));

  return (
    <>
      <h1 style={{ fontSize: 22, marginTop: 0 }}>{t('admin.calendar')}</h1>
      <label htmlFor="cal-year" style={{ marginRight: 8 }}>
        {t('admin.year')}
      </label>
      <InputNumber id="cal-year" min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} />

      <Card title={t('admin.scheduleEdit', { year })} style={{ marginTop: 12 }} loading={schedule.isLoading}>
        {schedule.error && <Alert type="error" title={schedule.error.message} showIcon />}
        {schedule.data && (
          <p style={{ marginTop: 0 }}>
            {t('admin.origin')}: <Tag>{t(`admin.origins.${schedule.data.origin}`)}</Tag>
            {schedule.data.updatedAt && `${t('admin.updatedAt')} ${fmtDate(schedule.data.updatedAt)}`}
          </p>
        )}
        <Form
          form={form}
          layout="vertical"
          onFinish={add}
          initialValues={{ kind: 'day_off', confirmed: false, source: '' }}
        >
          <div className="form-grid">
            <Form.Item name="date" label={t('admin.date')} htmlFor="entry-date" rules={[{ required: true }]}>
              <DatePicker id="entry-date" format="DD/MM/YYYY" placeholder="dd/mm/yyyy" style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item name="kind" label={t('admin.kind')} htmlFor="entry-kind">
              <Select
                id="entry-kind"
                options={[
                  { value: 'day_off', label: t('admin.dayOff') },
                  { value: 'working_day', label: t('admin.workday') },
                ]}
              />
            </Form.Item>
            <Form.Item name="nameVi" label={t('admin.nameVi')} htmlFor="entry-name-vi" rules={[{ required: true }]}>
              <Input id="entry-name-vi" maxLength={300} />
            </Form.Item>
            <Form.Item name="nameEn" label={t('admin.nameEn')} htmlFor="entry-name-en">
              <Input id="entry-name-en" maxLength={300} />
            </Form.Item>
            <Form.Item name="source" label={t('admin.source')} htmlFor="entry-source" rules={[{ required: true }]}>
              <Input id="entry-source" maxLength={500} />
            </Form.Item>
            <Form.Item name="confirmed" valuePropName="checked" style={{ alignSelf: 'end' }}>
              <Checkbox>{t('admin.confirmed')}</Checkbox>
            </Form.Item>
          </div>
          <Button htmlType="submit" disabled={!entries}>
            {t('admin.addDay')}
          </Button>
        </Form>

        {problem && (
          <Alert
            type="error"
            showIcon
            style={{ marginTop: 12 }}
            title={problem.message}
            description={
              problem.fields.length > 0 && (
                <ul style={{ margin: 0, paddingLeft: 18 }}>
                  {problem.fields.map((f) => {
                    const i = /^entries\.(\d+)/.exec(f.path)?.[1];
                    const e = i !== undefined ? entries?.[Number(i)] : undefined;
                    return (
                      <li key={`${f.path}-${f.message}`}>
                        {e ? `${showDate(e.date)} — ${f.path.replace(/^entries\.\d+\.?/, '') || ''}` : f.path}:{' '}
                        {f.message}
                      </li>
                    );
                  })}
                </ul>
              )
            }
          />
        )}

        <Table
          style={{ marginTop: 12 }}
          rowKey={(e) => `${e.date}-${e.kind}`}
          size="small"
          dataSource={entries ?? []}
          pagination={false}
          scroll={{ x: true }}
          columns={[
            { title: t('admin.date'), render: (_v, e) => showDate(e.date) },
            {
              title: t('admin.kind'),
              render: (_v, e) => (e.kind === 'day_off' ? t('admin.dayOff') : t('admin.workday')),
            },
            {
              title: t('admin.name'),
              render: (_v, e, i) => (
                <>
                  {i18n.language === 'en' ? e.nameEn : e.nameVi}
                  {rowErrors(i).map((f) => (
                    <div key={f.path} style={{ color: '#a8071a' }}>
                      {f.message}
                    </div>
                  ))}
                </>
              ),
            },
            { title: t('admin.source'), dataIndex: 'source' },
            { title: t('admin.confirmed'), render: (_v, e) => (e.confirmed ? t('app.yes') : t('app.no')) },
            {
              title: '',
              render: (_v, e, i) => (
                <Button
                  danger
                  size="small"
                  aria-label={`${t('admin.remove')} ${showDate(e.date)}`}
                  onClick={() => entries && setEntries(entries.filter((_x, j) => j !== i))}
                >
                  {t('admin.remove')}
                </Button>
              ),
            },
          ]}
        />
        <Space style={{ marginTop: 12 }} wrap>
          <Checkbox checked={complete} onChange={(e) => setComplete(e.target.checked)}>
            {t('admin.complete')}
          </Checkbox>
          <Button type="primary" loading={busy} disabled={!entries} onClick={() => void save()}>
            {t('admin.saveSchedule')}
          </Button>
        </Space>
      </Card>

      <h2 style={{ fontSize: 18, marginTop: 24 }}>{t('admin.inForce', { year })}</h2>
      <Table
        rowKey={(r) => `${r.date}-${r.type}`}
        size="small"
        loading={cal.isLoading}
        dataSource={rows}
        pagination={false}
        columns={[
          { title: t('admin.date'), render: (_v, r) => showDate(r.date) },
          { title: t('admin.kind'), dataIndex: 'type' },
          { title: t('admin.name'), render: (_v, r) => (i18n.language === 'en' ? r.nameEn : r.nameVi) },
        ]}
      />
    </>
  );
}
