import { lazy, type ReactNode, Suspense } from 'react';
import { createBrowserRouter, useRouteError } from 'react-router';
import { prefetchMyDay } from '../pages/visits/queries.js';
import { useCan } from './auth.js';
import { CASE_READ, PageFallback, VISIT_ACCESS } from './nav.js';
import { queryClient } from './queryClient.js';
import { CrashResult, Forbidden } from './ui.js';

// The signed-in shell is a chunk of its own: the login page does not wait for it (issue 16).
const loadLayout = () => import('./layout.js');
const AppLayout = lazy(() => loadLayout().then((m) => ({ default: m.AppLayout })));

const LoginPage = lazy(() => import('../pages/auth/LoginPage.js'));
const ChangePasswordPage = lazy(() => import('../pages/auth/ChangePasswordPage.js'));
const loadHome = () => import('../pages/home/HomePage.js');
const HomePage = lazy(loadHome);
const AreasPage = lazy(() => import('../pages/areas/AreasPage.js'));
const loadPeople = () => import('../pages/registry/PeoplePage.js');
const PeoplePage = lazy(loadPeople);
const PersonPage = lazy(() => import('../pages/registry/PersonPage.js'));
const HousePage = lazy(() => import('../pages/registry/HousePage.js'));
const ImportPage = lazy(() => import('../pages/registry/ImportPage.js'));
const OrganisationsPage = lazy(() => import('../pages/registry/OrganisationsPage.js'));
const HousesPage = lazy(() => import('../pages/registry/HousesPage.js'));
const LedgerImportPage = lazy(() => import('../pages/registry/LedgerImportPage.js'));
const UsersPage = lazy(() => import('../pages/users/UsersPage.js'));
const RolesPage = lazy(() => import('../pages/users/RolesPage.js'));
const RoleGrantsPage = lazy(() => import('../pages/users/RoleGrantsPage.js'));
const SecuritySettingsPage = lazy(() => import('../pages/settings/SecuritySettingsPage.js'));
const AuditPage = lazy(() => import('../pages/audit/AuditPage.js'));
const ProfilePage = lazy(() => import('../pages/profile/ProfilePage.js'));
const loadCases = () => import('../pages/cases/CasesPage.js');
const CasesPage = lazy(loadCases);
const CasePage = lazy(() => import('../pages/cases/CasePage.js'));
const loadReport = () => import('../pages/cases/ReportPage.js');
const ReportPage = lazy(loadReport);
const CaseMapPage = lazy(() => import('../pages/cases/CaseMapPage.js'));
const DisputesPage = lazy(() => import('../pages/cases/DisputesPage.js'));
const IndicatorsPage = lazy(() => import('../pages/cases/IndicatorsPage.js'));
const NotificationsPage = lazy(() => import('../pages/cases/NotificationsPage.js'));
const CalendarPage = lazy(() => import('../pages/settings/CalendarPage.js'));
const CaseLimitsPage = lazy(() => import('../pages/settings/CaseLimitsPage.js'));
const Open311Page = lazy(() => import('../pages/settings/Open311Page.js'));
const loadMyDay = () => import('../pages/visits/MyDayPage.js');
const MyDayPage = lazy(loadMyDay);
const VisitFormPage = lazy(() => import('../pages/visits/VisitFormPage.js'));
const VisitsPage = lazy(() => import('../pages/visits/VisitsPage.js'));
const VisitPage = lazy(() => import('../pages/visits/VisitPage.js'));
const PlansPage = lazy(() => import('../pages/visits/PlansPage.js'));
const VisitStatsPage = lazy(() => import('../pages/visits/StatsPage.js'));
const PatrolPage = lazy(() => import('../pages/visits/PatrolPage.js'));
const PatrolsPage = lazy(() => import('../pages/visits/PatrolsPage.js'));
const VisitRulesPage = lazy(() => import('../pages/visits/RulesPage.js'));
const VisitPairsPage = lazy(() => import('../pages/visits/PairsPage.js'));
const DashboardPage = lazy(() => import('../pages/dashboard/DashboardPage.js'));
const ScreenPage = lazy(() => import('../pages/dashboard/ScreenPage.js'));
const CataloguePage = lazy(() => import('../pages/window/CataloguePage.js'));
const MatterPage = lazy(() => import('../pages/window/MatterPage.js'));
const GuidePage = lazy(() => import('../pages/window/GuidePage.js'));
const QueuePage = lazy(() => import('../pages/window/QueuePage.js'));
const CallScreenPage = lazy(() => import('../pages/window/CallScreenPage.js'));
const NotFoundPage = lazy(() => import('../pages/errors/NotFoundPage.js'));
// The resident channel (居民端): its own shell and chunk under /r (src/web/resident).
const ResidentAccountsPage = lazy(() => import('../pages/residents/ResidentAccountsPage.js'));
const ResidentApp = lazy(() => import('../resident/ResidentApp.js'));

