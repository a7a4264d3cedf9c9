import { CopyOutlined, PlusOutlined, StopOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Modal, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { api } from '../../app/api.js';
import { FormModal, useSubmit } from '../../app/forms.js';
import { useT } from '../../app/i18n.js';
import { ErrorState, emptyText, PageHeader, useIsMobile, useNotify } from '../../app/ui.js';
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
  const mobile = useIsMobile();
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
      {keys.error && !keys.data ? (
        <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
      ) : (
        <Card size="small" styles={{ body: { padding: 0 } }}>
          <Table<Open311Key>
            rowKey="id"
            size={mobile ? 'small' : 'middle'}
            loading={keys.isPending}
            dataSource={keys.data ?? []}
            pagination={false}
            scroll={{ x: 'max-content' }}
            data-testid="open311-table"
            locale={{ emptyText: emptyText(t('open311.empty')) }}
            columns={[
              { title: t('open311.name'), dataIndex: 'name' },
              {
                title: t('open311.key'),
                dataIndex: 'tail',
                render: (v: string) => <span className="jy-mono">…{v}</span>,
              },
              { title: t('open311.area'), dataIndex: 'areaName' },
              {
                title: t('open311.createdAt'),
                dataIndex: 'createdAt',
                render: (v: string) => (
                  <span style={{ whiteSpace: 'nowrap' }}>{dayjs(v).format('YYYY-MM-DD HH:mm')}</span>
                ),
              },
              {
                title: t('common.status'),
                key: 'status',
                render: (_, k) =>
                  k.revokedAt ? (
                    <Tag>{t('open311.revokedAt', { at: dayjs(k.revokedAt).format('YYYY-MM-DD') })}</Tag>
                  ) : (
                    <Tag color="success">{t('open311.active')}</Tag>
                  ),
              },
              {
                title: t('common.actions'),
                key: 'actions',
                render: (_, k) =>
                  k.revokedAt ? null : (
                    <Button
                      size="small"
                      danger
                      icon={<StopOutlined />}
                      onClick={() => revoke(k)}
                      data-testid={`open311-revoke-${k.id}`}
                    >
                      {t('open311.revoke')}
                    </Button>
                  ),
              },
            ]}
          />
        </Card>
      )}
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
