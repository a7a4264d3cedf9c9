import { DownOutlined, PlusOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Dropdown, type MenuProps, Select, Space, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { UserSummary } from '../../../contract/users.js';
import { api } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { useI18n } from '../../app/i18n.js';
import { UserStatusTag } from '../../app/labels.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { fmtTime } from '../../app/time.js';
import { PageHeader, useDebounced, useNotify } from '../../app/ui.js';
import { OneTimePasswordModal } from './OneTimePassword.js';
import { USER_ABILITY, useRoles, userKeys, useUsers } from './queries.js';
import { RoleAssignmentsDrawer } from './RoleAssignmentsDrawer.js';
import { CreateUserModal, EditUserModal } from './UserForms.js';

type Action = 'disable' | 'enable' | 'unlock' | 'reset';

export default function UsersPage() {
  const { t, lang } = useI18n();
  const can = useCan();
  const qc = useQueryClient();
  const { modal } = App.useApp();
  const { fail, ok } = useNotify();
  const lp = useLedgerParams();
  const { sp, update } = lp;
  const status = (sp.get('status') as 'active' | 'disabled' | null) ?? undefined;
  const role = sp.get('role') ?? undefined;
  const [search, setSearch] = useState(sp.get('q') ?? '');
  const q = useDebounced(search.trim(), 300);
  useEffect(() => {
    if ((q || undefined) !== (sp.get('q') ?? undefined)) update({ q });
  }, [q, sp, update]);
  const filters = { q: sp.get('q') ?? undefined, status, role, sort: lp.sort };
  const users = useUsers({ ...filters, page: lp.page, pageSize: lp.pageSize });
  const roles = useRoles(can('role.read'));

  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<UserSummary | null>(null);
  const [rolesOf, setRolesOf] = useState<UserSummary | null>(null);
  const [oneTime, setOneTime] = useState<{ username: string; password: string } | null>(null);

  const run = (u: UserSummary, action: Action) => {
    const titles: Record<Action, string> = {
      disable: t('users.disableConfirm', { name: u.displayName }),
      enable: t('users.enableConfirm', { name: u.displayName }),
      unlock: t('users.unlockConfirm', { name: u.displayName }),
      reset: t('users.resetConfirm', { name: u.displayName }),
    };
    modal.confirm({
      title: titles[action],
      content:
        action === 'reset' ? t('users.resetHint') : action === 'disable' ? t('users.disableHint') : undefined,
      okButtonProps: { danger: action === 'disable' || action === 'reset' },
      onOk: async () => {
        try {
          if (action === 'reset') {
            const r = await api.post<{ initialPassword: string }>(`/api/users/${u.id}/reset-password`);
            setOneTime({ username: u.username, password: r.initialPassword });
          } else {
            await api.post<UserSummary>(`/api/users/${u.id}/${action}`);
            ok(t(`users.done.${action}`));
          }
          await qc.invalidateQueries({ queryKey: userKeys.all });
        } catch (e) {
          fail(e);
        }
      },
    });
  };

  const moreMenu = (u: UserSummary): MenuProps['items'] => {
    const items: NonNullable<MenuProps['items']> = [];
    if (u.abilities.includes(USER_ABILITY.disable)) {
      if (u.status === 'locked') items.push({ key: 'unlock', label: t('users.unlock') });
      if (u.status === 'disabled') items.push({ key: 'enable', label: t('users.enable') });
      else items.push({ key: 'disable', label: t('users.disable'), danger: true });
    }
    if (u.abilities.includes(USER_ABILITY.resetPassword)) {
      items.push({ key: 'reset', label: t('users.resetPassword') });
    }
    return items;
  };

  const columns: LedgerColumn<UserSummary>[] = [
    {
      key: 'displayName',
      title: t('users.user'),
      sort: 'displayName',
      width: 150,
      render: (u) => (
        <div>
          <div style={{ fontWeight: 500 }}>{u.displayName}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {u.username}
          </Typography.Text>
        </div>
      ),
      text: (u) => `${u.displayName}（${u.username}）`,
    },
    { key: 'areaName', title: t('users.homeArea') },
    {
      key: 'roles',
      title: t('users.roles'),
      width: 280,
      render: (u) =>
        u.roles.length === 0 ? (
          <Typography.Text type="secondary">—</Typography.Text>
        ) : (
          <Space size={[4, 4]} wrap style={{ maxWidth: 320 }}>
            {u.roles.slice(0, 3).map((r) => (
              <Tooltip
                key={r.assignmentId}
                title={r.pending ? `${r.areaName} · ${t('users.pending')}` : r.areaName}
              >
                <Tag color={r.pending ? 'orange' : 'blue'} style={{ marginInlineEnd: 0 }}>
                  {r.roleName}
                  {r.pending ? ` · ${t('users.pending')}` : ''}
                </Tag>
              </Tooltip>
            ))}
            {u.roles.length > 3 ? <Tag>+{u.roles.length - 3}</Tag> : null}
          </Space>
        ),
      text: (u) => u.roles.map((r) => `${r.roleName}（${r.areaName}）`).join('、'),
    },
    {
      key: 'status',
      title: t('common.status'),
      render: (u) => <UserStatusTag status={u.status} />,
      text: (u) => t(`userStatus.${u.status}`),
    },
    {
      key: 'totpEnabled',
      title: t('users.totp'),
      render: (u) =>
        u.totpEnabled ? (
          <Tag icon={<SafetyCertificateOutlined />} color="green">
            {t('users.totpOn')}
          </Tag>
        ) : (
          <Typography.Text type="secondary">{t('users.totpOff')}</Typography.Text>
        ),
      text: (u) => (u.totpEnabled ? t('users.totpOn') : t('users.totpOff')),
    },
    {
      key: 'lastLoginAt',
      title: t('users.lastLogin'),
      sort: 'lastLoginAt',
      text: (u) => (u.lastLoginAt ? fmtTime(u.lastLoginAt, 'YYYY-MM-DD HH:mm') : ''),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      noPrint: true,
      text: () => '',
      render: (u) => {
        const more = moreMenu(u) ?? [];
        return (
          <Space size={0} wrap onClick={(e) => e.stopPropagation()}>
            {u.abilities.includes(USER_ABILITY.update) ? (
              <Button type="link" size="small" onClick={() => setEditing(u)}>
                {t('common.edit')}
              </Button>
            ) : null}
            <Button type="link" size="small" onClick={() => setRolesOf(u)} data-testid={`user-roles-${u.id}`}>
              {t('users.roles')}
            </Button>
            {more.length > 0 ? (
              <Dropdown
                trigger={['click']}
                menu={{ items: more, onClick: ({ key }) => run(u, key as Action) }}
              >
                <Button type="link" size="small">
                  {t('common.more')} <DownOutlined />
                </Button>
              </Dropdown>
            ) : null}
          </Space>
        );
      },
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.users')}
        extra={
          can('user.create') ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="user-create"
            >
              {t('users.create')}
            </Button>
          ) : null
        }
      />
      <Ledger<UserSummary>
        id="users"
        title={t('nav.users')}
        params={lp}
        query={users}
        columns={columns}
        rowKey={(u) => u.id}
        rowTestId={(u) => `user-row-${u.id}`}
        testId="users-table"
        emptyText={q || status || role ? t('users.emptyFiltered') : t('users.empty')}
        search={{
          value: search,
          onChange: setSearch,
          placeholder: t('users.searchPlaceholder'),
          testId: 'user-search',
        }}
        filters={[
          <Select
            key="status"
            allowClear
            placeholder={t('common.status')}
            value={status}
            onChange={(v) => update({ status: v })}
            options={[
              { value: 'active', label: t('userStatus.active') },
              { value: 'disabled', label: t('userStatus.disabled') },
            ]}
            style={{ width: 140 }}
          />,
          ...(can('role.read')
            ? [
                <Select
                  key="role"
                  allowClear
                  placeholder={t('users.role')}
                  value={role}
                  onChange={(v) => update({ role: v })}
                  loading={roles.isPending}
                  options={(roles.data?.items ?? []).map((r) => ({
                    value: r.code,
                    label: lang === 'en' ? r.nameEn : r.nameZh,
                  }))}
                  style={{ width: 180 }}
                  popupMatchSelectWidth={false}
                />,
              ]
            : []),
        ]}
        activeFilters={[status, role].filter(Boolean).length}
        onReset={() => update({ status: undefined, role: undefined })}
        exportTo={{ path: '/api/users/export', body: filters, fileName: 'accounts.xlsx' }}
        print
        card={{
          title: (u) => (
            <span>
              {u.displayName}{' '}
              <Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>
                {u.username}
              </Typography.Text>
            </span>
          ),
          fields: ['areaName', 'roles', 'status', 'actions'],
        }}
      />

      <CreateUserModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(u, pw) => {
          setCreating(false);
          ok(t('users.created', { name: u.displayName }));
          if (pw) setOneTime({ username: u.username, password: pw });
        }}
      />
      <EditUserModal user={editing} onClose={() => setEditing(null)} />
      <RoleAssignmentsDrawer user={rolesOf} onClose={() => setRolesOf(null)} />
      <OneTimePasswordModal
        value={oneTime?.password ?? null}
        username={oneTime?.username}
        onClose={() => setOneTime(null)}
      />
    </>
  );
}
