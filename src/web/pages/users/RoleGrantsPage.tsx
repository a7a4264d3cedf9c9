import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Space, Tag, Typography } from 'antd';
import type { PendingGrant } from '../../../contract/users.js';
import { api } from '../../app/api.js';
import { useI18n } from '../../app/i18n.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { fmtTime } from '../../app/time.js';
import { PageHeader, useNotify } from '../../app/ui.js';
import { userKeys } from './queries.js';

const key = ['role-grants'] as const;

/**
 * The second person of a grant (docs/security.md "三权分立"): business, system or audit rights the
 * security administrator gives an account wait here until a holder of `role.approve` decides.
 */
export default function RoleGrantsPage() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const lp = useLedgerParams(100);
  const { modal } = App.useApp();
  const { ok, fail } = useNotify();
  const grants = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api.get<{ items: PendingGrant[] }>('/api/role-grants', undefined, { signal }),
  });

  const decide = (g: PendingGrant, approve: boolean) =>
    modal.confirm({
      title: t(approve ? 'grants.approveConfirm' : 'grants.rejectConfirm', {
        user: `${g.displayName}（${g.username}）`,
        role: g.roleName,
        area: g.areaName,
      }),
      okButtonProps: approve ? {} : { danger: true },
      onOk: async () => {
        try {
          await api.post(`/api/role-grants/${g.assignmentId}/${approve ? 'approve' : 'reject'}`);
          ok(t(approve ? 'grants.approved' : 'grants.rejected'));
          await qc.invalidateQueries({ queryKey: key });
          await qc.invalidateQueries({ queryKey: userKeys.all });
        } catch (e) {
          fail(e);
        }
      },
    });

  const actions = (g: PendingGrant) =>
    g.abilities.includes('decide') ? (
      <Space size={0} wrap onClick={(e) => e.stopPropagation()}>
        <Button
          type="link"
          size="small"
          icon={<CheckOutlined />}
          onClick={() => decide(g, true)}
          data-testid={`grant-approve-${g.assignmentId}`}
        >
          {t('grants.approve')}
        </Button>
        <Button type="link" size="small" danger icon={<CloseOutlined />} onClick={() => decide(g, false)}>
          {t('grants.reject')}
        </Button>
      </Space>
    ) : (
      <Typography.Text type="secondary">{t('grants.own')}</Typography.Text>
    );

  const time = (v: string) => fmtTime(v, 'YYYY-MM-DD HH:mm');
  const columns: LedgerColumn<PendingGrant>[] = [
    {
      key: 'user',
      title: t('grants.user'),
      value: (g) => g.displayName,
      text: (g) => `${g.displayName}（${g.username}）`,
      render: (g) => (
        <div>
          <div style={{ fontWeight: 500 }}>{g.displayName}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {g.username}
          </Typography.Text>
        </div>
      ),
    },
    {
      key: 'role',
      title: t('grants.role'),
      value: (g) => `${g.roleName} ${g.areaName}`,
      text: (g) => `${g.roleName} · ${g.areaName}`,
      render: (g) => (
        <Space wrap size={[6, 4]}>
          <Tag color="blue">{g.roleName}</Tag>
          <span>{g.areaName}</span>
        </Space>
      ),
    },
    {
      key: 'perms',
      title: t('grants.permissions'),
      text: (g) => g.permissions.map((p, i) => g.permissionLabels[i] ?? p).join('、'),
      render: (g) => (
        <Space wrap size={[4, 4]} style={{ maxWidth: 420 }}>
          {g.permissions.map((p, i) => (
            <Tag key={p}>{g.permissionLabels[i] ?? p}</Tag>
          ))}
        </Space>
      ),
    },
    {
      key: 'requestedBy',
      title: t('grants.requestedBy'),
      value: (g) => g.requestedBy,
      text: (g) => g.requestedBy ?? '—',
    },
    {
      key: 'requestedAt',
      title: t('grants.requestedAt'),
      value: (g) => g.requestedAt,
      text: (g) => time(g.requestedAt),
    },
    { key: 'actions', title: t('common.actions'), noPrint: true, render: actions },
  ];

  return (
    <>
      <PageHeader title={t('nav.grants')} />
      <Alert type="info" showIcon title={t('grants.hint')} style={{ marginBottom: 16 }} />
      <Ledger<PendingGrant>
        id="role-grants"
        title={t('lists.grants.title')}
        params={lp}
        query={{
          data: grants.data ? { items: grants.data.items, total: grants.data.items.length } : undefined,
          isPending: grants.isPending,
          isFetching: grants.isFetching,
          error: grants.error,
          refetch: grants.refetch,
        }}
        paged={false}
        columns={columns}
        rowKey={(g) => g.assignmentId}
        testId="grants-table"
        emptyText={t('grants.empty')}
        saveFilters={false}
        print
        renderCard={(g) => (
          <Card
            size="small"
            title={`${g.displayName}（${g.username}）`}
            extra={actions(g)}
            data-testid={`ledger-card-${g.assignmentId}`}
          >
            <Space wrap size={[6, 4]} style={{ marginBottom: 8 }}>
              <Tag color="blue">{g.roleName}</Tag>
              <span>{g.areaName}</span>
            </Space>
            <div style={{ display: 'flex', flexWrap: 'wrap', gap: 4, marginBottom: 8 }}>
              {g.permissions.map((p, i) => (
                <Tag key={p} style={{ marginInlineEnd: 0 }}>
                  {g.permissionLabels[i] ?? p}
                </Tag>
              ))}
            </div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('grants.requestedBy')}：{g.requestedBy ?? '—'} · {time(g.requestedAt)}
            </Typography.Text>
          </Card>
        )}
      />
    </>
  );
}
