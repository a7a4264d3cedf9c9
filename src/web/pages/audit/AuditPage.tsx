import {
  CheckCircleOutlined,
  CloseCircleOutlined,
  DownloadOutlined,
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
  Pagination,
  Row,
  Select,
  Skeleton,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import type { AuditEntry } from '../../../contract/audit.js';
import { AUDIT_ACTIONS } from '../../../contract/audit-words.js';
import type { Page } from '../../../contract/common.js';
import { api, download } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { useI18n } from '../../app/i18n.js';
import { ErrorState, emptyText, PageHeader, RowList, useIsMobile, useNotify } from '../../app/ui.js';

interface Filters {
  actor?: string;
  action?: string;
  q?: string;
  success?: 'true' | 'false';
  range?: [Dayjs | null, Dayjs | null] | null;
}

interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBrokenSeq: number | null;
  reason: string | null;
}

/** The groups of the action filter: an action's code begins with its group. */
const GROUPS = [
  'auth',
  'area',
  'user',
  'role',
  'setting',
  'person',
  'household',
  'house',
  'org',
  'case',
  'calendar',
  'open311_key',
  'visit',
  'patrol',
  'dashboard',
  'audit',
  'system',
] as const;
type Group = (typeof GROUPS)[number];
const groupOf = (code: string): Group => {
  const head = code.split('.')[0]!;
  if (head === 'case_limit') return 'case';
  if (head === 'visit_rule' || head === 'visit_pair') return 'visit';
  return (GROUPS as readonly string[]).includes(head) ? (head as Group) : 'system';
};

const VALUE_STYLE = { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' } as const;
const SENTENCE_STYLE = { overflowWrap: 'anywhere', lineHeight: 1.6 } as const;
const CARD_BUTTON = {
  all: 'unset',
  display: 'block',
  width: '100%',
  boxSizing: 'border-box',
  cursor: 'pointer',
} as const;
const time = (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm:ss');

function Result({ ok }: { ok: boolean }) {
  const { t } = useI18n();
  return ok ? (
    <Tag color="success" icon={<CheckCircleOutlined />}>
      {t('audit.success')}
    </Tag>
  ) : (
    <Tag color="error" icon={<CloseCircleOutlined />}>
      {t('audit.failure')}
    </Tag>
  );
}

/** An entry's changes and detail as labelled fields, and where it came from. */
function EntryDetail({ entry }: { entry: AuditEntry }) {
  const { t } = useI18n();
  const changes = entry.fields.filter((f) => f.value === null);
  const details = entry.fields.filter((f) => f.value !== null);
  return (
    <div
      style={{ display: 'flex', flexDirection: 'column', gap: 12, maxWidth: 'calc(100vw - 48px)' }}
      data-testid="audit-detail"
    >
      {changes.length > 0 ? (
        <Table
          size="small"
          rowKey="key"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={changes}
          columns={[
            { title: t('audit.field'), dataIndex: 'label' },
            {
              title: t('audit.before'),
              dataIndex: 'before',
              render: (v: string | null) => <span style={VALUE_STYLE}>{v ?? '—'}</span>,
            },
            {
              title: t('audit.after'),
              dataIndex: 'after',
              render: (v: string | null) => <span style={VALUE_STYLE}>{v ?? '—'}</span>,
            },
          ]}
        />
      ) : null}
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2, md: 3 }}
        items={[
          ...details.map((f) => ({
            key: f.key,
            label: f.label,
            children: <span style={VALUE_STYLE}>{f.value}</span>,
          })),
          { key: 'ip', label: t('audit.ip'), children: entry.ip ?? '—' },
          ...(entry.actorName && entry.actorName !== entry.actorLabel
            ? [{ key: 'username', label: t('words.auditUsername'), children: entry.actorName }]
            : []),
          {
            key: 'rid',
            label: t('audit.requestId'),
            children: entry.requestId ? (
              <Typography.Text copyable style={{ fontSize: 12 }}>
                {entry.requestId}
              </Typography.Text>
            ) : (
              '—'
            ),
          },
          { key: 'seq', label: t('audit.seq'), children: entry.seq },
        ]}
      />
      {changes.length === 0 && details.length === 0 ? (
        <Typography.Text type="secondary">{t('audit.noChanges')}</Typography.Text>
      ) : null}
    </div>
  );
}

