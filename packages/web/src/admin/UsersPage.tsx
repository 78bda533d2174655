import { useQuery } from '@tanstack/react-query';
import { Button, Form, Input, Select, Space, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client.ts';
import type { paths } from '../api/schema';
import { useAllAgencies } from '../shared/catalogQueries.ts';
import { useDebounced } from '../shared/useDebounced.ts';
import { FormDialog } from './FormDialog.tsx';
import { useDialogSave } from './problem.ts';

type User = paths['/api/v1/users/{id}']['get']['responses'][200]['content']['application/json'];
type CreateBody = paths['/api/v1/users']['post']['requestBody']['content']['application/json'];
type Role = CreateBody['roles'][number];

const ROLES: Role[] = ['receptionist', 'officer', 'leader', 'admin', 'provincial_leader'];
const CREATE_FIELDS = [
  'username',
  'fullName',
  'agencyId',
  'roles',
  'password',
  'email',
  'phone',
  'personalId',
] as const;
const EDIT_FIELDS = ['fullName', 'roles', 'email', 'personalId', 'active'] as const;

/** Officers of the administrator's agency subtree, with their roles; create, edit roles, deactivate. */
export default function UsersPage() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const dq = useDebounced(q.trim());
  const list = useQuery({
    queryKey: ['users', dq, page],
    queryFn: async () =>
      ok(await api.GET('/api/v1/users', { params: { query: { q: dq || undefined, page, pageSize: 50 } } })),
  });
  const roleOptions = ROLES.map((r) => ({ value: r, label: t(`admin.roleNames.${r}`) }));
  return (
    <>
      <h1 style={{ fontSize: 22, marginTop: 0 }}>{t('admin.users')}</h1>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input
          aria-label={t('app.search')}
          placeholder={t('app.search')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          style={{ maxWidth: 320 }}
        />
        <Button type="primary" onClick={() => setCreating(true)}>
          {t('admin.newUser')}
        </Button>
      </Space>
      <Table
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: true }}
        pagination={{ current: page, pageSize: 50, total: list.data?.total ?? 0, onChange: setPage }}
        columns={[
          { title: t('admin.username'), dataIndex: 'username' },
          { title: t('admin.fullName'), dataIndex: 'fullName' },
          { title: t('admin.agency'), dataIndex: 'agencyName' },
          {
            title: t('admin.roles'),
            render: (_v, u) => u.roles.map((r) => <Tag key={r}>{t(`admin.roleNames.${r}`, { defaultValue: r })}</Tag>),
          },
          { title: t('admin.active'), render: (_v, u) => (u.active ? t('app.yes') : t('app.no')) },
          {
            title: '',
            render: (_v, u) => (
              <Button size="small" aria-label={`${t('admin.edit')} ${u.username}`} onClick={() => setEditing(u)}>
                {t('admin.edit')}
              </Button>
            ),
          },
        ]}
      />
      {creating && <CreateUser roleOptions={roleOptions} onClose={() => setCreating(false)} />}
      {editing && <EditUser user={editing} roleOptions={roleOptions} onClose={() => setEditing(null)} />}
    </>
  );
}

type RoleOptions = { value: Role; label: string }[];

