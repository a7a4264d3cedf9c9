import { Button, Form, Input, Modal, Select, Space, Tooltip } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { VOLUNTEER_STATUS_LABELS } from '../../../contract/volunteers.js';
import { api } from '../../app/api.js';
import { useT } from '../../app/i18n.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { PageHeader, useNotify } from '../../app/ui.js';
import {
  type Certificate,
  fetchVolunteers,
  fmtDay,
  useActivityAction,
  useVolunteers,
  type Volunteer,
} from '../activities/queries.js';
import { CodeTag, useLabel } from '../activities/shared.js';

const STATUS = VOLUNTEER_STATUS_LABELS as Record<string, { zh: string; en: string }>;

/** 志愿者台账: names and phones masked; verify applications, issue certificates. */
export default function VolunteersPage() {
  const t = useT();
  const navigate = useNavigate();
  const label = useLabel();
  const lp = useLedgerParams();
  const { sp, update } = lp;
  const { fail, ok } = useNotify();
  const [certFor, setCertFor] = useState<Volunteer | null>(null);
  const filters = {
    status: sp.get('status') ?? undefined,
    q: sp.get('q') ?? undefined,
    sort: lp.sort ?? '-hours',
  };
  const list = useVolunteers({ ...filters, page: lp.page, pageSize: lp.pageSize });
  const verify = useActivityAction((id: number) => api.post<Volunteer>(`/api/volunteers/${id}/verify`));
  const columns: LedgerColumn<Volunteer>[] = [
    { key: 'name', title: t('vol.name'), sort: 'name' },
    { key: 'volunteerNo', title: t('vol.no'), text: (v) => v.volunteerNo ?? '—' },
    { key: 'phone', title: t('vol.phone'), text: (v) => v.phone ?? '—' },
    { key: 'age', title: t('vol.age'), align: 'right', text: (v) => (v.age === null ? '—' : String(v.age)) },
    { key: 'teamName', title: t('vol.team'), text: (v) => v.teamName ?? '—' },
    {
      key: 'hours',
      title: t('vol.hours'),
      sort: 'hours',
      align: 'right',
      text: (v) => String(v.confirmedHours),
    },
    {
      key: 'star',
      title: t('vol.star'),
      render: (v) => <Tooltip title={t('vol.starHint')}>{v.star ? '★'.repeat(v.star) : '—'}</Tooltip>,
      text: (v) => (v.star ? '★'.repeat(v.star) : '—'),
    },
    {
      key: 'status',
      title: t('vol.status'),
      render: (v) => <CodeTag table={STATUS} code={v.status} />,
      text: (v) => label(STATUS, v.status),
    },
    {
      key: 'registeredAt',
      title: t('vol.registeredAt'),
      sort: 'registeredAt',
      text: (v) => fmtDay(v.registeredAt),
    },
    { key: 'areaName', title: '区域', hidden: true },
    {
      key: 'actions',
      title: '',
      noPrint: true,
      render: (v) => (
        <Space onClick={(e) => e.stopPropagation()}>
          {v.abilities.includes('verify') ? (
            <Button
              size="small"
              type="primary"
              data-testid={`vol-verify-${v.id}`}
              onClick={() =>
                verify.mutate(v.id, {
                  onSuccess: (r) => ok(t('vol.verified', { no: r.volunteerNo ?? '' })),
                  onError: (e) => fail(e),
                })
              }
            >
              {t('vol.verify')}
            </Button>
          ) : null}
          {v.abilities.includes('certify') ? (
            <Button size="small" data-testid={`vol-certify-${v.id}`} onClick={() => setCertFor(v)}>
              {t('vol.certify')}
            </Button>
          ) : null}
        </Space>
      ),
      text: () => '',
    },
  ];
  return (
    <>
      <PageHeader title={t('vol.title')} />
      <Ledger<Volunteer>
        id="volunteers"
        title={t('vol.title')}
        params={lp}
        query={list}
        columns={columns}
        rowKey={(v) => v.id}
        emptyText={t('vol.empty')}
        search={{
          value: filters.q ?? '',
          onChange: (v) => update({ q: v || undefined }),
          placeholder: t('vol.search'),
        }}
        filters={[
          <Select
            key="status"
            allowClear
            style={{ minWidth: 120 }}
            placeholder={t('vol.status')}
            value={filters.status}
            onChange={(v) => update({ status: v })}
            options={Object.keys(STATUS).map((c) => ({ value: c, label: label(STATUS, c) }))}
          />,
        ]}
        activeFilters={filters.status ? 1 : 0}
        onReset={() => update({ status: undefined })}
        exportTo={{ path: '/api/volunteers/export', body: filters, fileName: 'volunteers.xlsx' }}
        print={{
          fetchAll: (size, page) => fetchVolunteers({ ...filters, page, pageSize: Math.min(size, 100) }),
        }}
        card={{ title: (v) => v.name, fields: ['volunteerNo', 'hours', 'star', 'status', 'actions'] }}
      />
      <CertifyModal
        v={certFor}
        onClose={() => setCertFor(null)}
        onIssued={(c) => navigate(`/volunteers/certificates/${c.id}`)}
      />
    </>
  );
}

function CertifyModal({
  v,
  onClose,
  onIssued,
}: {
  v: Volunteer | null;
  onClose: () => void;
  onIssued: (c: Certificate) => void;
}) {
  const t = useT();
  const { fail } = useNotify();
  const [form] = Form.useForm<{ personInCharge: string; contact: string }>();
  const issue = useActivityAction((body: { personInCharge: string; contact: string }) =>
    api.post<Certificate>(`/api/volunteers/${v?.id}/certificates`, body),
  );
  return (
    <Modal
      open={!!v}
      title={t('vol.certifyTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={issue.isPending}
      destroyOnHidden
    >
      <p>{t('vol.certifyHint')}</p>
      <Form
        form={form}
        layout="vertical"
        onFinish={(body) =>
          issue.mutate(body, { onSuccess: (c) => onIssued(c), onError: (e) => fail(e, form) })
        }
      >
        <Form.Item name="personInCharge" label={t('vol.personInCharge')} rules={[{ required: true }]}>
          <Input maxLength={30} />
        </Form.Item>
        <Form.Item name="contact" label={t('vol.contact')} rules={[{ required: true }]}>
          <Input maxLength={40} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
