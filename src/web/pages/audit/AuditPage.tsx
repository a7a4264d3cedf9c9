import {
  CheckCircleOutlined,
  CloseCircleOutlined,
  FilterOutlined,
  SafetyOutlined,
  SearchOutlined,
} from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Col,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Modal,
  Row,
  Select,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import type { AuditEntry } from '../../../contract/audit.js';
import type { Page } from '../../../contract/common.js';
import { api } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { ErrorState, emptyText, PageHeader, useIsMobile, useNotify } from '../../app/ui.js';

interface Filters {
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  success?: 'true' | 'false';
  range?: [Dayjs | null, Dayjs | null] | null;
}

interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBrokenSeq: number | null;
  reason: string | null;
}

function json(v: unknown): string {
  if (v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}

function EntryDetail({ entry }: { entry: AuditEntry }) {
  const t = useT();
  const changes = Object.entries(entry.changes ?? {});
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12, maxWidth: 'calc(100vw - 48px)' }}>
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2, md: 3 }}
        items={[
          { key: 'seq', label: t('audit.seq'), children: entry.seq },
          {
            key: 'rid',
            label: t('audit.requestId'),
            children: entry.requestId ? <Typography.Text copyable>{entry.requestId}</Typography.Text> : '—',
          },
          { key: 'actorId', label: t('audit.actorId'), children: entry.actorId ?? '—' },
        ]}
      />
      {changes.length > 0 ? (
        <Table
          size="small"
          rowKey={([field]) => field}
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={changes}
          columns={[
            {
              title: t('audit.field'),
              key: 'f',
              render: (_, [field]) => <Typography.Text code>{field}</Typography.Text>,
            },
            {
              title: t('audit.before'),
              key: 'b',
              render: (_, [, c]) => <pre className="jy-json">{json(c.before)}</pre>,
            },
            {
              title: t('audit.after'),
              key: 'a',
              render: (_, [, c]) => <pre className="jy-json">{json(c.after)}</pre>,
            },
          ]}
        />
      ) : (
        <Typography.Text type="secondary">{t('audit.noChanges')}</Typography.Text>
      )}
      {entry.detail ? (
        <div>
          <Typography.Text strong>{t('audit.detail')}</Typography.Text>
          <pre className="jy-json">{JSON.stringify(entry.detail, null, 2)}</pre>
        </div>
      ) : null}
    </div>
  );
}