/**
 * The signed-in shell and the page a path opens, fetched before the app needs them: at start (beside
 * the check of the session) and on the quick sign-in form while the user types. Only the phone's
 * daily places and home; other pages load when opened.
 */
const PREFETCH: [string, () => Promise<unknown>][] = [
  ['/visits/my-day', loadMyDay],
  ['/cases/new', loadReport],
  ['/cases', loadCases],
  ['/people', loadPeople],
];
export function prefetchRoute(pathname: string): void {
  const page =
    pathname === '/' ? loadHome : PREFETCH.find(([p]) => pathname === p || pathname.startsWith(`${p}/`))?.[1];
  // A failed prefetch is retried by React.lazy when the page is opened.
  loadLayout().catch(() => {});
  page?.().catch(() => {});
}
const NoticesPage = lazy(() => import('../pages/notices/NoticesPage.js'));
const NoticeFormPage = lazy(() => import('../pages/notices/NoticeFormPage.js'));
const NoticePage = lazy(() => import('../pages/notices/NoticePage.js'));
const NoticeBoardPage = lazy(() => import('../pages/notices/ResidentNoticesPage.js'));
const NoticeBoardItemPage = lazy(() => import('../pages/notices/ResidentNoticePage.js'));
const ActivitiesPage = lazy(() => import('../pages/activities/ActivitiesPage.js'));
const ActivityPage = lazy(() => import('../pages/activities/ActivityPage.js'));
const MyActivitiesPage = lazy(() => import('../pages/activities/MyActivitiesPage.js'));
const CheckinPage = lazy(() => import('../pages/activities/CheckinPage.js'));
const PartyPage = lazy(() => import('../pages/party/PartyPage.js'));
const VolunteersPage = lazy(() => import('../pages/volunteers/VolunteersPage.js'));
const RoomsPage = lazy(() => import('../pages/venues/RoomsPage.js'));
const VenueCalendarPage = lazy(() => import('../pages/venues/CalendarPage.js'));
const CertificatePage = lazy(() => import('../pages/volunteers/CertificatePage.js'));
const VerifyCertificatePage = lazy(() => import('../pages/volunteers/VerifyCertificatePage.js'));

/** Pages behind a permission show 403 to a user without it (the menu hides them already). */
function Require({
  permission,
  anyOf,
  children,
}: {
  permission?: string;
  /** Enough to hold one of these. */
  anyOf?: string[];
  children: ReactNode;
}) {
  const can = useCan();
  const ok = (!permission || can(permission)) && (!anyOf || anyOf.some((p) => can(p)));
  return ok ? children : <Forbidden />;
}

function RouteError() {
  const error = useRouteError();
  return <CrashResult error={error} />;
}

function Standalone({ children }: { children: ReactNode }) {
  return <Suspense fallback={<PageFallback />}>{children}</Suspense>;
}

