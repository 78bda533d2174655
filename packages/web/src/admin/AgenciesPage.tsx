import { useQuery } from '@tanstack/react-query';
import { Button, Checkbox, Form, Input, Select, Space, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client.ts';
import type { paths } from '../api/schema';
import { useAllAgencies } from '../shared/catalogQueries.ts';
import { useDebounced } from '../shared/useDebounced.ts';
import { FormDialog } from './FormDialog.tsx';
import { useDialogSave } from './problem.ts';

type CreateBody = paths['/api/v1/agencies']['post']['requestBody']['content']['application/json'];
type UpdateBody = paths['/api/v1/agencies/{id}']['patch']['requestBody']['content']['application/json'];
type Agency = paths['/api/v1/agencies']['get']['responses'][200]['content']['application/json']['items'][number];
const CREATE_FIELDS = [
  'parentId',
  'code',
  'name',
  'nameEn',
  'level',
  'address',
  'phone',
  'email',
  'receivesDossiers',
] as const;
const EDIT_FIELDS = ['name', 'nameEn', 'address', 'phone', 'email', 'receivesDossiers', 'active'] as const;

/**
 * The levels an agency can be created at or filtered by. No district: local government has two
 * levels since 1 July 2025 (Law on the Organisation of Local Government 2025, art. 1; RULES.md §10);
 * an old record that still says `district` shows its label in the table.
 */
const LEVELS = ['province', 'department', 'commune', 'unit', 'center'] as const;

/** Agencies of the province in tree order (search, filter by level); add, edit, deactivate. */
export default function AgenciesPage() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [level, setLevel] = useState<(typeof LEVELS)[number] | undefined>();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Agency | null>(null);
  const [inactive, setInactive] = useState(false);
  const dq = useDebounced(q.trim());
  const list = useQuery({
    queryKey: ['agencies', dq, level, inactive],
    queryFn: async () =>
      ok(
        await api.GET('/api/v1/agencies', {
          params: { query: { q: dq || undefined, level, ...(inactive ? { includeInactive: 'true' as const } : {}) } },
        }),
      ).items,
  });
  return (
    <>
      <h1 style={{ fontSize: 22, marginTop: 0 }}>{t('admin.agencies')}</h1>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input
          aria-label={t('app.search')}
          placeholder={t('app.search')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <Select
          aria-label={t('admin.level')}
          placeholder={t('admin.level')}
          allowClear
          style={{ width: 180 }}
          value={level}
          onChange={setLevel}
          options={LEVELS.map((l) => ({ value: l, label: t(`admin.levels.${l}`) }))}
        />
        <Checkbox checked={inactive} onChange={(e) => setInactive(e.target.checked)}>
          {t('admin.showInactive')}
        </Checkbox>
        <Button type="primary" onClick={() => setCreating(true)}>
          {t('admin.newAgency')}
        </Button>
      </Space>
      <Table
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data ?? []}
        scroll={{ x: true }}
        pagination={{ pageSize: 50, showSizeChanger: false }}
        columns={[
          { title: t('admin.code'), dataIndex: 'code' },
          {
            title: t('admin.name'),
            render: (_v, a) => (
              <>
                {a.name} {a.receivesDossiers && <Tag color="blue">{t('admin.receivesDossiers')}</Tag>}
                {!a.active && <Tag>{t('admin.inactive')}</Tag>}
              </>
            ),
          },
          { title: t('admin.level'), render: (_v, a) => t(`admin.levels.${a.level}`) },
          { title: t('apply.phone'), dataIndex: 'phone' },
          {
            title: '',
            render: (_v, a) => (
              <Button size="small" onClick={() => setEditing(a)} aria-label={`${t('admin.edit')} ${a.name}`}>
                {t('admin.edit')}
              </Button>
            ),
          },
        ]}
      />
      {creating && <CreateAgency onClose={() => setCreating(false)} />}
      {editing && <EditAgency agency={editing} onClose={() => setEditing(null)} />}
    </>
  );
}

