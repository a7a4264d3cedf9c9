import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, InputNumber, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { handleLimitOf, LIMIT_UNITS } from '../../../contract/case-codes.js';
import { STAGES } from '../../../contract/cases.js';
import { api } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { FormModal, useSubmit } from '../../app/forms.js';
import { useT } from '../../app/i18n.js';
import { ErrorState, emptyText, PageHeader, useIsMobile, useNotify } from '../../app/ui.js';
import {
  CASE_TYPE_LIST,
  type CaseLimit,
  type CaseLimitRow,
  type CaseType,
  caseKeys,
  useCaseLimits,
} from '../cases/queries.js';
import { CATEGORY_TREES, CaseTypeTag, useCaseCodes } from '../cases/shared.js';
import { CaseRulesCard } from './CaseRulesCard.js';

type Urgency = CaseLimit['urgency'];

function LimitModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const qc = useQueryClient();
  const codes = useCaseCodes();
  const [form] = Form.useForm<CaseLimit>();
  const { busy, run, ok } = useSubmit(form);
  const type = Form.useWatch('type', form) as CaseType | undefined;
  const tree = type ? CATEGORY_TREES[type] : [];
  const categoryOptions = [
    { value: '*', label: t('limits.allCategories') },
    ...tree.map((c) => ({ value: c.code, label: c.parent ? `— ${c[codes.lang]}` : c[codes.lang] })),
  ];
  return (
    <FormModal<CaseLimit>
      open={open}
      title={t('limits.add')}
      onClose={onClose}
      form={form}
      busy={busy}
      initialValues={{ type: 'event', category: '*', urgency: '*', stage: 'handle', unit: 'wday' }}
      data-testid="limit-form"
      onFinish={(v) =>
        run(async () => {
          await api.post<CaseLimitRow>('/api/case-limits', v);
          await qc.invalidateQueries({ queryKey: caseKeys.limits });
          ok(t('common.saved'));
          onClose();
        })
      }
      before={<Typography.Paragraph type="secondary">{t('limits.addHint')}</Typography.Paragraph>}
    >
      <Form.Item name="type" label={t('case.type')} rules={[{ required: true, message: t('form.required') }]}>
        <Select
          options={CASE_TYPE_LIST.map((x) => ({ value: x, label: t(`caseType.${x}`) }))}
          onChange={() => form.setFieldValue('category', '*')}
        />
      </Form.Item>
      <Form.Item
        name="category"
        label={t('case.category')}
        rules={[{ required: true, message: t('form.required') }]}
      >
        <Select showSearch={{ optionFilterProp: 'label' }} options={categoryOptions} />
      </Form.Item>
      <Space size={8} wrap align="start">
        <Form.Item name="urgency" label={t('case.urgency')}>
          <Select
            style={{ width: 120 }}
            options={(['*', 'normal', 'urgent'] as Urgency[]).map((u) => ({
              value: u,
              label: u === '*' ? t('common.all') : t(`urgency.${u}`),
            }))}
          />
        </Form.Item>
        <Form.Item name="stage" label={t('limits.stage')}>
          <Select
            style={{ width: 140 }}
            options={STAGES.map((s) => ({ value: s, label: t(`stage.${s}`) }))}
          />
        </Form.Item>
      </Space>
      <Space size={8} wrap align="start">
        <Form.Item
          name="amount"
          label={t('limits.amount')}
          rules={[
            { required: true, message: t('form.required') },
            { type: 'number', min: 1, max: 100000, message: t('form.range', { min: 1, max: 100000 }) },
          ]}
        >
          <InputNumber min={1} max={100000} precision={0} style={{ width: 120 }} />
        </Form.Item>
        <Form.Item name="unit" label={t('limits.unit')}>
          <Select style={{ width: 140 }} options={codes.options(LIMIT_UNITS)} />
        </Form.Item>
      </Space>
    </FormModal>
  );
}