export const router = createBrowserRouter([
  {
    errorElement: <RouteError />,
    children: [
      {
        path: '/login',
        element: (
          <Standalone>
            <LoginPage />
          </Standalone>
        ),
      },
      {
        path: '/login/change-password',
        element: (
          <Standalone>
            <ChangePasswordPage />
          </Standalone>
        ),
      },
      {
        // 办事指南: a matter's public guide, open without signing in (the window module).
        path: '/guide/:id',
        element: (
          <Standalone>
            <GuidePage />
          </Standalone>
        ),
      },
      {
        // The service hall's call screen (叫号大屏): no app shell; the hall's PC is signed in.
        path: '/window/screen',
        element: (
          <Standalone>
            <CallScreenPage />
          </Standalone>
        ),
      },
      {
        path: '/r/*',
        element: (
          <Standalone>
            <ResidentApp />
          </Standalone>
        ),
      },
      {
        // The command centre's wall screen: no app shell (it checks the session and permission itself).
        path: '/screen',
        element: (
          <Standalone>
            <ScreenPage />
          </Standalone>
        ),
      },
      {
        // Anyone checks a volunteer certificate: no sign-in (issue 19).
        path: '/verify-certificate',
        element: (
          <Standalone>
            <VerifyCertificatePage />
          </Standalone>
        ),
      },
      {
        path: '/',
        element: (
          <Standalone>
            <AppLayout />
          </Standalone>
        ),
        children: [
          { index: true, element: <HomePage /> },
          {
            path: 'activities',
            element: (
              <Require anyOf={['activity.read', 'activity.organise']}>
                <ActivitiesPage />
              </Require>
            ),
          },
          // An activity, my activities and the scan page answer whoever is signed in with what they may see.
          { path: 'activities/:id', element: <ActivityPage /> },
          { path: 'my-activities', element: <MyActivitiesPage /> },
          { path: 'm/checkin', element: <CheckinPage /> },
          {
            path: 'volunteers',
            element: (
              <Require permission="volunteer.read">
                <VolunteersPage />
              </Require>
            ),
          },
          { path: 'volunteers/certificates/:id', element: <CertificatePage /> },
          // Rooms and their calendar: whoever may see rooms (staff by scope; bookers the rooms around them).
          {
            path: 'venues',
            element: (
              <Require anyOf={['venue.read', 'venue.book']}>
                <RoomsPage />
              </Require>
            ),
          },
          {
            path: 'venues/calendar',
            element: (
              <Require anyOf={['venue.read', 'venue.book']}>
                <VenueCalendarPage />
              </Require>
            ),
          },
          {
            path: 'party',
            element: (
              <Require permission="party.read">
                <PartyPage />
              </Require>
            ),
          },
          {
            path: 'dashboard',
            element: (
              <Require permission="dashboard.read">
                <DashboardPage />
              </Require>
            ),
          },
          // The inbox and a case are open to everyone signed in: a handler may hold no case permission
          // (a volunteer, a co-building unit); the server answers only with what they may see.
          { path: 'cases', element: <CasesPage /> },
          { path: 'cases/new', element: <ReportPage /> },
          {
            path: 'cases/map',
            element: (
              <Require anyOf={CASE_READ}>
                <CaseMapPage />
              </Require>
            ),
          },
          {
            path: 'cases/indicators',
            element: (
              <Require anyOf={CASE_READ}>
                <IndicatorsPage />
              </Require>
            ),
          },
          { path: 'cases/:id', element: <CasePage /> },
          {
            path: 'window/matters',
            element: (
              <Require permission="window.read">
                <CataloguePage />
              </Require>
            ),
          },
          {
            path: 'window/matters/:id',
            element: (
              <Require permission="window.read">
                <MatterPage />
              </Require>
            ),
          },
          {
            path: 'window/queue',
            element: (
              <Require permission="window.read">
                <QueuePage />
              </Require>
            ),
          },
          {
            path: 'disputes',
            element: (
              <Require permission="dispute.read">
                <DisputesPage />
              </Require>
            ),
          },
          {
            path: 'disputes/import',
            element: (
              <Require permission="dispute.report">
                <LedgerImportPage kind="disputes" />
              </Require>
            ),
          },
          { path: 'notifications', element: <NotificationsPage /> },
          {
            path: 'visits/my-day',
            // The day is asked for at once, not after the shell, the session and the page's code.
            loader: ({ request }) => {
              prefetchMyDay(queryClient, {
                q: new URL(request.url).searchParams.get('q')?.trim() || undefined,
              });
              void loadMyDay();
              return null;
            },
            hydrateFallbackElement: <PageFallback />,
            element: (
              <Require permission="visit.record">
                <MyDayPage />
              </Require>
            ),
          },
          {
            path: 'visits/new',
            element: (
              <Require permission="visit.record">
                <VisitFormPage />
              </Require>
            ),
          },
          {
            path: 'visits/plans',
            element: (
              <Require permission="visit.read">
                <PlansPage />
              </Require>
            ),
          },
          {
            path: 'visits/stats',
            element: (
              <Require permission="visit.read">
                <VisitStatsPage />
              </Require>
            ),
          },
          {
            path: 'visits',
            element: (
              <Require permission="visit.read">
                <VisitsPage />
              </Require>
            ),
          },
          // The visitor reads their own visit without visit.read (the server decides).
          {
            path: 'visits/:id',
            element: (
              <Require anyOf={VISIT_ACCESS}>
                <VisitPage />
              </Require>
            ),
          },
          {
            path: 'notices',
            element: (
              <Require permission="notice.read">
                <NoticesPage />
              </Require>
            ),
          },
          {
            path: 'notices/new',
            element: (
              <Require permission="notice.draft">
                <NoticeFormPage />
              </Require>
            ),
          },
          {
            path: 'notices/:id',
            element: (
              <Require permission="notice.read">
                <NoticePage />
              </Require>
            ),
          },
          // The notices as residents read them (the resident shell mounts the same components).
          {
            path: 'notices/board',
            element: (
              <Require permission="notice.view">
                <NoticeBoardPage basePath="/notices/board" />
              </Require>
            ),
          },
          {
            path: 'notices/board/:id',
            element: (
              <Require permission="notice.view">
                <NoticeBoardItemPage basePath="/notices/board" />
              </Require>
            ),
          },
          {
            path: 'patrols',
            element: (
              <Require anyOf={VISIT_ACCESS}>
                <PatrolsPage />
              </Require>
            ),
          },
          {
            path: 'patrols/:id',
            element: (
              <Require anyOf={VISIT_ACCESS}>
                <PatrolPage />
              </Require>
            ),
          },
          {
            path: 'settings/visit-rules',
            element: (
              <Require permission="visit.manage">
                <VisitRulesPage />
              </Require>
            ),
          },
          {
            path: 'settings/visit-pairs',
            element: (
              <Require permission="visit.manage">
                <VisitPairsPage />
              </Require>
            ),
          },
          {
            path: 'settings/calendar',
            element: (
              <Require permission="case.configure">
                <CalendarPage />
              </Require>
            ),
          },
          {
            path: 'settings/case-limits',
            element: (
              <Require permission="case.configure">
                <CaseLimitsPage />
              </Require>
            ),
          },
          {
            path: 'settings/open311',
            element: (
              <Require permission="open311.manage">
                <Open311Page />
              </Require>
            ),
          },
          {
            path: 'areas',
            element: (
              <Require permission="area.read">
                <AreasPage />
              </Require>
            ),
          },
          {
            path: 'people',
            element: (
              <Require permission="person.read">
                <PeoplePage />
              </Require>
            ),
          },
          {
            path: 'people/import',
            element: (
              <Require permission="person.import">
                <ImportPage />
              </Require>
            ),
          },
          {
            path: 'people/:id',
            element: (
              <Require permission="person.read">
                <PersonPage />
              </Require>
            ),
          },
          {
            path: 'houses',
            element: (
              <Require permission="house.read">
                <HousesPage />
              </Require>
            ),
          },
          {
            path: 'houses/import',
            element: (
              <Require permission="house.update">
                <LedgerImportPage kind="houses" />
              </Require>
            ),
          },
          {
            path: 'organisations/import',
            element: (
              <Require permission="org.manage">
                <LedgerImportPage kind="organisations" />
              </Require>
            ),
          },
          {
            path: 'houses/:id',
            element: (
              <Require permission="house.read">
                <HousePage />
              </Require>
            ),
          },
          {
            path: 'resident-accounts',
            element: (
              <Require permission="resident_account.read">
                <ResidentAccountsPage />
              </Require>
            ),
          },
          {
            path: 'organisations',
            element: (
              <Require permission="org.read">
                <OrganisationsPage />
              </Require>
            ),
          },
          {
            path: 'users',
            element: (
              <Require permission="user.read">
                <UsersPage />
              </Require>
            ),
          },
          {
            path: 'roles',
            element: (
              <Require permission="role.read">
                <RolesPage />
              </Require>
            ),
          },
          {
            path: 'role-grants',
            element: (
              <Require permission="role.approve">
                <RoleGrantsPage />
              </Require>
            ),
          },
          {
            path: 'settings/security',
            element: (
              <Require permission="setting.security">
                <SecuritySettingsPage />
              </Require>
            ),
          },
          {
            path: 'audit',
            element: (
              <Require permission="audit.read">
                <AuditPage />
              </Require>
            ),
          },
          { path: 'profile', element: <ProfilePage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
