import { FilterOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Cascader,
  Col,
  Drawer,
  Input,
  Pagination,
  Row,
  Select,
  Skeleton,
  Table,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { type ReactElement, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { DISPUTE_OUTCOMES, DISPUTE_SCALES } from '../../../contract/case-codes.js';
import { CASE_STATES } from '../../../contract/cases.js';
import { useCan } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { ErrorState, emptyText, PageHeader, useDebounced, useIsMobile } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { CaseCard, ReportButton } from './CasesPage.js';
import { FigureCard } from './IndicatorsPage.js';
import { type Period, PeriodPicker, readPeriod } from './period.js';
import { type CaseListItem, type CaseState, useCases, useIndicators } from './queries.js';
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
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const now = useNow();
  const [sp, setSp] = useSearchParams();
  const [search, setSearch] = useState(sp.get('q') ?? '');
  const q = useDebounced(search.trim(), 300);
  const page = num(sp.get('page')) ?? 1;
  const pageSize = num(sp.get('pageSize')) ?? 20;
  const state = (sp.get('state') as CaseState | null) ?? undefined;
  const category = sp.get('category') ?? undefined;
  const areaId = num(sp.get('areaId'));
  const period = readPeriod(sp, 'year');
  const [filtersOpen, setFiltersOpen] = useState(false);

  const list = useCases({
    type: 'dispute',
    box: 'all',
    state,
    category,
    areaId,
    from: period.from,
    to: period.to,
    q: q || undefined,
    page,
    pageSize,
  });
  const figures = useIndicators({ type: 'dispute', areaId, from: period.from, to: period.to });

  const update = (patch: Record<string, string | number | undefined>) =>
    setSp(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) {
          if (v === undefined || v === '') next.delete(k);
          else next.set(k, String(v));
        }
        if (!('page' in patch)) next.delete('page');
        return next;
      },
      { replace: true },
    );
  const setPeriod = (p: Period) =>
    update(
      p.kind === 'custom'
        ? { period: 'custom', from: p.from, to: p.to }
        : { period: p.kind === 'year' ? undefined : p.kind, from: undefined, to: undefined },
    );

  const items = (list.data?.items ?? []) as DisputeRow[];
  const hasScale = items.some((c) => c.scale !== undefined);
  const hasParties = items.some((c) => c.partyCount !== undefined);
  const total = list.data?.total ?? 0;
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
      style={{ width: '100%' }}
    />,
    <Select
      key="state"
      allowClear
      placeholder={t('common.status')}
      value={state}
      onChange={(v) => update({ state: v })}
      options={CASE_STATES.map((s) => ({ value: s, label: t(`caseState.${s}`) }))}
      style={{ width: '100%' }}
    />,
  ];
  const WIDTHS: Record<string, number> = { area: 200, category: 200, state: 120 };

  const shownFigures = (figures.data?.figures ?? []).filter((f) => LEDGER_FIGURES.includes(f.key));

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
      <div className="jy-filter-bar">
        <Input.Search
          allowClear
          placeholder={t('case.searchPlaceholder')}
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            update({ q: e.target.value.trim() || undefined });
          }}
          style={{ width: mobile ? undefined : 260, flex: mobile ? '1 1 0' : undefined }}
          data-testid="disputes-search"
        />
        {mobile ? (
          <Button
            icon={<FilterOutlined />}
            type={activeFilters > 0 ? 'primary' : 'default'}
            ghost={activeFilters > 0}
            onClick={() => setFiltersOpen(true)}
            style={{ flex: 'none', minWidth: 0 }}
          >
            {activeFilters > 0 ? t('people.filtersOn', { n: activeFilters }) : t('people.filters')}
          </Button>
        ) : (
          filterControls.map((c) => (
            <div key={c.key} style={{ width: WIDTHS[c.key ?? ''] ?? 'auto', minWidth: 0, display: 'flex' }}>
              {c}
            </div>
          ))
        )}
      </div>
      {mobile ? (
        <Drawer
          placement="bottom"
          open={filtersOpen}
          onClose={() => setFiltersOpen(false)}
          title={t('people.filters')}
          size="auto"
          styles={{ body: { display: 'flex', flexDirection: 'column', gap: 12 } }}
          extra={
            <Button
              type="link"
              onClick={() => update({ state: undefined, category: undefined, areaId: undefined })}
            >
              {t('common.reset')}
            </Button>
          }
          footer={
            <Button type="primary" block onClick={() => setFiltersOpen(false)}>
              {t('people.showResults', { n: total })}
            </Button>
          }
        >
          {filterControls.map((c) => (
            <div key={c.key}>{c}</div>
          ))}
        </Drawer>
      ) : null}
      {list.error && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : mobile ? (
        <div data-testid="disputes-table">
          {list.isPending ? (
            <Skeleton active paragraph={{ rows: 6 }} />
          ) : items.length === 0 ? (
            emptyText(filtered ? t('case.emptyFiltered') : t('dispute.empty'))
          ) : (
            <div className="jy-case-cards" style={{ opacity: list.isFetching ? 0.6 : 1 }}>
              {items.map((c) => (
                <CaseCard key={c.id} c={c} showType={false} onOpen={() => navigate(`/cases/${c.id}`)} />
              ))}
            </div>
          )}
          {total > pageSize ? (
            <Pagination
              simple
              size="small"
              current={page}
              pageSize={pageSize}
              total={total}
              onChange={(p) => update({ page: p > 1 ? p : undefined })}
              style={{ marginTop: 12, justifyContent: 'center' }}
            />
          ) : null}
        </div>
      ) : (
        <Card size="small" styles={{ body: { padding: 0 } }}>
          <Table<DisputeRow>
            rowKey="id"
            size={mobile ? 'small' : 'middle'}
            loading={list.isFetching}
            dataSource={items}
            scroll={{ x: 'max-content' }}
            data-testid="disputes-table"
            rowClassName={(c) => (c.slaLevel > 0 ? `jy-sla-${c.slaLevel}` : '')}
            onRow={(c) => ({
              onClick: () => navigate(`/cases/${c.id}`),
              style: { cursor: 'pointer' },
              'data-testid': `dispute-row-${c.id}`,
            })}
            locale={{ emptyText: emptyText(filtered ? t('case.emptyFiltered') : t('dispute.empty')) }}
            pagination={{
              current: page,
              pageSize,
              total,
              showSizeChanger: !mobile,
              size: mobile ? 'small' : undefined,
              showTotal: () => t('common.total', { n: total }),
              onChange: (p, s) => update({ page: p > 1 ? p : undefined, pageSize: s !== 20 ? s : undefined }),
            }}
            columns={[
              {
                title: t('case.no'),
                dataIndex: 'no',
                render: (v: string) => <span className="jy-mono">{v}</span>,
              },
              {
                title: t('case.title'),
                dataIndex: 'title',
                render: (v: string) => (
                  <Typography.Text
                    style={{ maxWidth: 260, display: 'inline-block' }}
                    ellipsis={{ tooltip: v }}
                  >
                    {v}
                  </Typography.Text>
                ),
              },
              { title: t('report.disputeType'), dataIndex: 'categoryName' },
              ...(hasScale
                ? [
                    {
                      title: t('dispute.scale'),
                      dataIndex: 'scale',
                      render: (v: string | null) => codes.label(DISPUTE_SCALES, v),
                    },
                  ]
                : []),
              ...(hasParties
                ? [
                    {
                      title: t('dispute.partyCount'),
                      dataIndex: 'partyCount',
                      render: (v: number | null) => v ?? '—',
                    },
                  ]
                : []),
              {
                title: t('dispute.mediator'),
                dataIndex: 'assignee',
                render: (v: CaseListItem['assignee']) => v?.name ?? '—',
              },
              {
                title: t('common.status'),
                dataIndex: 'state',
                render: (v: CaseState) => <CaseStateTag state={v} />,
              },
              {
                title: t('dispute.outcome'),
                dataIndex: 'outcome',
                render: (v: string | null) => (v ? codes.label(DISPUTE_OUTCOMES, v) : '—'),
              },
              { title: t('case.area'), dataIndex: 'areaName' },
              {
                title: t('dispute.registeredAt'),
                dataIndex: 'reportedAt',
                render: (v: string) => (
                  <span style={{ whiteSpace: 'nowrap' }}>{dayjs(v).format('YYYY-MM-DD')}</span>
                ),
              },
              {
                title: t('case.deadline'),
                key: 'due',
                render: (_, c) =>
                  c.stageDueAt ? <DeadlineTag due={c.stageDueAt} slaLevel={c.slaLevel} now={now} /> : '—',
              },
            ]}
          />
        </Card>
      )}
    </>
  );
}
