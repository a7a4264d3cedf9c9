import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Space, Table, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import type { PendingGrant } from '../../../contract/users.js';
import { api } from '../../app/api.js';
import { useI18n } from '../../app/i18n.js';
import { ErrorState, emptyText, PageHeader, useIsMobile, useNotify } from '../../app/ui.js';
import { userKeys } from './queries.js';

const key = ['role-grants'] as const;

/**
 * The second person of a grant (docs/security.md "三权分立"): business, system or audit rights the
 * security administrator gives an account wait here until a holder of `role.approve` decides.
 */
export default function RoleGrantsPage() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const mobile = useIsMobile();
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

  return (
    <>
      <PageHeader title={t('nav.grants')} />
      <Alert type="info" showIcon title={t('grants.hint')} style={{ marginBottom: 16 }} />
      {grants.error && !grants.data ? (
        <ErrorState error={grants.error} onRetry={() => void grants.refetch()} />
      ) : (
        <Table<PendingGrant>
          rowKey="assignmentId"
          size={mobile ? 'small' : 'middle'}
          loading={grants.isPending}
          dataSource={grants.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          pagination={{ pageSize: 20, showTotal: (n) => t('common.total', { n }), hideOnSinglePage: true }}
          locale={{ emptyText: emptyText(t('grants.empty')) }}
          columns={[
            {
              title: t('grants.user'),
              key: 'user',
              render: (_, g) => (
                <div>
                  <div style={{ fontWeight: 500 }}>{g.displayName}</div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {g.username}
                  </Typography.Text>
                </div>
              ),
            },
            {
              title: t('grants.role'),
              key: 'role',
              render: (_, g) => (
                <Space wrap size={[6, 4]}>
                  <Tag color="blue">{g.roleName}</Tag>
                  <span>{g.areaName}</span>
                </Space>
              ),
            },
            {
              title: t('grants.permissions'),
              key: 'perms',
              render: (_, g) => (
                <Space wrap size={[4, 4]} style={{ maxWidth: 420 }}>
                  {g.permissions.map((p, i) => (
                    <Tooltip key={p} title={p}>
                      <Tag>{g.permissionLabels[i] ?? p}</Tag>
                    </Tooltip>
                  ))}
                </Space>
              ),
            },
            {
              title: t('grants.requestedBy'),
              dataIndex: 'requestedBy',
              render: (v: string | null) => v ?? '—',
            },
            {
              title: t('grants.requestedAt'),
              dataIndex: 'requestedAt',
              render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm'),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_, g) =>
                g.abilities.includes('decide') ? (
                  <Space size={0} wrap>
                    <Button
                      type="link"
                      size="small"
                      icon={<CheckOutlined />}
                      onClick={() => decide(g, true)}
                      data-testid={`grant-approve-${g.assignmentId}`}
                    >
                      {t('grants.approve')}
                    </Button>
                    <Button
                      type="link"
                      size="small"
                      danger
                      icon={<CloseOutlined />}
                      onClick={() => decide(g, false)}
                    >
                      {t('grants.reject')}
                    </Button>
                  </Space>
                ) : (
                  <Typography.Text type="secondary">{t('grants.own')}</Typography.Text>
                ),
            },
          ]}
        />
      )}
    </>
  );
}
