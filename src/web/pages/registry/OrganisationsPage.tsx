import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Col, Form, Input, Row, Select, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { ORG_KINDS } from '../../../contract/codes.js';
import { api, isApiError } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { FormModal, useSubmit } from '../../app/forms.js';
import { useT } from '../../app/i18n.js';
import { Ledger, type LedgerColumn, PhoneLink, useLedgerParams } from '../../app/ledger/Ledger.js';
import { PageHeader, useDebounced } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { useArea } from '../areas/queries.js';
import { creditCodeError, isMasked, phoneError } from './format.js';
import { fetchOrganisations, type Organisation, registryKeys, useOrganisations } from './queries.js';
import { useCodes } from './shared.js';

interface OrgValues {
  name: string;
  kind: string;
  creditCode?: string;
  areaId?: number | null;
  address?: string;
  contactName?: string;
  contactPhone?: string;
  note?: string;
}

const KIND_COLOR: Record<string, string> = {
  cobuild: 'red',
  enterprise: 'blue',
  market: 'orange',
  social: 'green',
  team: 'purple',
};

function OrganisationModal({
  open,
  org,
  onClose,
}: {
  open: boolean;
  /** editing this one; none: a new organisation */
  org: Organisation | null;
  onClose: () => void;
}) {
  const t = useT();
  const codes = useCodes();
  const qc = useQueryClient();
  const [form] = Form.useForm<OrgValues>();
  const { busy, run, ok } = useSubmit(form);

  const initial: OrgValues = org
    ? {
        name: org.name,
        kind: org.kind,
        creditCode: org.creditCode ?? undefined,
        areaId: org.areaId,
        address: org.address ?? undefined,
        contactName: org.contactName ?? undefined,
        // a masked phone is not put in the form: it must never be sent back
        contactPhone: isMasked(org.contactPhone) ? undefined : (org.contactPhone ?? undefined),
        note: org.note ?? undefined,
      }
    : { name: '', kind: 'enterprise' };

  const onFinish = async (v: OrgValues) => {
    const clean: Record<string, unknown> = {};
    for (const [k, raw] of Object.entries(v)) {
      if (raw === undefined || raw === null) continue;
      clean[k] = typeof raw === 'string' ? (k === 'creditCode' ? raw.trim().toUpperCase() : raw.trim()) : raw;
    }
    await run(
      async () => {
        if (org) {
          const before = initial as unknown as Record<string, unknown>;
          const patch: Record<string, unknown> = {};
          for (const k of new Set([...Object.keys(before), ...Object.keys(clean)])) {
            const a = before[k] ?? '';
            const b = clean[k] ?? '';
            if (a === b) continue;
            if (k === 'contactPhone' && b === '') continue;
            if (k === 'areaId' && b === '') continue;
            patch[k] = b;
          }
          if (Object.keys(patch).length === 0) {
            onClose();
            return;
          }
          await api.patch(`/api/organisations/${org.id}`, patch, { ifMatch: org.version });
          ok(t('common.saved'));
        } else {
          const body = Object.fromEntries(Object.entries(clean).filter(([, x]) => x !== ''));
          await api.post('/api/organisations', body);
          ok(t('org.created', { name: v.name.trim() }));
        }
        await qc.invalidateQueries({ queryKey: registryKeys.organisations });
        onClose();
      },
      async (e) => {
        if (isApiError(e) && e.status === 412)
          await qc.invalidateQueries({ queryKey: registryKeys.organisations });
      },
    );
  };

  return (
    <FormModal<OrgValues>
      open={open}
      title={org ? t('org.editTitle', { name: org.name }) : t('org.createTitle')}
      onClose={onClose}
      width={640}
      form={form}
      onFinish={onFinish}
      initialValues={initial}
      busy={busy}
    >
      <Row gutter={12}>
        <Col xs={24} sm={16}>
          <Form.Item
            name="name"
            label={t('org.name')}
            rules={[
              { required: true, whitespace: true, message: t('form.required') },
              { max: 100, message: t('form.maxLength', { n: 100 }) },
            ]}
          >
            <Input maxLength={100} data-testid="org-name" />
          </Form.Item>
        </Col>
        <Col xs={24} sm={8}>
          <Form.Item
            name="kind"
            label={t('org.kind')}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Select options={codes.options(ORG_KINDS)} data-testid="org-kind" />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item
            name="creditCode"
            label={t('org.creditCode')}
            extra={t('org.creditCodeHint')}
            validateTrigger={['onChange', 'onBlur']}
            rules={[
              {
                validator: (_, v?: string) => {
                  const err = v?.trim() ? creditCodeError(v) : null;
                  return err ? Promise.reject(new Error(err)) : Promise.resolve();
                },
              },
            ]}
          >
            <Input
              maxLength={18}
              autoComplete="off"
              style={{ textTransform: 'uppercase' }}
              data-testid="org-credit-code"
            />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item
            name="areaId"
            label={t('org.area')}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <AreaTreeSelect data-testid="org-area" />
          </Form.Item>
        </Col>
        <Col xs={24}>
          <Form.Item name="address" label={t('org.address')} rules={[{ max: 200 }]}>
            <Input maxLength={200} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="contactName" label={t('org.contactName')} rules={[{ max: 40 }]}>
            <Input maxLength={40} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item
            name="contactPhone"
            label={t('org.contactPhone')}
            extra={org?.contactPhone ? t('person.keepMasked', { value: org.contactPhone }) : undefined}
            rules={[
              {
                validator: (_, v?: string) => {
                  const err = v?.trim() ? phoneError(v) : null;
                  return err ? Promise.reject(new Error(err)) : Promise.resolve();
                },
              },
            ]}
          >
            <Input maxLength={20} inputMode="tel" autoComplete="off" />
          </Form.Item>
        </Col>
        <Col xs={24}>
          <Form.Item name="note" label={t('org.note')} rules={[{ max: 500 }]}>
            <Input.TextArea rows={2} maxLength={500} showCount />
          </Form.Item>
        </Col>
      </Row>
    </FormModal>
  );
}