export default function AuditPage() {
  const t = useT();
  const can = useCan();
  const mobile = useIsMobile();
  const { fail } = useNotify();
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [verifying, setVerifying] = useState(false);
  const [verify, setVerify] = useState<VerifyResult | null>(null);
  const [filtersOpen, setFiltersOpen] = useState(false);

  const params = {
    actor: filters.actor?.trim() || undefined,
    action: filters.action?.trim() || undefined,
    entityType: filters.entityType?.trim() || undefined,
    entityId: filters.entityId?.trim() || undefined,
    success: filters.success,
    from: filters.range?.[0]?.startOf('day').toISOString(),
    to: filters.range?.[1]?.endOf('day').toISOString(),
    page,
    pageSize,
  };
  const list = useQuery({
    queryKey: ['audit', params],
    queryFn: ({ signal }) => api.get<Page<AuditEntry>>('/api/audit', params, { signal }),
    placeholderData: (prev) => prev,
  });
  const activeFilters = Object.values(params).filter((v) => v !== undefined).length - 2;
  const filtered = activeFilters > 0;
  const showFilters = !mobile || filtersOpen;

  const runVerify = async () => {
    setVerifying(true);
    try {
      setVerify(await api.post<VerifyResult>('/api/audit/verify'));
    } catch (e) {
      fail(e);
    } finally {
      setVerifying(false);
    }
  };

  return (
    <>
      <PageHeader
        title={t('nav.audit')}
        extra={
          <>
            {mobile ? (
              <Button
                icon={<FilterOutlined />}
                type={filtered ? 'primary' : 'default'}
                ghost={filtered}
                onClick={() => setFiltersOpen((v) => !v)}
                aria-expanded={filtersOpen}
              >
                {filtered ? t('audit.filtersOn', { n: activeFilters }) : t('audit.filters')}
              </Button>
            ) : null}
            {can('audit.verify') ? (
              <Button
                icon={<SafetyOutlined />}
                loading={verifying}
                onClick={runVerify}
                data-testid="audit-verify"
              >
                {t('audit.verify')}
              </Button>
            ) : null}
          </>
        }
      />
      <Form<Filters>
        style={showFilters ? undefined : { display: 'none' }}
        form={form}
        layout="vertical"
        onFinish={(v) => {
          setFilters(v);
          setPage(1);
          setFiltersOpen(false);
        }}
        className="jy-audit-filters"
      >
        <Row gutter={[12, 0]}>
          <Col xs={24} sm={12} lg={6}>
            <Form.Item name="actor" label={t('audit.actor')}>
              <Input allowClear placeholder={t('audit.actorPlaceholder')} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12} lg={6}>
            <Form.Item name="action" label={t('audit.action')}>
              <Input allowClear placeholder={t('audit.actionPlaceholder')} />
            </Form.Item>
          </Col>
          <Col xs={12} sm={6} lg={4}>
            <Form.Item name="entityType" label={t('audit.entityType')}>
              <Input allowClear placeholder="area" />
            </Form.Item>
          </Col>
          <Col xs={12} sm={6} lg={4}>
            <Form.Item name="entityId" label={t('audit.entityId')}>
              <Input allowClear />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12} lg={4}>
            <Form.Item name="success" label={t('audit.result')}>
              <Select
                allowClear
                placeholder={t('common.all')}
                options={[
                  { value: 'true', label: t('audit.success') },
                  { value: 'false', label: t('audit.failure') },
                ]}
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12} lg={8}>
            <Form.Item name="range" label={t('audit.range')}>
              {mobile ? (
                <DatePicker.RangePicker style={{ width: '100%' }} inputReadOnly />
              ) : (
                <DatePicker.RangePicker
                  style={{ width: '100%' }}
                  presets={[
                    { label: t('audit.today'), value: [dayjs().startOf('day'), dayjs()] },
                    { label: t('audit.last7'), value: [dayjs().subtract(6, 'day'), dayjs()] },
                    { label: t('audit.last30'), value: [dayjs().subtract(29, 'day'), dayjs()] },
                  ]}
                />
              )}
            </Form.Item>
          </Col>
          <Col xs={24} lg={16} style={{ display: 'flex', alignItems: 'flex-end', gap: 8, paddingBottom: 24 }}>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
              {t('common.search')}
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                setFilters({});
                setPage(1);
              }}
            >
              {t('common.reset')}
            </Button>
          </Col>
        </Row>
      </Form>

      {list.error && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<AuditEntry>
          rowKey="id"
          size={mobile ? 'small' : 'middle'}
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: emptyText(filtered ? t('audit.emptyFiltered') : t('audit.empty')) }}
          expandable={{ expandedRowRender: (e) => <EntryDetail entry={e} /> }}
          pagination={{
            current: page,
            pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (n) => t('common.total', { n }),
            onChange: (p, s) => {
              setPage(p);
              setPageSize(s);
            },
          }}
          columns={[
            {
              title: t('audit.time'),
              dataIndex: 'at',
              render: (v: string) => (
                <span style={{ whiteSpace: 'nowrap' }}>{dayjs(v).format('YYYY-MM-DD HH:mm:ss')}</span>
              ),
            },
            { title: t('audit.actor'), dataIndex: 'actorName', render: (v: string | null) => v ?? '—' },
            {
              title: t('audit.action'),
              dataIndex: 'action',
              render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
            },
            {
              title: t('audit.entity'),
              key: 'entity',
              render: (_, e) =>
                e.entityType ? `${e.entityType}${e.entityId ? ` #${e.entityId}` : ''}` : '—',
            },
            {
              title: t('audit.result'),
              dataIndex: 'success',
              render: (ok: boolean) =>
                ok ? (
                  <Tag color="success" icon={<CheckCircleOutlined />}>
                    {t('audit.success')}
                  </Tag>
                ) : (
                  <Tag color="error" icon={<CloseCircleOutlined />}>
                    {t('audit.failure')}
                  </Tag>
                ),
            },
            { title: t('audit.ip'), dataIndex: 'ip', render: (v: string | null) => v ?? '—' },
            {
              title: t('audit.requestId'),
              dataIndex: 'requestId',
              render: (v: string | null) =>
                v ? (
                  <Typography.Text copyable={{ text: v }} style={{ fontSize: 12 }} ellipsis>
                    {v.length > 12 ? `${v.slice(0, 12)}…` : v}
                  </Typography.Text>
                ) : (
                  '—'
                ),
            },
          ]}
        />
      )}

      <Modal
        open={verify !== null}
        title={t('audit.verifyTitle')}
        onCancel={() => setVerify(null)}
        footer={
          <Button type="primary" onClick={() => setVerify(null)}>
            {t('common.ok')}
          </Button>
        }
      >
        {verify ? (
          verify.ok ? (
            <Alert
              type="success"
              showIcon
              title={t('audit.verifyOk')}
              description={t('audit.verifyChecked', { n: verify.checked })}
              data-testid="audit-verify-result"
            />
          ) : (
            <Alert
              type="error"
              showIcon
              title={t('audit.verifyBroken', { seq: verify.firstBrokenSeq ?? '?' })}
              description={
                <>
                  <div>{t('audit.verifyChecked', { n: verify.checked })}</div>
                  {verify.reason ? <div>{verify.reason}</div> : null}
                </>
              }
              data-testid="audit-verify-result"
            />
          )
        ) : null}
      </Modal>
    </>
  );
}
