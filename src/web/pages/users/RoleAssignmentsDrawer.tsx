import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Drawer, Empty, Form, Popconfirm, Select, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { UserSummary } from '../../../contract/users.js';
import { api } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { useSubmit } from '../../app/forms.js';
import { useI18n } from '../../app/i18n.js';
import { adminKindLabel } from '../../app/labels.js';
import { RowList, useIsMobile } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { USER_ABILITY, useRoles, userKeys } from './queries.js';

interface AddValues {
  role: string;
  areaId: number;
}

export function RoleAssignmentsDrawer({ user, onClose }: { user: UserSummary | null; onClose: () => void }) {
  const { t, lang } = useI18n();
  const qc = useQueryClient();
  const can = useCan();
  const mobile = useIsMobile();
  const [current, setCurrent] = useState<UserSummary | null>(user);
  const [form] = Form.useForm<AddValues>();
  const { busy, run, ok, fail } = useSubmit(form);
  const roles = useRoles(user !== null && can('role.read'));

  useEffect(() => setCurrent(user), [user]);

  const editable = current?.abilities.includes(USER_ABILITY.assignRole) ?? false;

  const add = async (v: AddValues) => {
    if (!current) return;
    await run(async () => {
      const u = await api.post<UserSummary>(`/api/users/${current.id}/roles`, v);
      setCurrent(u);
      // Business, system or audit rights wait for a second person (docs/security.md).
      const added = u.roles.find((r) => r.role === v.role && r.areaId === v.areaId);
      ok(t(added?.pending ? 'users.rolePending' : 'users.roleAdded'));
      form.resetFields();
      await qc.invalidateQueries({ queryKey: userKeys.all });
    });
  };

  const remove = async (assignmentId: number) => {
    if (!current) return;
    try {
      const u = await api.del<UserSummary>(`/api/users/${current.id}/roles/${assignmentId}`);
      if (u) setCurrent(u);
      else setCurrent({ ...current, roles: current.roles.filter((r) => r.assignmentId !== assignmentId) });
      ok(t('users.roleRemoved'));
      await qc.invalidateQueries({ queryKey: userKeys.all });
    } catch (e) {
      fail(e);
    }
  };

  const roleOptions = (roles.data?.items ?? []).map((r) => ({
    value: r.code,
    label: (
      <Space size={4}>
        <span>{lang === 'en' ? r.nameEn : r.nameZh}</span>
        {r.adminKind ? <Tag color="red">{adminKindLabel(t, r.adminKind)}</Tag> : null}
      </Space>
    ),
    search: `${r.code} ${r.nameZh} ${r.nameEn}`,
  }));

  return (
    <Drawer
      open={user !== null}
      onClose={onClose}
      size={mobile ? '100%' : 480}
      title={current ? t('users.rolesTitle', { name: current.displayName }) : ''}
      destroyOnHidden
    >
      {current ? (
        <>
          <Typography.Title level={5}>{t('users.currentRoles')}</Typography.Title>
          {current.roles.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('users.noRoles')} />
          ) : (
            <RowList
              items={current.roles}
              rowKey={(r) => r.assignmentId}
              render={(r) => (
                <Space wrap size={[8, 4]}>
                  <Tag color={r.pending ? 'default' : 'blue'}>{r.roleName}</Tag>
                  <span>{r.areaName}</span>
                  {r.pending ? (
                    <Tag color="orange" data-testid="role-pending">
                      {t('users.pending')}
                    </Tag>
                  ) : null}
                </Space>
              )}
              actions={(r) =>
                editable ? (
                  <Popconfirm
                    title={t('users.roleRemoveConfirm', { role: r.roleName, area: r.areaName })}
                    onConfirm={() => remove(r.assignmentId)}
                  >
                    <Button size="small" type="link" danger>
                      {t('common.remove')}
                    </Button>
                  </Popconfirm>
                ) : null
              }
            />
          )}

          {editable ? (
            <>
              <Typography.Title level={5} style={{ marginTop: 24 }}>
                {t('users.addRole')}
              </Typography.Title>
              <Form<AddValues> form={form} layout="vertical" onFinish={add}>
                <Form.Item
                  name="role"
                  label={t('users.role')}
                  rules={[{ required: true, message: t('form.required') }]}
                >
                  <Select
                    options={roleOptions}
                    loading={roles.isPending}
                    showSearch={{ optionFilterProp: 'search' }}
                    placeholder={t('users.pickRole')}
                    data-testid="assign-role"
                  />
                </Form.Item>
                <Form.Item
                  name="areaId"
                  label={t('users.roleArea')}
                  extra={t('users.roleAreaHint')}
                  rules={[{ required: true, message: t('form.required') }]}
                >
                  <AreaTreeSelect data-testid="assign-area" />
                </Form.Item>
                <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={busy}>
                  {t('users.addRole')}
                </Button>
              </Form>
            </>
          ) : (
            <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
              {t('users.rolesReadOnly')}
            </Typography.Paragraph>
          )}
        </>
      ) : null}
    </Drawer>
  );
}