export default function OrganisationsPage() {
  const t = useT();
  const codes = useCodes();
  const can = useCan();
  const navigate = useNavigate();
  const lp = useLedgerParams();
  const { sp, update } = lp;
  const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);
  const filters = {
    q: sp.get('q') || undefined,
    kind: sp.get('kind') || undefined,
    areaId: num(sp.get('areaId')),
    sort: lp.sort,
  };
  const [search, setSearch] = useState(filters.q ?? '');
  const q = useDebounced(search.trim(), 300);
  useEffect(() => {
    if ((q || undefined) !== filters.q) update({ q });
  }, [q, filters.q, update]);
  const list = useOrganisations({ ...filters, page: lp.page, pageSize: lp.pageSize });
  const area = useArea(filters.areaId ?? null);
  const [editing, setEditing] = useState<Organisation | 'new' | null>(null);
  const activeFilters = [filters.kind, filters.areaId].filter(Boolean).length;

  const columns: LedgerColumn<Organisation>[] = [
    {
      key: 'name',
      title: t('org.name'),
      sort: 'name',
      width: 220,
      ellipsis: true,
      render: (o) => <span style={{ fontWeight: 500 }}>{o.name}</span>,
    },
    {
      key: 'kind',
      title: t('org.kind'),
      sort: 'kind',
      render: (o) => <Tag color={KIND_COLOR[o.kind] ?? 'default'}>{codes.label(ORG_KINDS, o.kind)}</Tag>,
      text: (o) => codes.label(ORG_KINDS, o.kind),
    },
    {
      key: 'creditCode',
      title: t('org.creditCode'),
      render: (o) => (o.creditCode ? <span className="jy-mono">{o.creditCode}</span> : '—'),
      text: (o) => o.creditCode ?? '',
    },
    { key: 'address', title: t('org.address'), width: 240, ellipsis: true, text: (o) => o.address ?? '' },
    { key: 'contactName', title: t('org.contactName'), text: (o) => o.contactName ?? '' },
    {
      key: 'contactPhone',
      title: t('org.contactPhone'),
      render: (o) => <PhoneLink phone={o.contactPhone} />,
      text: (o) => o.contactPhone ?? '',
    },
    {
      key: 'actions',
      title: t('common.actions'),
      noPrint: true,
      render: (o) =>
        o.abilities.includes('update') ? (
          <Button
            type="link"
            size="small"
            onClick={(e) => {
              e.stopPropagation();
              setEditing(o);
            }}
            data-testid={`org-edit-${o.id}`}
          >
            {t('common.edit')}
          </Button>
        ) : null,
      text: () => '',
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.organisations')}
        extra={
          can('org.manage') ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing('new')}
              data-testid="org-create"
            >
              {t('org.create')}
            </Button>
          ) : null
        }
      />
      <Ledger<Organisation>
        id="organisations"
        title={t('nav.organisations')}
        params={lp}
        query={list}
        columns={columns}
        rowKey={(o) => o.id}
        onOpen={(o) => (o.abilities.includes('update') ? setEditing(o) : undefined)}
        rowTestId={(o) => `org-row-${o.id}`}
        testId="org-table"
        emptyText={filters.q || activeFilters ? t('org.emptyFiltered') : t('org.empty')}
        search={{
          value: search,
          onChange: setSearch,
          placeholder: t('org.searchPlaceholder'),
          testId: 'org-search',
        }}
        filters={[
          <Select
            key="kind"
            allowClear
            placeholder={t('org.kind')}
            value={filters.kind}
            onChange={(v) => update({ kind: v })}
            options={codes.options(ORG_KINDS)}
            style={{ width: 160 }}
            data-testid="org-filter-kind"
          />,
          <div key="area" style={{ width: 220 }}>
            <AreaTreeSelect
              allowClear
              value={filters.areaId ?? null}
              onChange={(v) => update({ areaId: v ?? undefined })}
              placeholder={t('org.area')}
            />
          </div>,
        ]}
        activeFilters={activeFilters}
        onReset={() => update({ kind: undefined, areaId: undefined })}
        exportTo={{
          path: '/api/organisations/export',
          body: { q: filters.q, kind: filters.kind, areaId: filters.areaId, sort: filters.sort },
          fileName: 'organisations.xlsx',
        }}
        print={{
          area: area.data?.name,
          fetchAll: (size, p) => fetchOrganisations({ ...filters, page: p, pageSize: size }),
        }}
        importSlot={
          can('org.manage') ? (
            <Button
              icon={<UploadOutlined />}
              onClick={() => navigate('/organisations/import')}
              data-testid="org-import"
            >
              {t('sheets.import')}
            </Button>
          ) : null
        }
        card={{
          title: (o) => o.name,
          fields: ['kind', 'contactName', 'contactPhone', 'address'],
        }}
      />
      <OrganisationModal
        open={editing !== null}
        org={editing === 'new' ? null : editing}
        onClose={() => setEditing(null)}
      />
    </>
  );
}
