import {
  AuditOutlined,
  BankOutlined,
  CalendarOutlined,
  DashboardOutlined,
  FileAddOutlined,
  InboxOutlined,
  LoginOutlined,
  ProfileOutlined,
  SendOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { Button, Layout, Menu } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { hasRole, useAuth } from '../api/auth.tsx';
import { LanguageSwitch } from '../shared/LanguageSwitch.tsx';
import { Loading } from '../shared/Loading.tsx';

/** The back office frame (one-stop counter, officers, leaders, administrators): its own chunk. */
export default function OfficeLayout() {
  const { t } = useTranslation();
  const { me, loading, logout } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  if (loading) return <Loading />;
  if (me?.kind !== 'officer') {
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  }
  const item = (to: string, label: string, icon: React.ReactNode) => ({
    key: to,
    icon,
    label: <Link to={to}>{label}</Link>,
  });
  const items = [
    item('/office', t('nav.queues'), <InboxOutlined />),
    ...(hasRole(me, 'receptionist')
      ? [
          item('/office/reception', t('nav.counter'), <AuditOutlined />),
          item('/office/walk-in', t('nav.walkIn'), <FileAddOutlined />),
          item('/office/returns', t('nav.returns'), <SendOutlined />),
        ]
      : []),
    ...(hasRole(me, 'leader', 'provincial_leader')
      ? [item('/dashboard', t('nav.dashboard'), <DashboardOutlined />)]
      : []),
    ...(hasRole(me, 'admin')
      ? [
          item('/admin/procedures', t('nav.procedures'), <ProfileOutlined />),
          item('/admin/agencies', t('nav.agencies'), <BankOutlined />),
          item('/admin/users', t('nav.users'), <TeamOutlined />),
          item('/admin/calendar', t('nav.calendar'), <CalendarOutlined />),
        ]
      : []),
  ];
  const selected = items
    .map((i) => i.key)
    .filter((k) => location.pathname === k || location.pathname.startsWith(`${k}/`))
    .sort((a, b) => b.length - a.length)[0];
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <Layout.Header
        style={{ display: 'flex', alignItems: 'center', gap: 16, padding: '0 16px', background: '#0b3d91' }}
      >
        <Link to="/office" style={{ color: '#fff', fontWeight: 600, fontSize: 18, marginRight: 'auto' }}>
          {t('app.office')}
        </Link>
        <Link to="/" style={{ color: '#fff' }} className="no-print">
          {t('nav.portal')}
        </Link>
        <span style={{ color: '#fff' }}>
          {me.fullName}
          {me.agencyName ? ` — ${me.agencyName}` : ''}
        </span>
        <LanguageSwitch className="lang-switch" />
        <Button
          icon={<LoginOutlined />}
          onClick={async () => {
            await logout();
            navigate('/');
          }}
        >
          {t('nav.logout')}
        </Button>
      </Layout.Header>
      <Layout>
        <Layout.Sider breakpoint="lg" collapsedWidth={0} width={220} theme="light" className="no-print">
          <nav aria-label={t('app.office')}>
            <Menu mode="inline" selectedKeys={selected ? [selected] : []} items={items} />
          </nav>
        </Layout.Sider>
        <Layout.Content style={{ padding: 16 }}>
          <main id="main">
            <Outlet />
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
