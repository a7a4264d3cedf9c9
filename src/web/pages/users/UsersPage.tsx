import { DownOutlined, PlusOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Dropdown,
  Input,
  type MenuProps,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import type { UserSummary } from '../../../contract/users.js';
import { api } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { useI18n } from '../../app/i18n.js';
import { UserStatusTag } from '../../app/labels.js';
import { ErrorState, emptyText, PageHeader, useDebounced, useIsMobile, useNotify } from '../../app/ui.js';
import { OneTimePasswordModal } from './OneTimePassword.js';
import { USER_ABILITY, useRoles, userKeys, useUsers } from './queries.js';
import { RoleAssignmentsDrawer } from './RoleAssignmentsDrawer.js';
import { CreateUserModal, EditUserModal } from './UserForms.js';

type Action = 'disable' | 'enable' | 'unlock' | 'reset';

export default function UsersPage() {
  const { t, lang } = useI18n();
  const can = useCan();
  const qc = useQueryClient();
  const mobile = useIsMobile();
  const { modal } = App.useApp();
  const { fail, ok } = useNotify();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const [status, setStatus] = useState<'active' | 'disabled' | undefined>();
  const [role, setRole] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const users = useUsers({ q: q || undefined, status, role, page, pageSize });
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
      <div className="jy-filter-bar">
        <Input.Search
          allowClear
          placeholder={t('users.searchPlaceholder')}
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setPage(1);
          }}
          style={{ width: 260 }}
          data-testid="user-search"
        />
        <Select
          allowClear
          placeholder={t('common.status')}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          options={[
            { value: 'active', label: t('userStatus.active') },
            { value: 'disabled', label: t('userStatus.disabled') },
          ]}
          style={{ width: 140 }}
          className="jy-filter-half"
        />
        {can('role.read') ? (
          <Select
            allowClear
            placeholder={t('users.role')}
            value={role}
            onChange={(v) => {
              setRole(v);
              setPage(1);
            }}
            loading={roles.isPending}
            options={(roles.data?.items ?? []).map((r) => ({
              value: r.code,
              label: lang === 'en' ? r.nameEn : r.nameZh,
            }))}
            style={{ width: 180 }}
            className="jy-filter-half"
            popupMatchSelectWidth={false}
          />
        ) : null}
      </div>

      {users.error && !users.data ? (
        <ErrorState error={users.error} onRetry={() => void users.refetch()} />
      ) : (
        <Table<UserSummary>
          rowKey="id"
          size={mobile ? 'small' : 'middle'}
          loading={users.isFetching}
          dataSource={users.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          locale={{
            emptyText: emptyText(q || status || role ? t('users.emptyFiltered') : t('users.empty')),
          }}
          pagination={{
            current: page,
            pageSize,
            total: users.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (n) => t('common.total', { n }),
            onChange: (p, s) => {
              setPage(p);
              setPageSize(s);
            },
          }}
          columns={[
            {
              title: t('users.user'),
              key: 'user',
              fixed: mobile ? undefined : 'left',
              render: (_, u) => (
                <div>
                  <div style={{ fontWeight: 500 }}>{u.displayName}</div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {u.username}
                  </Typography.Text>
                </div>
              ),
            },
            { title: t('users.homeArea'), dataIndex: 'areaName' },
            {
              title: t('users.roles'),
              key: 'roles',
              render: (_, u) =>
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
            },
            {
              title: t('common.status'),
              dataIndex: 'status',
              render: (s: UserSummary['status']) => <UserStatusTag status={s} />,
            },
            {
              title: t('users.totp'),
              dataIndex: 'totpEnabled',
              render: (v: boolean) =>
                v ? (
                  <Tag icon={<SafetyCertificateOutlined />} color="green">
                    {t('users.totpOn')}
                  </Tag>
                ) : (
                  <Typography.Text type="secondary">{t('users.totpOff')}</Typography.Text>
                ),
            },
            {
              title: t('users.lastLogin'),
              dataIndex: 'lastLoginAt',
              render: (v: string | null) => (v ? dayjs(v).format('YYYY-MM-DD HH:mm') : '—'),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_, u) => {
                const more = moreMenu(u) ?? [];
                return (
                  <Space size={0} wrap>
                    {u.abilities.includes(USER_ABILITY.update) ? (
                      <Button type="link" size="small" onClick={() => setEditing(u)}>
                        {t('common.edit')}
                      </Button>
                    ) : null}
                    <Button
                      type="link"
                      size="small"
                      onClick={() => setRolesOf(u)}
                      data-testid={`user-roles-${u.id}`}
                    >
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
          ]}
        />
      )}

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