function DefaultsCard() {
  const t = useT();
  const codes = useCaseCodes();
  const mobile = useIsMobile();
  const [type, setType] = useState<CaseType>('event');
  const tree = CATEGORY_TREES[type];
  const groups = tree.filter((c) => c.parent === null);
  const rows = groups.flatMap((g) => [
    { key: g.code, code: g.code, name: g[codes.lang], group: true, limit: handleLimitOf(tree, g.code) },
    ...tree
      .filter((c) => c.parent === g.code)
      .map((c) => ({
        key: c.code,
        code: c.code,
        name: c[codes.lang],
        group: false,
        limit: handleLimitOf(tree, c.code),
      })),
  ]);
  return (
    <Card
      size="small"
      title={t('limits.defaults')}
      extra={
        <Segmented
          size="small"
          value={type}
          onChange={(v) => setType(v as CaseType)}
          options={CASE_TYPE_LIST.map((x) => ({ value: x, label: t(`caseType.${x}`) }))}
        />
      }
    >
      <Typography.Paragraph type="secondary">{t('limits.defaultsHint')}</Typography.Paragraph>
      <Table
        size="small"
        rowKey="key"
        dataSource={rows}
        pagination={false}
        scroll={{ y: mobile ? 360 : 480 }}
        data-testid="limits-defaults"
        columns={[
          {
            title: t('case.category'),
            key: 'name',
            render: (_, r) =>
              r.group ? (
                <Typography.Text strong>{r.name}</Typography.Text>
              ) : (
                <span style={{ paddingInlineStart: 16 }}>{r.name}</span>
              ),
          },
          {
            title: t('limits.handle'),
            key: 'limit',
            width: 140,
            render: (_, r) => (r.limit ? `${r.limit.amount} ${codes.label(LIMIT_UNITS, r.limit.unit)}` : '—'),
          },
        ]}
      />
    </Card>
  );
}

/** 办理时限: overrides of the code defaults per type, category, urgency and stage. */
export default function CaseLimitsPage() {
  const t = useT();
  const qc = useQueryClient();
  const can = useCan();
  const codes = useCaseCodes();
  const mobile = useIsMobile();
  const { modal } = App.useApp();
  const { fail, ok } = useNotify();
  const limits = useCaseLimits();
  const [adding, setAdding] = useState(false);
  const editable = can('case.configure');

  const remove = (r: CaseLimitRow) =>
    modal.confirm({
      title: t('limits.deleteConfirm'),
      okButtonProps: { danger: true },
      okText: t('common.delete'),
      onOk: async () => {
        try {
          await api.del(`/api/case-limits/${r.id}`);
          await qc.invalidateQueries({ queryKey: caseKeys.limits });
          ok(t('limits.deleted'));
        } catch (e) {
          fail(e);
        }
      },
    });

  return (
    <div style={{ maxWidth: 1100 }}>
      <PageHeader
        title={t('nav.caseLimits')}
        extra={
          editable ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setAdding(true)}
              data-testid="limit-add"
            >
              {t('limits.add')}
            </Button>
          ) : null
        }
      />
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <CaseRulesCard editable={editable} />
        <Card size="small" title={t('limits.overrides')} styles={{ body: { padding: 0 } }}>
          {limits.error && !limits.data ? (
            <div style={{ padding: 12 }}>
              <ErrorState error={limits.error} onRetry={() => void limits.refetch()} compact />
            </div>
          ) : (
            <Table<CaseLimitRow>
              size={mobile ? 'small' : 'middle'}
              rowKey="id"
              loading={limits.isPending}
              dataSource={limits.data ?? []}
              pagination={false}
              scroll={{ x: 'max-content' }}
              data-testid="limits-table"
              locale={{ emptyText: emptyText(t('limits.empty')) }}
              columns={[
                {
                  title: t('case.type'),
                  dataIndex: 'type',
                  render: (v: CaseType) => <CaseTypeTag type={v} />,
                },
                {
                  title: t('case.category'),
                  dataIndex: 'category',
                  render: (v: string, r) =>
                    v === '*' ? <Tag>{t('limits.allCategories')}</Tag> : codes.category(r.type, v),
                },
                {
                  title: t('case.urgency'),
                  dataIndex: 'urgency',
                  render: (v: Urgency) => (v === '*' ? t('common.all') : t(`urgency.${v}`)),
                },
                {
                  title: t('limits.stage'),
                  dataIndex: 'stage',
                  render: (v: CaseLimit['stage']) => t(`stage.${v}`),
                },
                {
                  title: t('limits.limit'),
                  key: 'limit',
                  render: (_, r) => `${r.amount} ${codes.label(LIMIT_UNITS, r.unit)}`,
                },
                ...(editable
                  ? [
                      {
                        title: t('common.actions'),
                        key: 'actions',
                        render: (_: unknown, r: CaseLimitRow) => (
                          <Button
                            type="text"
                            danger
                            size="small"
                            icon={<DeleteOutlined />}
                            onClick={() => remove(r)}
                            aria-label={t('common.delete')}
                          />
                        ),
                      },
                    ]
                  : []),
              ]}
            />
          )}
        </Card>
        <DefaultsCard />
      </Space>
      <LimitModal open={adding} onClose={() => setAdding(false)} />
    </div>
  );
}
