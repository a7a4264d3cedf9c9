import { CopyOutlined, PlusOutlined, StopOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../app/api.js';
import { FormModal, useSubmit } from '../../app/forms.js';
import { useT } from '../../app/i18n.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { fmtTime } from '../../app/time.js';
import { PageHeader, useNotify } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { caseKeys, type Open311Key, type Open311KeyCreated, useOpen311Keys } from '../cases/queries.js';

interface CreateValues {
  name: string;
  areaId?: number | null;
}

/** The new key, shown once: it cannot be read again. */
function KeyOnceModal({ created, onClose }: { created: Open311KeyCreated | null; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.key);
      message.success(t('common.copied'));
    } catch {
      message.warning(t('common.copyFailed'));
    }
  };
  return (
    <Modal
      open={created !== null}
      title={t('open311.createdTitle', { name: created?.name ?? '' })}
      onCancel={onClose}
      mask={{ closable: false }}
      footer={
        <Button type="primary" onClick={onClose} data-testid="open311-key-done">
          {t('open311.keySaved')}
        </Button>
      }
    >
      <Alert type="warning" showIcon title={t('open311.onceHint')} style={{ marginBottom: 16 }} />
      <div style={{ display: 'flex', gap: 8, alignItems: 'stretch' }}>
        <span className="jy-secret" data-testid="open311-key" style={{ fontSize: 14 }}>
          {created?.key}
        </span>
        <Button icon={<CopyOutlined />} onClick={copy} style={{ height: 'auto' }}>
          {t('common.copy')}
        </Button>
      </div>
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        {t('open311.usageHint')}
      </Typography.Paragraph>
    </Modal>
  );
}

/** Open311 GeoReport v2 API keys (open311.manage): who may file requests through the public API. */
export default function Open311Page() {
  const t = useT();
  const qc = useQueryClient();
  const lp = useLedgerParams(100);
  const { modal } = App.useApp();
  const { fail, ok } = useNotify();
  const keys = useOpen311Keys();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Open311KeyCreated | null>(null);
  const [form] = Form.useForm<CreateValues>();
  const { busy, run } = useSubmit(form);

  const revoke = (k: Open311Key) =>
    modal.confirm({
      title: t('open311.revokeConfirm', { name: k.name }),
      content: t('open311.revokeHint'),
      okButtonProps: { danger: true },
      okText: t('open311.revoke'),
      onOk: async () => {
        try {
          await api.post(`/api/open311/keys/${k.id}/revoke`);
          await qc.invalidateQueries({ queryKey: caseKeys.open311 });
          ok(t('open311.revoked'));
        } catch (e) {
          fail(e);
        }
      },
    });

  const time = (v: string) => fmtTime(v, 'YYYY-MM-DD HH:mm');
  const statusText = (k: Open311Key) =>
    k.revokedAt ? t('open311.revokedAt', { at: fmtTime(k.revokedAt, 'YYYY-MM-DD') }) : t('open311.active');
  const revokeButton = (k: Open311Key) =>
    k.revokedAt ? null : (
      <Button
        size="small"
        danger
        icon={<StopOutlined />}
        onClick={(e) => {
          e.stopPropagation();
          revoke(k);
        }}
        data-testid={`open311-revoke-${k.id}`}
      >
        {t('open311.revoke')}
      </Button>
    );
  const columns: LedgerColumn<Open311Key>[] = [
    { key: 'name', title: t('open311.name'), value: (k) => k.name },
    {
      key: 'tail',
      title: t('open311.key'),
      text: (k) => `…${k.tail}`,
      render: (k) => <span className="jy-mono">…{k.tail}</span>,
    },
    { key: 'areaName', title: t('open311.area'), value: (k) => k.areaName },
    {
      key: 'createdAt',
      title: t('open311.createdAt'),
      value: (k) => k.createdAt,
      text: (k) => time(k.createdAt),
      render: (k) => <span style={{ whiteSpace: 'nowrap' }}>{time(k.createdAt)}</span>,
    },
    {
      key: 'status',
      title: t('common.status'),
      value: (k) => (k.revokedAt ? 1 : 0),
      text: statusText,
      render: (k) => (k.revokedAt ? <Tag>{statusText(k)}</Tag> : <Tag color="success">{statusText(k)}</Tag>),
    },
    { key: 'actions', title: t('common.actions'), noPrint: true, render: revokeButton },
  ];

  return (
    <div style={{ maxWidth: 1000 }}>
      <PageHeader
        title={t('nav.open311')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="open311-create"
          >
            {t('open311.create')}
          </Button>
        }
      />
      <Typography.Paragraph type="secondary">{t('open311.intro')}</Typography.Paragraph>
      <Ledger<Open311Key>
        id="open311-keys"
        title={t('lists.open311.title')}
        params={lp}
        query={{
          data: keys.data ? { items: keys.data, total: keys.data.length } : undefined,
          isPending: keys.isPending,
          isFetching: keys.isFetching,
          error: keys.error,
          refetch: keys.refetch,
        }}
        paged={false}
        columns={columns}
        rowKey={(k) => k.id}
        testId="open311-table"
        emptyText={t('open311.empty')}
        saveFilters={false}
        exportTo={{ path: '/api/open311/keys/export', body: {}, fileName: 'open311-keys.xlsx' }}
        print
        card={{
          title: (k) => k.name,
          fields: ['tail', 'areaName', 'createdAt', 'status'],
          extra: revokeButton,
        }}
      />
      <FormModal<CreateValues>
        open={creating}
        title={t('open311.create')}
        onClose={() => setCreating(false)}
        form={form}
        busy={busy}
        data-testid="open311-form"
        onFinish={(v) =>
          run(async () => {
            const r = await api.post<Open311KeyCreated>('/api/open311/keys', {
              name: v.name.trim(),
              areaId: v.areaId,
            });
            await qc.invalidateQueries({ queryKey: caseKeys.open311 });
            setCreating(false);
            setCreated(r);
          })
        }
      >
        <Form.Item
          name="name"
          label={t('open311.name')}
          extra={t('open311.nameHint')}
          rules={[
            { required: true, whitespace: true, message: t('form.required') },
            { min: 2, message: t('form.range', { min: 2, max: 60 }) },
            { max: 60, message: t('form.maxLength', { n: 60 }) },
          ]}
        >
          <Input maxLength={60} />
        </Form.Item>
        <Form.Item
          name="areaId"
          label={t('open311.area')}
          extra={t('open311.areaHint')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <AreaTreeSelect />
        </Form.Item>
      </FormModal>
      <KeyOnceModal created={created} onClose={() => setCreated(null)} />
    </div>
  );
}
