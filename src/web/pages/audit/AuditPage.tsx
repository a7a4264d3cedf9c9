import { CheckCircleOutlined, CloseCircleOutlined, SafetyOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  DatePicker,
  Descriptions,
  Drawer,
  Input,
  Modal,
  Select,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { type ReactElement, useEffect, useMemo, useRef, useState } from 'react';
import type { AuditEntry } from '../../../contract/audit.js';
import { AUDIT_ACTIONS } from '../../../contract/audit-words.js';
import type { Page } from '../../../contract/common.js';
import { api } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { useI18n } from '../../app/i18n.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { chinaDayEnd, chinaDayStart, fmtTime } from '../../app/time.js';
import { PageHeader, useDebounced, useIsMobile, useNotify } from '../../app/ui.js';

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
const time = (v: string) => fmtTime(v, 'YYYY-MM-DD HH:mm:ss');

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
  const { fail } = useNotify();
  const lp = useLedgerParams();
  const { sp, update } = lp;
  const [verifying, setVerifying] = useState(false);
  const [verify, setVerify] = useState<VerifyResult | null>(null);
  const [open, setOpen] = useState<AuditEntry | null>(null);
  const [actorText, setActorText] = useState(sp.get('actor') ?? '');
  const [search, setSearch] = useState(sp.get('q') ?? '');
  const typed = useDebounced(search, 400);
  const lastTyped = useRef(typed);
  useEffect(() => {
    // The search box asks the server once typing pauses.
    if (typed === lastTyped.current) return;
    lastTyped.current = typed;
    update({ q: typed.trim() || undefined });
  }, [typed, update]);

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

  const day = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);
  const fromDay = day(sp.get('from'));
  const toDay = day(sp.get('to'));
  const success = sp.get('success');
  const filters = {
    actor: sp.get('actor')?.trim() || undefined,
    action: sp.get('action') || undefined,
    q: sp.get('q')?.trim() || undefined,
    success: success === 'true' || success === 'false' ? success : undefined,
    from: fromDay ? chinaDayStart(fromDay) : undefined,
    to: toDay ? chinaDayEnd(toDay) : undefined,
    sort: lp.sort,
  };
  const fetchPage = (page: number, pageSize: number, signal?: AbortSignal) =>
    api.get<Page<AuditEntry>>('/api/audit', { ...filters, page, pageSize }, { signal });
  const list = useQuery({
    queryKey: ['audit', lang, filters, lp.page, lp.pageSize],
    queryFn: ({ signal }) => fetchPage(lp.page, lp.pageSize, signal),
    placeholderData: (prev) => prev,
  });
  const activeFilters = [filters.actor, filters.action, filters.success, fromDay].filter(Boolean).length;

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

  const filterControls: ReactElement[] = [
    <Input.Search
      key="actor"
      allowClear
      value={actorText}
      onChange={(e) => {
        setActorText(e.target.value);
        if (!e.target.value) update({ actor: undefined });
      }}
      onSearch={(v) => update({ actor: v.trim() || undefined })}
      placeholder={t('words.auditActorPlaceholder')}
      style={{ width: mobile ? '100%' : 200 }}
      data-testid="audit-actor"
    />,
    <Select
      key="action"
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      value={filters.action}
      onChange={(v) => update({ action: v })}
      placeholder={t('words.auditActionPlaceholder')}
      options={actionOptions}
      style={{ width: mobile ? '100%' : 220 }}
      popupMatchSelectWidth={false}
      data-testid="audit-action"
    />,
    <Select
      key="success"
      allowClear
      value={filters.success}
      onChange={(v) => update({ success: v })}
      placeholder={t('audit.result')}
      options={[
        { value: 'true', label: t('audit.success') },
        { value: 'false', label: t('audit.failure') },
      ]}
      style={{ width: mobile ? '100%' : 110 }}
    />,
    <DatePicker.RangePicker
      key="range"
      inputReadOnly={mobile}
      value={fromDay && toDay ? [dayjs(fromDay), dayjs(toDay)] : null}
      onChange={(v) =>
        update({
          from: v?.[0] ? v[0].format('YYYY-MM-DD') : undefined,
          to: v?.[1] ? v[1].format('YYYY-MM-DD') : undefined,
        })
      }
      presets={
        mobile
          ? undefined
          : [
              { label: t('audit.today'), value: [dayjs().startOf('day'), dayjs()] },
              { label: t('audit.last7'), value: [dayjs().subtract(6, 'day'), dayjs()] },
              { label: t('audit.last30'), value: [dayjs().subtract(29, 'day'), dayjs()] },
            ]
      }
      style={{ width: mobile ? '100%' : 250 }}
    />,
  ];

  const columns: LedgerColumn<AuditEntry>[] = [
    { key: 'at', title: t('audit.time'), sort: 'at', width: 170, text: (e) => time(e.at) },
    {
      key: 'sentence',
      title: t('words.auditWhat'),
      render: (e) => (
        <span style={SENTENCE_STYLE} data-testid="audit-sentence">
          {e.sentence}
        </span>
      ),
      text: (e) => e.sentence,
    },
    {
      key: 'actionLabel',
      title: t('audit.action'),
      width: 150,
      render: (e) => <Tag style={{ marginInlineEnd: 0 }}>{e.actionLabel}</Tag>,
      text: (e) => e.actionLabel,
    },
    { key: 'actorLabel', title: t('audit.actor'), width: 130, ellipsis: true },
    {
      key: 'success',
      title: t('audit.result'),
      width: 90,
      render: (e) => <Result ok={e.success} />,
      text: (e) => (e.success ? t('audit.success') : t('audit.failure')),
    },
    { key: 'ip', title: t('audit.ip'), width: 140, hidden: true, text: (e) => e.ip ?? '—' },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.audit')}
        extra={
          can('audit.verify') ? (
            <Button
              icon={<SafetyOutlined />}
              loading={verifying}
              onClick={runVerify}
              data-testid="audit-verify"
            >
              {t('audit.verify')}
            </Button>
          ) : null
        }
      />
      <Ledger<AuditEntry>
        id="audit"
        title={t('nav.audit')}
        params={lp}
        query={list}
        columns={columns}
        rowKey={(e) => e.id}
        onOpen={setOpen}
        testId="audit-table"
        rowTestId={(e) => `audit-row-${e.id}`}
        filtersTestId="audit-filters"
        emptyText={activeFilters > 0 || filters.q ? t('audit.emptyFiltered') : t('audit.empty')}
        search={{
          value: search,
          onChange: setSearch,
          placeholder: t('words.auditSearchPlaceholder'),
          testId: 'audit-search',
        }}
        filters={filterControls}
        activeFilters={activeFilters}
        onReset={() => {
          setActorText('');
          setSearch('');
          update({
            actor: undefined,
            action: undefined,
            success: undefined,
            from: undefined,
            to: undefined,
            q: undefined,
          });
        }}
        exportTo={{
          path: '/api/audit/export',
          body: { ...filters, sort: undefined },
          fileName: 'audit.xlsx',
        }}
        print={{ landscape: true, fetchAll: (size, p) => fetchPage(p, size) }}
        card={{
          title: (e) => (
            <span style={SENTENCE_STYLE} data-testid="audit-sentence">
              {e.sentence}
            </span>
          ),
          fields: ['at', 'actorLabel', 'success'],
        }}
      />

      <Drawer
        open={open !== null}
        onClose={() => setOpen(null)}
        title={open ? time(open.at) : ''}
        size={mobile ? '100%' : 640}
        data-testid="audit-entry"
      >
        {open ? (
          <>
            <Typography.Paragraph style={{ ...SENTENCE_STYLE, fontSize: 15 }} strong>
              {open.sentence}
            </Typography.Paragraph>
            <div style={{ marginBottom: 12 }}>
              <Tag>{open.actionLabel}</Tag>
              <Result ok={open.success} />
            </div>
            <EntryDetail entry={open} />
          </>
        ) : null}
      </Drawer>

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