function CreateUser({ roleOptions, onClose }: { roleOptions: RoleOptions; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<CreateBody>();
  const agencies = useAllAgencies();
  const { error, busy, submit } = useDialogSave<CreateBody>(
    form,
    CREATE_FIELDS,
    async (v) =>
      ok(
        await api.POST('/api/v1/users', {
          body: {
            ...v,
            email: v.email?.trim() || undefined,
            phone: v.phone?.trim() || undefined,
            personalId: v.personalId?.trim() || undefined,
          },
        }),
      ),
    { invalidate: 'users', onDone: onClose },
  );
  return (
    <FormDialog title={t('admin.newUser')} form={form} busy={busy} error={error} onClose={onClose}>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} initialValues={{ roles: ['officer'] }}>
        <Form.Item name="username" label={t('admin.username')} htmlFor="user-username" rules={[{ required: true }]}>
          <Input id="user-username" autoComplete="off" />
        </Form.Item>
        <Form.Item name="fullName" label={t('admin.fullName')} htmlFor="user-fullname" rules={[{ required: true }]}>
          <Input id="user-fullname" />
        </Form.Item>
        <Form.Item name="agencyId" label={t('admin.agency')} htmlFor="user-agency" rules={[{ required: true }]}>
          <Select
            id="user-agency"
            showSearch={{ optionFilterProp: 'label' }}
            loading={agencies.isLoading}
            options={(agencies.data ?? []).map((a) => ({ value: a.id, label: `${a.name} (${a.code})` }))}
          />
        </Form.Item>
        <Form.Item name="roles" label={t('admin.roles')} htmlFor="user-roles" rules={[{ required: true }]}>
          <Select id="user-roles" mode="multiple" options={roleOptions} />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('admin.initialPassword')}
          htmlFor="user-password"
          rules={[{ required: true, min: 8 }]}
        >
          <Input.Password id="user-password" autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="email" label={t('admin.email')} htmlFor="user-email" rules={[{ type: 'email' }]}>
          <Input id="user-email" type="email" />
        </Form.Item>
        <Form.Item name="phone" label={t('apply.phone')} htmlFor="user-phone">
          <Input id="user-phone" type="tel" />
        </Form.Item>
        <Form.Item
          name="personalId"
          label={t('admin.personalId')}
          htmlFor="user-personal-id"
          extra={t('admin.personalIdHelp')}
          rules={[{ pattern: /^\d{12}$/, message: t('admin.personalIdHelp') }]}
        >
          <Input id="user-personal-id" inputMode="numeric" maxLength={12} />
        </Form.Item>
      </Form>
    </FormDialog>
  );
}

type EditForm = { fullName: string; roles: Role[]; email: string | null; personalId: string | null; active: boolean };

function EditUser({ user, roleOptions, onClose }: { user: User; roleOptions: RoleOptions; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<EditForm>();
  const { error, busy, submit } = useDialogSave<EditForm>(
    form,
    EDIT_FIELDS,
    async (v) =>
      ok(
        await api.PATCH('/api/v1/users/{id}', {
          params: { path: { id: user.id } },
          body: {
            version: user.version,
            fullName: v.fullName,
            roles: v.roles,
            email: v.email?.trim() || null,
            personalId: v.personalId?.trim() || null,
            active: v.active,
          },
        }),
      ),
    { invalidate: 'users', onDone: onClose },
  );
  return (
    <FormDialog title={`${t('admin.edit')}: ${user.username}`} form={form} busy={busy} error={error} onClose={onClose}>
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => void submit(v)}
        initialValues={{
          fullName: user.fullName,
          roles: user.roles,
          email: user.email,
          personalId: user.personalId,
          active: user.active,
        }}
      >
        <Form.Item name="fullName" label={t('admin.fullName')} htmlFor="edit-fullname" rules={[{ required: true }]}>
          <Input id="edit-fullname" />
        </Form.Item>
        <Form.Item name="roles" label={t('admin.roles')} htmlFor="edit-roles" rules={[{ required: true }]}>
          <Select id="edit-roles" mode="multiple" options={roleOptions} />
        </Form.Item>
        <Form.Item name="email" label={t('admin.email')} htmlFor="edit-email" rules={[{ type: 'email' }]}>
          <Input id="edit-email" type="email" />
        </Form.Item>
        <Form.Item
          name="personalId"
          label={t('admin.personalId')}
          htmlFor="edit-personal-id"
          extra={t('admin.personalIdHelp')}
          rules={[{ pattern: /^\d{12}$/, message: t('admin.personalIdHelp') }]}
        >
          <Input id="edit-personal-id" inputMode="numeric" maxLength={12} />
        </Form.Item>
        <Form.Item name="active" label={t('admin.active')} htmlFor="edit-active" valuePropName="checked">
          <Switch id="edit-active" />
        </Form.Item>
      </Form>
    </FormDialog>
  );
}
