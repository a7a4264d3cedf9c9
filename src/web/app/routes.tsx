import { lazy, type ReactNode, Suspense } from 'react';
import { createBrowserRouter, useRouteError } from 'react-router';
import { useCan } from './auth.js';
import { AppLayout, PageFallback } from './layout.js';
import { CrashResult, Forbidden } from './ui.js';

const LoginPage = lazy(() => import('../pages/auth/LoginPage.js'));
const ChangePasswordPage = lazy(() => import('../pages/auth/ChangePasswordPage.js'));
const HomePage = lazy(() => import('../pages/home/HomePage.js'));
const AreasPage = lazy(() => import('../pages/areas/AreasPage.js'));
const PeoplePage = lazy(() => import('../pages/registry/PeoplePage.js'));
const PersonPage = lazy(() => import('../pages/registry/PersonPage.js'));
const HousePage = lazy(() => import('../pages/registry/HousePage.js'));
const ImportPage = lazy(() => import('../pages/registry/ImportPage.js'));
const OrganisationsPage = lazy(() => import('../pages/registry/OrganisationsPage.js'));
const UsersPage = lazy(() => import('../pages/users/UsersPage.js'));
const RolesPage = lazy(() => import('../pages/users/RolesPage.js'));
const SecuritySettingsPage = lazy(() => import('../pages/settings/SecuritySettingsPage.js'));
const AuditPage = lazy(() => import('../pages/audit/AuditPage.js'));
const ProfilePage = lazy(() => import('../pages/profile/ProfilePage.js'));
const NotFoundPage = lazy(() => import('../pages/errors/NotFoundPage.js'));

/** Pages behind a permission show 403 to a user without it (the menu hides them already). */
function Require({ permission, children }: { permission: string; children: ReactNode }) {
  const can = useCan();
  return can(permission) ? children : <Forbidden />;
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
        path: '/',
        element: <AppLayout />,
        children: [
          { index: true, element: <HomePage /> },
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
            path: 'houses/:id',
            element: (
              <Require permission="house.read">
                <HousePage />
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