export default function AuditPage() {
  const { t, lang } = useI18n();
  const can = useCan();
  const mobile = useIsMobile();
  const { fail, ok } = useNotify();
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [verifying, setVerifying] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [verify, setVerify] = useState<VerifyResult | null>(null);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [open, setOpen] = useState<number | null>(null);

  const zh = lang === 'zh-CN';
  const actionOptions = useMemo(
    () =>
      GROUPS.map((g) => ({
        label: t(`words.auditGroup.${g}`),
        title: g,
        options: Object.entries(AUDIT_ACTIONS)
          .filter(([code]) => groupOf(code) === g)
          .map(([code, w]) => ({ value: code, label: zh ? w.zh : w.en })),
      })).filter((g) => g.options.length > 0),
    [t, zh],
  );

  const query = {
    actor: filters.actor?.trim() || undefined,
    action: filters.action || undefined,
    q: filters.q?.trim() || undefined,
    success: filters.success,
    from: filters.range?.[0]?.startOf('day').toISOString(),
    to: filters.range?.[1]?.endOf('day').toISOString(),
  };
  const params = { ...query, page, pageSize };
  const list = useQuery({
    queryKey: ['audit', lang, params],
    queryFn: ({ signal }) => api.get<Page<AuditEntry>>('/api/audit', params, { signal }),
    placeholderData: (prev) => prev,
  });
  const activeFilters = Object.values(query).filter((v) => v !== undefined).length - (query.to ? 1 : 0);
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
  const runExport = async () => {
    setExporting(true);
    try {
      await download('/api/audit/export', query, 'audit.xlsx');
      ok(t('words.auditExported'));
    } catch (e) {
      fail(e);
    } finally {
      setExporting(false);
    }
  };

  const pagination = {
    current: page,
    pageSize,
    total: list.data?.total ?? 0,
    showSizeChanger: !mobile,
    size: mobile ? ('small' as const) : undefined,
    showTotal: (n: number) => t('common.total', { n }),
    onChange: (p: number, s: number) => {
      setPage(p);
      setPageSize(s);
    },
  };

  const items = list.data?.items ?? [];
  const empty = emptyText(filtered ? t('audit.emptyFiltered') : t('audit.empty'));

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
            <Button
              icon={<DownloadOutlined />}
              loading={exporting}
              onClick={runExport}
              disabled={!list.data || list.data.total === 0}
              data-testid="audit-export"
            >
              {t('words.auditExport')}
            </Button>
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
          <Col xs={24} sm={12} lg={5}>
            <Form.Item name="actor" label={t('audit.actor')}>
              <Input allowClear placeholder={t('words.auditActorPlaceholder')} data-testid="audit-actor" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12} lg={5}>
            <Form.Item name="action" label={t('audit.action')}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={t('words.auditActionPlaceholder')}
                options={actionOptions}
                data-testid="audit-action"
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12} lg={5}>
            <Form.Item name="q" label={t('words.auditSearch')}>
              <Input allowClear placeholder={t('words.auditSearchPlaceholder')} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12} lg={3}>
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
          <Col xs={24} sm={12} lg={6}>
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
          <Col xs={24} style={{ display: 'flex', gap: 8, paddingBottom: 16 }}>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="audit-search">
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
      ) : mobile ? (
        list.isPending ? (
          <Skeleton active paragraph={{ rows: 6 }} />
        ) : items.length === 0 ? (
          empty
        ) : (
          <div data-testid="audit-list">
            <RowList
              items={items}
              rowKey={(e) => e.id}
              render={(e) => (
                <div>
                  <button
                    type="button"
                    onClick={() => setOpen(open === e.id ? null : e.id)}
                    aria-expanded={open === e.id}
                    style={CARD_BUTTON}
                  >
                    <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {time(e.at)}
                      </Typography.Text>
                      {e.success ? null : <Result ok={false} />}
                    </div>
                    <div style={SENTENCE_STYLE} data-testid="audit-sentence">
                      {e.sentence}
                    </div>
                  </button>
                  {open === e.id ? <EntryDetail entry={e} /> : null}
                </div>
              )}
            />
            <Pagination {...pagination} style={{ marginTop: 12, textAlign: 'center' }} simple />
          </div>
        )
      ) : (
        <Table<AuditEntry>
          rowKey="id"
          size="middle"
          loading={list.isFetching}
          dataSource={items}
          tableLayout="fixed"
          locale={{ emptyText: empty }}
          expandable={{ expandedRowRender: (e) => <EntryDetail entry={e} /> }}
          pagination={pagination}
          data-testid="audit-table"
          columns={[
            {
              title: t('audit.time'),
              dataIndex: 'at',
              width: 170,
              render: (v: string) => <span style={{ whiteSpace: 'nowrap' }}>{time(v)}</span>,
            },
            {
              title: t('words.auditWhat'),
              key: 'sentence',
              render: (_, e) => (
                <span style={SENTENCE_STYLE} data-testid="audit-sentence">
                  {e.sentence}
                </span>
              ),
            },
            {
              title: t('audit.action'),
              dataIndex: 'actionLabel',
              width: 150,
              render: (v: string) => <Tag style={{ marginInlineEnd: 0 }}>{v}</Tag>,
            },
            { title: t('audit.actor'), dataIndex: 'actorLabel', width: 130, ellipsis: true },
            {
              title: t('audit.result'),
              dataIndex: 'success',
              width: 90,
              render: (v: boolean) => <Result ok={v} />,
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
