import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Form, Popconfirm, Select, Tag } from 'antd';
import { useState } from 'react';
import { AREA_STAFF_ROLES, type Area, type AreaStaff } from '../../../contract/areas.js';
import { api } from '../../app/api.js';
import { FormModal, useSubmit } from '../../app/forms.js';
import { useT } from '../../app/i18n.js';
import { staffRoleLabel } from '../../app/labels.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { useDebounced, useNotify } from '../../app/ui.js';
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
  const lp = useLedgerParams(100);

  const remove = async (s: AreaStaff) => {
    try {
      await api.del(`/api/areas/${area.id}/staff/${s.assignmentId}`);
      ok(t('staff.removed'));
      await qc.invalidateQueries({ queryKey: areaKeys.staff(area.id) });
    } catch (e) {
      fail(e);
    }
  };

  const removeButton = (s: AreaStaff) => {
    return (
      <Popconfirm title={t('staff.removeConfirm', { name: s.displayName })} onConfirm={() => remove(s)}>
        <Button type="link" danger size="small" onClick={(e) => e.stopPropagation()}>
          {t('common.remove')}
        </Button>
      </Popconfirm>
    );
  };

  const columns: LedgerColumn<AreaStaff>[] = [
    { key: 'displayName', title: t('staff.name'), value: (s) => s.displayName },
    { key: 'username', title: t('auth.username'), value: (s) => s.username },
    {
      key: 'role',
      title: t('staff.role'),
      value: (s) => staffRoleLabel(t, s.role),
      text: (s) => staffRoleLabel(t, s.role),
      render: (s) => <Tag color="blue">{staffRoleLabel(t, s.role)}</Tag>,
    },
    ...(canManage
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            noPrint: true,
            render: removeButton,
          },
        ]
      : []),
  ];

  return (
    <>
      <Ledger<AreaStaff>
        id="area-staff"
        title={t('lists.staff.title', { name: area.name })}
        params={lp}
        query={{
          data: staff.data ? { items: staff.data.items, total: staff.data.items.length } : undefined,
          isPending: staff.isPending,
          isFetching: staff.isFetching,
          error: staff.error,
          refetch: staff.refetch,
        }}
        paged={false}
        columns={columns}
        rowKey={(s) => s.assignmentId}
        testId="area-staff"
        emptyText={canManage ? t('staff.emptyCanAdd') : t('staff.empty')}
        saveFilters={false}
        extra={
          canManage ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setAdding(true)}
              data-testid="staff-add"
            >
              {t('staff.add')}
            </Button>
          ) : null
        }
        exportTo={{ path: `/api/areas/${area.id}/staff/export`, body: {}, fileName: 'area-staff.xlsx' }}
        print={{ area: area.name }}
        card={{
          title: (s) => s.displayName,
          fields: ['username', 'role'],
          extra: (s) => (canManage ? removeButton(s) : null),
        }}
      />
      <AddStaffModal area={area} open={adding} onClose={() => setAdding(false)} />
    </>
  );
}
