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
import { StaffOnly } from './StaffOnly.tsx';

/** Roles that may open an area of the back office (the server's access rules say the same). */
const AREA_ROLES: { prefix: string; need: 'leader' | 'admin'; roles: string[] }[] = [
  { prefix: '/dashboard', need: 'leader', roles: ['leader', 'provincial_leader', 'admin'] },
  { prefix: '/admin', need: 'admin', roles: ['admin'] },
];

/** The back office frame (one-stop counter, officers, leaders, administrators): its own chunk. */
export default function OfficeLayout() {
  const { t } = useTranslation();
  const { me, loading, logout } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  if (loading) return <Loading />;
  if (me === null) {
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  }
  // A citizen or organization signed in: not a login form under "Đăng xuất", but where they are.
  if (me.kind !== 'officer') return <StaffOnly need="staff" />;
  const area = AREA_ROLES.find((a) => location.pathname === a.prefix || location.pathname.startsWith(`${a.prefix}/`));
  const allowed = !area || hasRole(me, ...area.roles);
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
      {/* Wraps on a phone (360 px) instead of widening the page. */}
      <Layout.Header
        style={{
          display: 'flex',
          flexWrap: 'wrap',
          alignItems: 'center',
          gap: '4px 16px',
          padding: '8px 16px',
          height: 'auto',
          minHeight: 64,
          lineHeight: '32px',
          background: '#0b3d91',
        }}
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
        {/* Layout.Content IS the page's one <main> landmark (antd renders it as <main>): no nested main. */}
        <Layout.Content id="main" tabIndex={-1} style={{ padding: 16 }}>
          {allowed ? <Outlet /> : <StaffOnly need={area!.need} />}
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
