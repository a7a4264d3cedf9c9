import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Form, Popconfirm, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { AREA_STAFF_ROLES, type Area, type AreaStaff } from '../../../contract/areas.js';
import { api } from '../../app/api.js';
import { FormModal, useSubmit } from '../../app/forms.js';
import { useT } from '../../app/i18n.js';
import { staffRoleLabel } from '../../app/labels.js';
import { ErrorState, emptyText, useDebounced, useNotify } from '../../app/ui.js';
import { areaKeys, useAreaStaff, useStaffCandidates } from './queries.js';

export function staffRolesFor(area: Pick<Area, 'kind'>): readonly string[] {
  return (AREA_STAFF_ROLES as Partial<Record<string, readonly string[]>>)[area.kind] ?? [];
}

function AddStaffModal({ area, open, onClose }: { area: Area; open: boolean; onClose: () => void }) {
  const t = useT();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ userId: number; role: string }>();
  const [search, setSearch] = useState('');
  const q = useDebounced(search, 300);
  const candidates = useStaffCandidates(area.id, q, open);
  const roles = staffRolesFor(area);
  const { busy, run, ok } = useSubmit(form);

  const onFinish = async (v: { userId: number; role: string }) => {
    await run(async () => {
      await api.post(`/api/areas/${area.id}/staff`, v);
      ok(t('staff.added'));
      await qc.invalidateQueries({ queryKey: areaKeys.staff(area.id) });
      form.resetFields();
      onClose();
    });
  };

  return (
    <FormModal
      open={open}
      title={t('staff.addTitle', { name: area.name })}
      onClose={onClose}
      form={form}
      onFinish={onFinish}
      initialValues={{ role: roles.length === 1 ? roles[0] : undefined }}
      busy={busy}
    >
      <Form.Item
        name="userId"
        label={t('staff.user')}
        rules={[{ required: true, message: t('form.required') }]}
      >
        <Select
          showSearch={{ filterOption: false, onSearch: setSearch }}
          placeholder={t('staff.userPlaceholder')}
          loading={candidates.isFetching}
          notFoundContent={candidates.isFetching ? t('common.loading') : t('staff.noCandidates')}
          options={(candidates.data?.items ?? []).map((c) => ({
            value: c.id,
            label: `${c.displayName} (${c.username})`,
          }))}
          data-testid="staff-user"
        />
      </Form.Item>
      <Form.Item
        name="role"
        label={t('staff.role')}
        rules={[{ required: true, message: t('form.required') }]}
      >
        <Select options={roles.map((r) => ({ value: r, label: staffRoleLabel(t, r) }))} />
      </Form.Item>
    </FormModal>
  );
}

export function StaffTab({ area }: { area: Area }) {
  const t = useT();
  const qc = useQueryClient();
  const { fail, ok } = useNotify();
  const staff = useAreaStaff(area.id, true);
  const [adding, setAdding] = useState(false);
  const canManage = area.abilities.includes('staff');

  const remove = async (s: AreaStaff) => {
    try {
      await api.del(`/api/areas/${area.id}/staff/${s.assignmentId}`);
      ok(t('staff.removed'));
      await qc.invalidateQueries({ queryKey: areaKeys.staff(area.id) });
    } catch (e) {
      fail(e);
    }
  };

  if (staff.error) return <ErrorState compact error={staff.error} onRetry={() => void staff.refetch()} />;

  return (
    <>
      {canManage ? (
        <div style={{ marginBottom: 12 }}>
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setAdding(true)}
            data-testid="staff-add"
          >
            {t('staff.add')}
          </Button>
        </div>
      ) : null}
      <Table<AreaStaff>
        rowKey="assignmentId"
        size="small"
        loading={staff.isPending}
        dataSource={staff.data?.items ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: emptyText(canManage ? t('staff.emptyCanAdd') : t('staff.empty')) }}
        columns={[
          { title: t('staff.name'), dataIndex: 'displayName' },
          { title: t('auth.username'), dataIndex: 'username' },
          {
            title: t('staff.role'),
            dataIndex: 'role',
            render: (r: string) => <Tag color="blue">{staffRoleLabel(t, r)}</Tag>,
          },
          ...(canManage
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_: unknown, s: AreaStaff) => (
                    <Popconfirm
                      title={t('staff.removeConfirm', { name: s.displayName })}
                      onConfirm={() => remove(s)}
                    >
                      <Button type="link" danger size="small">
                        {t('common.remove')}
                      </Button>
                    </Popconfirm>
                  ),
                },
              ]
            : []),
        ]}
      />
      <AddStaffModal area={area} open={adding} onClose={() => setAdding(false)} />
    </>
  );
}
