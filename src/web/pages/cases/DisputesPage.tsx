import { PrinterOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Cascader, Col, Row, Select, Skeleton, Typography } from 'antd';
import { type ReactElement, useState } from 'react';
import { useNavigate } from 'react-router';
import { DISPUTE_OUTCOMES, DISPUTE_SCALES } from '../../../contract/case-codes.js';
import { CASE_STATES } from '../../../contract/cases.js';
import { useCan } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { fmtTime } from '../../app/time.js';
import { ErrorState, PageHeader, useDebounced, useIsMobile } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { useArea } from '../areas/queries.js';
import { CaseCard, ReportButton } from './CasesPage.js';
import { FigureCard } from './IndicatorsPage.js';
import { type Period, PeriodPicker, readPeriod } from './period.js';
import { CaseSheets } from './print.js';
import { type CaseListItem, type CaseState, fetchCases, useCases, useIndicators } from './queries.js';
import { CaseStateTag, DeadlineTag, useCaseCodes, useNow } from './shared.js';

/** Ledger columns the list may carry for disputes (shown when the server sends them). */
type DisputeRow = CaseListItem & { scale?: string | null; partyCount?: number | null };

const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);
const LEDGER_FIGURES = ['reported', 'mediationRate', 'successRate', 'closureRate'];

