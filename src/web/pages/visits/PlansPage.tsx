import { Button, Segmented, Select, Tag, Typography } from 'antd';
import { type ReactElement, useState } from 'react';
import { useNavigate } from 'react-router';
import { TAGS, type TagCode } from '../../../contract/tags.js';
import { useAuth } from '../../app/auth.js';
import { type TFunction, useT } from '../../app/i18n.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { PageHeader, useDebounced, useIsMobile } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { useArea } from '../areas/queries.js';
import { useCodes } from '../registry/shared.js';
import { dueState, fetchPlans, type PlanItem, type PlanStatus, usePlans, useVisitRules } from './queries.js';
import { DueTag, lastVisitText, PersonTags, PlanCard } from './shared.js';

const STATUSES: PlanStatus[] = ['overdue', 'due', 'never', 'all'];
const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

/** The due tag's words, for print. */
function dueText(t: TFunction, item: PlanItem): string {
  const s = dueState(item);
  if (s === 'overdue') return t('visit.overdueDays', { n: item.overdueDays });
  return s === 'today' ? t('visit.dueToday') : t('visit.dueInDays', { n: -item.overdueDays });
}

/** "走访计划": who is due or overdue in an area (supervisors; opened from the statistics). */
export default function PlansPage() {
  const t = useT();
  const { can } = useAuth();
  const codes = useCodes();
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const lp = useLedgerParams();
  const { sp, update } = lp;
  const [search, setSearch] = useState(sp.get('q') ?? '');
  const q = useDebounced(search.trim(), 300);
  const statusParam = sp.get('status') as PlanStatus | null;
  const filters = {
    areaId: num(sp.get('areaId')),
    ruleId: num(sp.get('ruleId')),
    status: statusParam && STATUSES.includes(statusParam) ? statusParam : ('overdue' as PlanStatus),
    q: q || undefined,
  };
  const list = usePlans({ ...filters, page: lp.page, pageSize: lp.pageSize });
  const rules = useVisitRules(undefined, can('visit.manage') || can('visit.read'));
  const area = useArea(filters.areaId ?? null);

  const record = (i: PlanItem) =>
    navigate(`/visits/new?personId=${i.personId}&ruleId=${i.ruleId}&planId=${i.planId}`);
  const history = (i: PlanItem) => navigate(`/visits?personId=${i.personId}`);
  const open = (i: PlanItem) => (can('visit.record') ? record(i) : history(i));

  const filterControls: ReactElement[] = [
    <AreaTreeSelect
      key="area"
      allowClear
      value={filters.areaId ?? null}
      onChange={(v) => update({ areaId: v ?? undefined })}
      placeholder={t('visit.area')}
      data-testid="plans-area"
    />,
    ...(rules.data && rules.data.length > 0
      ? [
          <Select
            key="rule"
            allowClear
            placeholder={t('visit.rule')}
            value={filters.ruleId}
            onChange={(v) => update({ ruleId: v })}
            options={rules.data.map((r) => ({ value: r.id, label: r.name }))}
            style={{ width: mobile ? '100%' : 200 }}
          />,
        ]
      : []),
  ];

  const columns: LedgerColumn<PlanItem>[] = [
    {
      key: 'person',
      title: t('visit.person'),
      text: (i) => (i.age !== null ? `${i.personName}（${t('visit.age', { n: i.age })}）` : i.personName),
      render: (i) => (
        <div style={{ minWidth: 120 }}>
          <Typography.Text strong>{i.personName}</Typography.Text>
          {i.age !== null ? <span className="jy-plan-age">{t('visit.age', { n: i.age })}</span> : null}
          <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{i.address}</div>
        </div>
      ),
    },
    { key: 'address', title: t('ledger.plan.address'), hidden: true },
    {
      key: 'tags',
      title: t('visit.tags'),
      render: (i) => <PersonTags tags={i.tags} />,
      text: (i) => i.tags.map((c) => (c in TAGS ? codes.tag(c as TagCode) : c)).join('、'),
    },
    {
      key: 'rule',
      title: t('visit.rule'),
      text: (i) => `${i.ruleName}${i.mustVisit ? `（${t('visit.mustVisit')}）` : ''}`,
      render: (i) => (
        <span>
          {i.ruleName}
          {i.mustVisit ? (
            <Tag color="red" bordered={false} style={{ marginInlineStart: 4 }}>
              {t('visit.mustVisit')}
            </Tag>
          ) : null}
        </span>
      ),
    },
    { key: 'due', title: t('visit.due'), render: (i) => <DueTag item={i} />, text: (i) => dueText(t, i) },
    { key: 'last', title: t('visit.last'), text: (i) => lastVisitText(t, i) },
    { key: 'visitor', title: t('visit.visitor'), text: (i) => i.visitor?.name ?? '' },
    {
      key: 'actions',
      title: t('common.actions'),
      noPrint: true,
      render: (i) => (
        <span style={{ whiteSpace: 'nowrap' }}>
          <Button
            type="link"
            size="small"
            onClick={(e) => {
              e.stopPropagation();
              history(i);
            }}
          >
            {t('plans.history')}
          </Button>
          {can('visit.record') ? (
            <Button
              type="link"
              size="small"
              onClick={(e) => {
                e.stopPropagation();
                record(i);
              }}
            >
              {t('visit.record')}
            </Button>
          ) : null}
        </span>
      ),
    },
  ];

  return (
    <>
      <PageHeader title={t('plans.title')} />
      <div style={{ marginBottom: 8, overflowX: 'auto' }}>
        <Segmented
          value={filters.status}
          onChange={(v) => update({ status: v === 'overdue' ? undefined : String(v) })}
          options={STATUSES.map((s) => ({ value: s, label: t(`plans.status.${s}`) }))}
          data-testid="plans-status"
        />
      </div>
      <Ledger<PlanItem>
        id="visit-plans"
        title={`${t('plans.title')} · ${t(`plans.status.${filters.status}`)}`}
        params={lp}
        query={list}
        columns={columns}
        rowKey={(i) => i.planId}
        rowTestId={(i) => `plan-row-${i.planId}`}
        testId="plans-table"
        emptyText={t(`plans.empty.${filters.status}`)}
        search={{
          value: search,
          onChange: (v) => {
            setSearch(v);
            update({ q: v.trim() || undefined });
          },
          placeholder: t('visit.searchPlaceholder'),
          testId: 'plans-search',
        }}
        filters={filterControls}
        activeFilters={[filters.areaId, filters.ruleId].filter(Boolean).length}
        onReset={() => update({ areaId: undefined, ruleId: undefined })}
        exportTo={{ path: '/api/visits/plans/export', body: filters, fileName: 'visit-plans.xlsx' }}
        print={{
          area: area.data?.name,
          fetchAll: (size, p) => fetchPlans({ ...filters, page: p, pageSize: size }),
        }}
        renderCard={(i) => <PlanCard item={i} onOpen={() => open(i)} />}
      />
    </>
  );
}
