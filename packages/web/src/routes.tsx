import { lazy, type ReactNode, Suspense } from 'react';
import { createBrowserRouter } from 'react-router';
import { PortalLayout } from './portal/PortalLayout.tsx';
import { Loading } from './shared/Loading.tsx';
import { RequireSignIn } from './shared/RequireSignIn.tsx';

/**
 * One app, split by area: the portal's layout is in the entry chunk; every page is its own lazy
 * chunk, and the back office (layout, queues, counter, administration, dashboard) is never loaded
 * by a citizen.
 */
const HomePage = lazy(() => import('./portal/HomePage.tsx'));
const ProcedurePage = lazy(() => import('./portal/ProcedurePage.tsx'));
const ApplyPage = lazy(() => import('./portal/ApplyPage.tsx'));
const MyDossiersPage = lazy(() => import('./portal/MyDossiersPage.tsx'));
const MyDossierPage = lazy(() => import('./portal/MyDossierPage.tsx'));
const LookupPage = lazy(() => import('./portal/LookupPage.tsx'));
const LoginPage = lazy(() => import('./portal/LoginPage.tsx'));
const RegisterPage = lazy(() => import('./portal/RegisterPage.tsx'));
const ForgotPasswordPage = lazy(() => import('./portal/ForgotPasswordPage.tsx'));

const OfficeLayout = lazy(() => import('./office/OfficeLayout.tsx'));
const QueuesPage = lazy(() => import('./office/QueuesPage.tsx'));
const DossierPage = lazy(() => import('./office/DossierPage.tsx'));
const ReceptionPage = lazy(() => import('./office/ReceptionPage.tsx'));
const WalkInPage = lazy(() => import('./office/WalkInPage.tsx'));
const ReturnsPage = lazy(() => import('./office/ReturnsPage.tsx'));
const DashboardPage = lazy(() => import('./dashboard/DashboardPage.tsx'));
const AgenciesPage = lazy(() => import('./admin/AgenciesPage.tsx'));
const UsersPage = lazy(() => import('./admin/UsersPage.tsx'));
const CalendarPage = lazy(() => import('./admin/CalendarPage.tsx'));
const ProceduresPage = lazy(() => import('./admin/ProceduresPage.tsx'));
const ProcedureEditPage = lazy(() => import('./admin/ProcedureEditPage.tsx'));

const AntdShell = lazy(() => import('./shared/AntdShell.tsx'));
const NotFoundPage = lazy(() => import('./shared/NotFoundPage.tsx'));

/** A lazy page without the component library (portal home, lookup: the first things citizens open). */
const page = (node: ReactNode) => <Suspense fallback={<Loading />}>{node}</Suspense>;
/** A lazy page that uses Ant Design (its provider comes with it, lazily too). */
const antPage = (node: ReactNode) => (
  <Suspense fallback={<Loading />}>
    <AntdShell>{node}</AntdShell>
  </Suspense>
);

export const router = createBrowserRouter([
  {
    path: '/',
    element: <PortalLayout />,
    children: [
      { index: true, element: page(<HomePage />) },
      { path: 'procedures/:id', element: antPage(<ProcedurePage />) },
      { path: 'procedures/:id/apply', element: antPage(<ApplyPage />) },
      { path: 'my', element: antPage(<MyDossiersPage />) },
      // The emails link here: signed out, sign in first and come back (RequireSignIn).
      {
        path: 'my/:id',
        element: antPage(
          <RequireSignIn>
            <MyDossierPage />
          </RequireSignIn>,
        ),
      },
      { path: 'lookup', element: antPage(<LookupPage />) },
      // The receipt's QR code and the emails link here: /tra-cuu?ma=<code>&mk=<secret> (core receiptQrPayload).
      { path: 'tra-cuu', element: antPage(<LookupPage />) },
      { path: 'login', element: antPage(<LoginPage />) },
      { path: 'register', element: antPage(<RegisterPage />) },
      { path: 'forgot-password', element: antPage(<ForgotPasswordPage />) },
      // Any other address: a Vietnamese not-found page with the way home (not the router's raw 404).
      { path: '*', element: page(<NotFoundPage area="portal" />) },
    ],
  },
  {
    element: antPage(<OfficeLayout />),
    children: [
      { path: 'office', element: page(<QueuesPage />) },
      { path: 'office/dossiers/:id', element: page(<DossierPage />) },
      { path: 'office/reception', element: page(<ReceptionPage />) },
      { path: 'office/walk-in', element: page(<WalkInPage />) },
      { path: 'office/returns', element: page(<ReturnsPage />) },
      { path: 'dashboard', element: page(<DashboardPage />) },
      { path: 'admin/agencies', element: page(<AgenciesPage />) },
      { path: 'admin/users', element: page(<UsersPage />) },
      { path: 'admin/calendar', element: page(<CalendarPage />) },
      { path: 'admin/procedures', element: page(<ProceduresPage />) },
      { path: 'admin/procedures/:id', element: page(<ProcedureEditPage />) },
      { path: 'office/*', element: page(<NotFoundPage area="office" />) },
      { path: 'admin/*', element: page(<NotFoundPage area="office" />) },
      { path: 'dashboard/*', element: page(<NotFoundPage area="office" />) },
    ],
  },
]);