/** A new agency under a parent of the administrator's subtree (the server checks the scope). */
function CreateAgency({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<CreateBody>();
  const all = useAllAgencies();
  const blank = (s?: string) => s?.trim() || undefined;
  const { error, busy, submit } = useDialogSave<CreateBody>(
    form,
    CREATE_FIELDS,
    async (v) =>
      ok(
        await api.POST('/api/v1/agencies', {
          body: {
            ...v,
            code: v.code.trim().toUpperCase(),
            nameEn: blank(v.nameEn),
            address: blank(v.address),
            phone: blank(v.phone),
            email: blank(v.email),
          },
        }),
      ),
    { invalidate: 'agencies', onDone: onClose },
  );
  return (
    <FormDialog title={t('admin.newAgency')} form={form} busy={busy} error={error} onClose={onClose}>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item name="parentId" label={t('admin.parent')} htmlFor="agency-parent" rules={[{ required: true }]}>
          <Select
            id="agency-parent"
            showSearch={{ optionFilterProp: 'label' }}
            loading={all.isLoading}
            options={(all.data ?? []).map((a) => ({ value: a.id, label: `${a.name} (${a.code})` }))}
          />
        </Form.Item>
        <Form.Item
          name="code"
          label={t('admin.agencyCode')}
          htmlFor="agency-code"
          rules={[{ required: true, pattern: /^[0-9A-Za-z.]{3,40}$/ }]}
        >
          <Input id="agency-code" />
        </Form.Item>
        <Form.Item name="name" label={t('admin.nameVi')} htmlFor="agency-name" rules={[{ required: true, min: 2 }]}>
          <Input id="agency-name" />
        </Form.Item>
        <Form.Item name="nameEn" label={t('admin.nameEn')} htmlFor="agency-name-en">
          <Input id="agency-name-en" />
        </Form.Item>
        <Form.Item name="level" label={t('admin.level')} htmlFor="agency-level" rules={[{ required: true }]}>
          <Select
            id="agency-level"
            options={LEVELS.filter((l) => l !== 'province').map((l) => ({ value: l, label: t(`admin.levels.${l}`) }))}
          />
        </Form.Item>
        <Form.Item name="address" label={t('admin.address')} htmlFor="agency-address">
          <Input id="agency-address" />
        </Form.Item>
        <Form.Item name="phone" label={t('apply.phone')} htmlFor="agency-phone">
          <Input id="agency-phone" type="tel" />
        </Form.Item>
        <Form.Item name="email" label={t('admin.email')} htmlFor="agency-email" rules={[{ type: 'email' }]}>
          <Input id="agency-email" type="email" />
        </Form.Item>
        <Form.Item name="receivesDossiers" valuePropName="checked">
          <Checkbox>{t('admin.receivesDossiersHint')}</Checkbox>
        </Form.Item>
      </Form>
    </FormDialog>
  );
}

/**
 * Edit an agency: names, contacts, the one-stop reception flag, active or not. The code and the
 * parent stay (the code is in every dossier number it received). The server refuses to deactivate
 * an agency still in use and says what depends on it; a concurrent edit gets 409.
 */
function EditAgency({ agency, onClose }: { agency: Agency; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Omit<UpdateBody, 'version'>>();
  const { error, busy, submit } = useDialogSave<Omit<UpdateBody, 'version'>>(
    form,
    EDIT_FIELDS,
    async (v) =>
      ok(
        await api.PATCH('/api/v1/agencies/{id}', {
          params: { path: { id: agency.id } },
          body: {
            version: agency.version,
            name: v.name,
            nameEn: v.nameEn ?? '',
            address: v.address ?? '',
            phone: v.phone ?? '',
            email: v.email?.trim() ? v.email.trim() : null,
            ...(agency.level === 'unit' ? { receivesDossiers: !!v.receivesDossiers } : {}),
            active: !!v.active,
          },
        }),
      ),
    { invalidate: 'agencies', onDone: onClose },
  );
  return (
    <FormDialog
      title={`${t('admin.editAgency')} ${agency.code}`}
      form={form}
      busy={busy}
      error={error}
      onClose={onClose}
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => void submit(v)}
        initialValues={{
          name: agency.name,
          nameEn: agency.nameEn ?? '',
          address: agency.address ?? '',
          phone: agency.phone ?? '',
          email: agency.email ?? '',
          receivesDossiers: agency.receivesDossiers,
          active: agency.active,
        }}
      >
        <Form.Item
          name="name"
          label={t('admin.nameVi')}
          htmlFor="edit-agency-name"
          rules={[{ required: true, min: 2 }]}
        >
          <Input id="edit-agency-name" />
        </Form.Item>
        <Form.Item name="nameEn" label={t('admin.nameEn')} htmlFor="edit-agency-name-en">
          <Input id="edit-agency-name-en" />
        </Form.Item>
        <Form.Item name="address" label={t('admin.address')} htmlFor="edit-agency-address">
          <Input id="edit-agency-address" />
        </Form.Item>
        <Form.Item name="phone" label={t('apply.phone')} htmlFor="edit-agency-phone">
          <Input id="edit-agency-phone" type="tel" />
        </Form.Item>
        <Form.Item name="email" label={t('admin.email')} htmlFor="edit-agency-email" rules={[{ type: 'email' }]}>
          <Input id="edit-agency-email" type="email" />
        </Form.Item>
        {agency.level === 'unit' && (
          <Form.Item name="receivesDossiers" valuePropName="checked">
            <Checkbox>{t('admin.receivesDossiersHint')}</Checkbox>
          </Form.Item>
        )}
        <Form.Item name="active" label={t('admin.active')} htmlFor="edit-agency-active" valuePropName="checked">
          <Switch id="edit-agency-active" />
        </Form.Item>
      </Form>
    </FormDialog>
  );
}