/** 矛盾纠纷台账: the disputes of the period with their mediation figures (调处率, 成功率). */
export default function DisputesPage() {
  const t = useT();
  const can = useCan();
  const codes = useCaseCodes();
  const navigate = useNavigate();
  const mobile = useIsMobile();
  const now = useNow();
  const params = useLedgerParams();
  const { sp, page, pageSize, sort, update } = params;
  const [search, setSearch] = useState(sp.get('q') ?? '');
  const q = useDebounced(search.trim(), 300);
  const state = (sp.get('state') as CaseState | null) ?? undefined;
  const category = sp.get('category') ?? undefined;
  const areaId = num(sp.get('areaId'));
  const area = useArea(areaId ?? null);
  const period = readPeriod(sp, 'year');
  const [sheets, setSheets] = useState<{ ids: number[]; form: 'sheet' | 'agreement' } | null>(null);

  const filters = {
    type: 'dispute' as const,
    box: 'all' as const,
    state,
    category,
    areaId,
    from: period.from,
    to: period.to,
    q: q || undefined,
    sort,
  };
  const list = useCases({ ...filters, page, pageSize });
  const figures = useIndicators({ type: 'dispute', areaId, from: period.from, to: period.to });

  const setPeriod = (p: Period) =>
    update(
      p.kind === 'custom'
        ? { period: 'custom', from: p.from, to: p.to }
        : { period: p.kind === 'year' ? undefined : p.kind, from: undefined, to: undefined },
    );

  const items = (list.data?.items ?? []) as DisputeRow[];
  const hasScale = items.some((c) => c.scale !== undefined);
  const hasParties = items.some((c) => c.partyCount !== undefined);
  const activeFilters = [state, category, areaId].filter(Boolean).length;
  const filtered = activeFilters > 0 || !!q;

  const filterControls: ReactElement[] = [
    <AreaTreeSelect
      key="area"
      allowClear
      value={areaId ?? null}
      onChange={(v) => update({ areaId: v ?? undefined })}
      placeholder={t('people.filterArea')}
    />,
    <Cascader
      key="category"
      changeOnSelect
      placeholder={t('report.disputeType')}
      value={codes.categoryPath('dispute', category)}
      options={codes.categoryOptions('dispute')}
      onChange={(v) => update({ category: v?.length ? String(v[v.length - 1]) : undefined })}
      showSearch
      style={{ width: mobile ? '100%' : 200 }}
    />,
    <Select
      key="state"
      allowClear
      placeholder={t('common.status')}
      value={state}
      onChange={(v) => update({ state: v })}
      options={CASE_STATES.map((s) => ({ value: s, label: t(`caseState.${s}`) }))}
      style={{ width: mobile ? '100%' : 120 }}
    />,
  ];

  const shownFigures = (figures.data?.figures ?? []).filter((f) => LEDGER_FIGURES.includes(f.key));

  const columns: LedgerColumn<DisputeRow>[] = [
    { key: 'no', title: t('case.no'), render: (c) => <span className="jy-mono">{c.no}</span> },
    {
      key: 'title',
      title: t('case.title'),
      render: (c) => (
        <Typography.Text style={{ maxWidth: 240, display: 'inline-block' }} ellipsis={{ tooltip: c.title }}>
          {c.title}
        </Typography.Text>
      ),
    },
    { key: 'categoryName', title: t('report.disputeType'), width: 140, ellipsis: true },
    ...(hasScale
      ? [
          {
            key: 'scale',
            title: t('dispute.scale'),
            text: (c: DisputeRow) => (c.scale ? codes.label(DISPUTE_SCALES, c.scale) : ''),
          },
        ]
      : []),
    ...(hasParties
      ? [
          {
            key: 'partyCount',
            title: t('dispute.partyCount'),
            text: (c: DisputeRow) => String(c.partyCount ?? ''),
          },
        ]
      : []),
    { key: 'assignee', title: t('dispute.mediator'), text: (c) => c.assignee?.name ?? '' },
    {
      key: 'state',
      title: t('common.status'),
      render: (c) => <CaseStateTag state={c.state} />,
      text: (c) => t(`caseState.${c.state}`),
    },
    {
      key: 'outcome',
      title: t('dispute.outcome'),
      text: (c) => (c.outcome ? codes.label(DISPUTE_OUTCOMES, c.outcome) : ''),
    },
    { key: 'areaName', title: t('case.area'), width: 140, ellipsis: true },
    {
      key: 'reportedAt',
      title: t('dispute.registeredAt'),
      sort: 'reportedAt',
      text: (c) => fmtTime(c.reportedAt, 'YYYY-MM-DD'),
    },
    {
      key: 'due',
      title: t('case.deadline'),
      sort: 'stageDueAt',
      render: (c) =>
        c.stageDueAt ? <DeadlineTag due={c.stageDueAt} slaLevel={c.slaLevel} now={now} /> : '—',
      text: (c) => (c.stageDueAt ? fmtTime(c.stageDueAt, 'YYYY-MM-DD HH:mm') : ''),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.disputes')}
        extra={can('dispute.report') ? <ReportButton type="dispute" /> : null}
      />
      <div style={{ marginBottom: 12 }}>
        <PeriodPicker value={period} onChange={setPeriod} />
      </div>
      {figures.error && !figures.data ? (
        <div style={{ marginBottom: 12 }}>
          <ErrorState error={figures.error} onRetry={() => void figures.refetch()} compact />
        </div>
      ) : figures.isPending ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : (
        <Row gutter={[12, 12]} style={{ marginBottom: 16 }} data-testid="dispute-figures">
          {shownFigures.map((f) => (
            <Col key={f.key} xs={12} md={6}>
              <FigureCard f={f} />
            </Col>
          ))}
        </Row>
      )}
      <Ledger<DisputeRow>
        id="disputes"
        title={`${t('nav.disputes')}（${period.from} — ${period.to}）`}
        params={params}
        query={list}
        columns={columns}
        rowKey={(c) => c.id}
        onOpen={(c) => navigate(`/cases/${c.id}`)}
        rowClassName={(c) => (c.slaLevel > 0 ? `jy-sla-${c.slaLevel}` : '')}
        rowTestId={(c) => `dispute-row-${c.id}`}
        testId="disputes-table"
        emptyText={filtered ? t('case.emptyFiltered') : t('dispute.empty')}
        search={{
          value: search,
          onChange: (v) => {
            setSearch(v);
            update({ q: v.trim() || undefined });
          },
          placeholder: t('case.searchPlaceholder'),
          testId: 'disputes-search',
        }}
        filters={filterControls}
        importSlot={
          can('dispute.report') ? (
            <Button
              icon={<UploadOutlined />}
              onClick={() => navigate('/disputes/import')}
              data-testid="disputes-import"
            >
              {t('sheets.import')}
            </Button>
          ) : null
        }
        activeFilters={activeFilters}
        onReset={() => update({ state: undefined, category: undefined, areaId: undefined })}
        exportTo={{ path: '/api/cases/export', body: filters, fileName: 'disputes.xlsx' }}
        print={{
          area: area.data?.name,
          fetchAll: (size, p) => fetchCases({ ...filters, page: p, pageSize: size }),
        }}
        batch={(rows) => (
          <>
            <Button
              size="small"
              icon={<PrinterOutlined />}
              onClick={() => setSheets({ ids: rows.map((r) => r.id), form: 'sheet' })}
            >
              {t('ledger.case.printSheets')}
            </Button>
            <Button
              size="small"
              icon={<PrinterOutlined />}
              onClick={() => setSheets({ ids: rows.map((r) => r.id), form: 'agreement' })}
              data-testid="disputes-batch-agreements"
            >
              {t('ledger.dispute.printAgreements')}
            </Button>
          </>
        )}
        renderCard={(c) => <CaseCard c={c} showType={false} onOpen={() => navigate(`/cases/${c.id}`)} />}
      />
      {sheets ? <CaseSheets ids={sheets.ids} form={sheets.form} onClose={() => setSheets(null)} /> : null}
    </>
  );
}
