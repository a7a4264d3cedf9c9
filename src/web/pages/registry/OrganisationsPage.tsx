import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Col, Form, Input, Row, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { ORG_KINDS } from '../../../contract/codes.js';
import { api, isApiError } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { FormModal, useSubmit } from '../../app/forms.js';
import { useT } from '../../app/i18n.js';
import { ErrorState, emptyText, PageHeader, useDebounced, useIsMobile } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { creditCodeError, isMasked, phoneError } from './format.js';
import { type Organisation, registryKeys, useOrganisations } from './queries.js';
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
  const mobile = useIsMobile();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const [kind, setKind] = useState<string | undefined>();
  const [areaId, setAreaId] = useState<number | undefined>();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const list = useOrganisations({ q: q || undefined, kind, areaId, page, pageSize });
  const [editing, setEditing] = useState<Organisation | 'new' | null>(null);
  const total = list.data?.total ?? 0;

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
      <div className="jy-filter-bar">
        <Input.Search
          allowClear
          placeholder={t('org.searchPlaceholder')}
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setPage(1);
          }}
          style={{ width: 300 }}
          data-testid="org-search"
        />
        <Select
          allowClear
          placeholder={t('org.kind')}
          value={kind}
          onChange={(v) => {
            setKind(v);
            setPage(1);
          }}
          options={codes.options(ORG_KINDS)}
          style={{ width: 160 }}
          className="jy-filter-half"
          data-testid="org-filter-kind"
        />
        <div style={{ width: 220 }} className="jy-filter-half">
          <AreaTreeSelect
            allowClear
            value={areaId ?? null}
            onChange={(v) => {
              setAreaId(v ?? undefined);
              setPage(1);
            }}
            placeholder={t('org.area')}
          />
        </div>
      </div>
      {list.error && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<Organisation>
          rowKey="id"
          size={mobile ? 'small' : 'middle'}
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          data-testid="org-table"
          locale={{ emptyText: emptyText(q || kind || areaId ? t('org.emptyFiltered') : t('org.empty')) }}
          pagination={{
            current: page,
            pageSize,
            total,
            showSizeChanger: !mobile,
            size: mobile ? 'small' : undefined,
            showTotal: () =>
              list.data?.totalCapped
                ? t('people.totalCapped', { n: total })
                : t('common.total', { n: total }),
            onChange: (p, s) => {
              setPage(p);
              setPageSize(s);
            },
          }}
          columns={[
            {
              title: t('org.name'),
              dataIndex: 'name',
              fixed: mobile ? undefined : 'left',
              render: (v: string) => <span style={{ fontWeight: 500 }}>{v}</span>,
            },
            {
              title: t('org.kind'),
              dataIndex: 'kind',
              render: (v: string) => (
                <Tag color={KIND_COLOR[v] ?? 'default'}>{codes.label(ORG_KINDS, v)}</Tag>
              ),
            },
            {
              title: t('org.creditCode'),
              dataIndex: 'creditCode',
              render: (v: string | null) => (v ? <span className="jy-mono">{v}</span> : '—'),
            },
            {
              title: t('org.address'),
              dataIndex: 'address',
              render: (v: string | null) => (
                <Typography.Text style={{ maxWidth: 260, display: 'inline-block' }} ellipsis={{ tooltip: v }}>
                  {v || '—'}
                </Typography.Text>
              ),
            },
            { title: t('org.contactName'), dataIndex: 'contactName', render: (v: string | null) => v || '—' },
            {
              title: t('org.contactPhone'),
              dataIndex: 'contactPhone',
              render: (v: string | null) => (v ? <span className="jy-mono">{v}</span> : '—'),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_, o) =>
                o.abilities.includes('update') ? (
                  <Button
                    type="link"
                    size="small"
                    onClick={() => setEditing(o)}
                    data-testid={`org-edit-${o.id}`}
                  >
                    {t('common.edit')}
                  </Button>
                ) : null,
            },
          ]}
        />
      )}
      <OrganisationModal
        open={editing !== null}
        org={editing === 'new' ? null : editing}
        onClose={() => setEditing(null)}
      />
    </>
  );
}
