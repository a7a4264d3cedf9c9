import { DownOutlined, EnvironmentOutlined, PlusOutlined, PrinterOutlined } from '@ant-design/icons';
import {
  Badge,
  Button,
  Cascader,
  DatePicker,
  Dropdown,
  Empty,
  Segmented,
  Select,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { type ReactElement, useState } from 'react';
import { useNavigate } from 'react-router';
import { DISPUTE_OUTCOMES } from '../../../contract/case-codes.js';
import { CASE_STATES } from '../../../contract/cases.js';
import { useCan } from '../../app/auth.js';
import { type TFunction, useT } from '../../app/i18n.js';
import { FilterTag, Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { fmtTime } from '../../app/time.js';
import { PageHeader, useDebounced, useIsMobile } from '../../app/ui.js';
import { useArea } from '../areas/queries.js';
import { CaseSheets } from './print.js';
import {
  CASE_DATE_FIELDS,
  CASE_TYPE_LIST,
  type CaseBox,
  type CaseCounts,
  type CaseDateField,
  type CaseListItem,
  type CaseState,
  type CaseType,
  canCase,
  fetchCases,
  useCaseCounts,
  useCases,
} from './queries.js';
import {
  CaseStateTag,
  CaseTypeTag,
  DeadlineTag,
  UrgencyTag,
  useCaseCodes,
  useCaseTypeName,
  useNow,
} from './shared.js';

/** Inbox tabs in the order shown; which ones a user sees depends on their permissions. */
const BOXES: CaseBox[] = ['mine', 'accept', 'dispatch', 'verify', 'overdue', 'supervised', 'reported', 'all'];

function visibleBoxes(can: (p: string) => boolean, type: CaseType | undefined): CaseBox[] {
  const read = canCase(can, 'read', type);
  return BOXES.filter((b) => {
    switch (b) {
      case 'accept':
      case 'dispatch':
        return canCase(can, 'accept', type);
      case 'verify':
        return canCase(can, 'verify', type);
      case 'supervised':
        return canCase(can, 'supervise', type);
      case 'reported':
        return canCase(can, 'report', type);
      // Whoever a case is dispatched to works it here, with or without a case permission.
      case 'mine':
        return true;
      default:
        return read;
    }
  });
}

/** Which inbox opens first when something waits there. */
const DEFAULT_ORDER: CaseBox[] = ['mine', 'accept', 'dispatch', 'verify', 'reported'];

const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);
const isType = (v: string | null): v is CaseType => !!v && (CASE_TYPE_LIST as string[]).includes(v);

/** The "上报" button: straight to the form, or a menu when the user may report several types. */
export function ReportButton({ type, block }: { type?: CaseType; block?: boolean }) {
  const t = useT();
  const can = useCan();
  const navigate = useNavigate();
  const types = CASE_TYPE_LIST.filter((x) => can(`${x}.report`));
  if (types.length === 0) return null;
  const direct = type && types.includes(type) ? type : types.length === 1 ? types[0] : undefined;
  if (direct) {
    return (
      <Button
        type="primary"
        icon={<PlusOutlined />}
        block={block}
        onClick={() => navigate(`/cases/new?type=${direct}`)}
        data-testid="case-report"
      >
        {t(`case.reportType.${direct}`)}
      </Button>
    );
  }
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: types.map((x) => ({
          key: x,
          label: <span data-testid={`case-report-${x}`}>{t(`case.reportType.${x}`)}</span>,
        })),
        onClick: ({ key }) => navigate(`/cases/new?type=${key}`),
      }}
    >
      <Button type="primary" icon={<PlusOutlined />} block={block} data-testid="case-report">
        {t('case.report')} <DownOutlined />
      </Button>
    </Dropdown>
  );
}

export function CaseCard({
  c,
  showType,
  onOpen,
}: {
  c: CaseListItem;
  showType: boolean;
  onOpen: () => void;
}) {
  const t = useT();
  const codes = useCaseCodes();
  const now = useNow();
  return (
    <button
      type="button"
      className={`jy-case-card sla-${c.slaLevel}`}
      onClick={onOpen}
      data-testid={`case-row-${c.id}`}
    >
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, alignItems: 'center' }}>
        <span className="jy-mono" style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>
          {c.no}
        </span>
        <span style={{ display: 'inline-flex', gap: 4 }}>
          {showType ? <CaseTypeTag type={c.type} /> : null}
          <UrgencyTag urgency={c.urgency} hideNormal />
          <CaseStateTag state={c.state} type={c.type} />
        </span>
      </div>
      <div className="jy-case-card-title">{c.title}</div>
      <div className="jy-case-card-meta">
        <span>{c.categoryName}</span>
        <span>{c.areaName}</span>
        <span>{fmtTime(c.reportedAt, 'MM-DD HH:mm')}</span>
        {c.assignee ? <span>{t('case.assigneeShort', { name: c.assignee.name })}</span> : null}
        {c.outcome ? <span>{codes.label(DISPUTE_OUTCOMES, c.outcome)}</span> : null}
      </div>
      {c.stageDueAt || c.supervisionLevel > 0 ? (
        <div style={{ marginTop: 6, display: 'flex', gap: 6, flexWrap: 'wrap' }}>
          {c.stageDueAt ? <DeadlineTag due={c.stageDueAt} slaLevel={c.slaLevel} now={now} /> : null}
          {c.supervisionLevel > 0 ? <SupervisionTag level={c.supervisionLevel} /> : null}
        </div>
      ) : null}
    </button>
  );
}

export function SupervisionTag({ level }: { level: number }) {
  const t = useT();
  if (level <= 0) return null;
  return (
    <Tag color={level >= 2 ? 'red' : 'orange'} style={{ marginInlineEnd: 0 }}>
      {t('case.supervised', { n: level })}
    </Tag>
  );
}

function boxLabel(t: TFunction, b: CaseBox) {
  return t(`caseBox.${b}`);
}

export default function CasesPage() {
  const t = useT();
  const can = useCan();
  const codes = useCaseCodes();
  const typeName = useCaseTypeName();
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const now = useNow();
  const params = useLedgerParams();
  const { sp, page, pageSize, sort, update } = params;
  const typeParam = sp.get('type');
  const types = CASE_TYPE_LIST.filter((x) => can(`${x}.read`) || can(`${x}.report`));
  const type = isType(typeParam) && types.includes(typeParam) ? typeParam : undefined;
  const boxes = visibleBoxes(can, type);
  const boxParam = sp.get('box') as CaseBox | null;
  const chosen = boxParam && boxes.includes(boxParam) ? boxParam : null;
  const counts = useCaseCounts(type, boxes.length > 0);
  // Without a choice in the URL: the first inbox with something waiting (then the first shown).
  const waiting = DEFAULT_ORDER.find(
    (b) => boxes.includes(b) && (counts.data?.[b as keyof CaseCounts] ?? 0) > 0,
  );
  const box: CaseBox = chosen ?? waiting ?? boxes[0] ?? 'reported';
  const [search, setSearch] = useState(sp.get('q') ?? '');
  const q = useDebounced(search.trim(), 300);
  const [sheets, setSheets] = useState<number[] | null>(null);

  const state = (sp.get('state') as CaseState | null) ?? undefined;
  const category = sp.get('category') ?? undefined;
  const urgency = (sp.get('urgency') as 'normal' | 'urgent' | null) ?? undefined;
  const from = sp.get('from') ?? undefined;
  const to = sp.get('to') ?? undefined;
  // Set by the dashboard's drills: which date from/to read, valid or open cases only, the area.
  const dateFieldParam = sp.get('dateField') as CaseDateField | null;
  const dateField =
    dateFieldParam && CASE_DATE_FIELDS.includes(dateFieldParam) && dateFieldParam !== 'reported'
      ? dateFieldParam
      : undefined;
  const valid = sp.get('valid') === 'true' ? ('true' as const) : undefined;
  const openOnly = sp.get('open') === 'true' ? ('true' as const) : undefined;
  const rated = sp.get('rated') === 'true' ? ('true' as const) : undefined;
  const mediated = sp.get('mediated') === 'true' ? ('true' as const) : undefined;
  const located = sp.get('located') === 'false' ? ('false' as const) : undefined;
  const areaId = num(sp.get('areaId'));
  const area = useArea(areaId ?? null);

  const filters = {
    type,
    box,
    state,
    category,
    urgency,
    areaId,
    from,
    to,
    dateField: from || to ? dateField : undefined,
    valid,
    open: openOnly,
    rated,
    mediated,
    located,
    q: q || undefined,
    sort,
  };
  const list = useCases(
    { ...filters, page, pageSize },
    boxes.length > 0 && (chosen !== null || !counts.isPending),
  );

  const onSearch = (v: string) => {
    setSearch(v);
    update({ q: v.trim() || undefined });
  };

  const activeFilters = [
    state,
    category,
    urgency,
    from,
    valid,
    openOnly,
    rated,
    mediated,
    located,
    areaId,
  ].filter(Boolean).length;
  const fmtDay = (d: string | undefined) => (d ? fmtTime(d, 'MM-DD') : '…');
  /** Filters that have no control of their own (from a dashboard drill): removable tags. */
  const drillTags = [
    ...(areaId
      ? [
          {
            key: 'area',
            label: t('case.areaFilter', { name: area.data?.label ?? '…' }),
            clear: { areaId: undefined },
          },
        ]
      : []),
    ...(dateField && (from || to)
      ? [
          {
            key: 'date',
            label: t('case.dateFilter', {
              field: t(`case.dateField.${dateField}`),
              from: fmtDay(from),
              to: fmtDay(to),
            }),
            clear: { dateField: undefined, from: undefined, to: undefined },
          },
        ]
      : []),
    ...(valid ? [{ key: 'valid', label: t('case.validFilter'), clear: { valid: undefined } }] : []),
    ...(openOnly ? [{ key: 'open', label: t('case.openFilter'), clear: { open: undefined } }] : []),
    ...(rated ? [{ key: 'rated', label: t('case.ratedFilter'), clear: { rated: undefined } }] : []),
    ...(mediated
      ? [{ key: 'mediated', label: t('case.mediatedFilter'), clear: { mediated: undefined } }]
      : []),
    ...(located
      ? [{ key: 'located', label: t('words.unlocatedFilter'), clear: { located: undefined } }]
      : []),
  ];
  const filtered = activeFilters > 0 || !!q;
  const showType = !type && types.length > 1;

  const filterControls: ReactElement[] = [
    <Select
      key="state"
      allowClear
      placeholder={t('common.status')}
      value={state}
      onChange={(v) => update({ state: v })}
      options={CASE_STATES.map((s) => ({ value: s, label: t(`caseState.${s}`) }))}
      style={{ width: mobile ? '100%' : 120 }}
      data-testid="cases-filter-state"
    />,
    ...(type
      ? [
          <Cascader
            key="category"
            changeOnSelect
            placeholder={t('case.category')}
            value={codes.categoryPath(type, category)}
            options={codes.categoryOptions(type)}
            onChange={(v) => update({ category: v?.length ? String(v[v.length - 1]) : undefined })}
            showSearch
            style={{ width: mobile ? '100%' : 200 }}
            data-testid="cases-filter-category"
          />,
        ]
      : []),
    <Select
      key="urgency"
      allowClear
      placeholder={t('case.urgency')}
      value={urgency}
      onChange={(v) => update({ urgency: v })}
      options={(['urgent', 'normal'] as const).map((u) => ({ value: u, label: t(`urgency.${u}`) }))}
      style={{ width: mobile ? '100%' : 110 }}
    />,
    <DatePicker.RangePicker
      key="range"
      inputReadOnly={mobile}
      value={from && to ? [dayjs(from), dayjs(to)] : null}
      onChange={(v) =>
        update({
          from: v?.[0] ? v[0].format('YYYY-MM-DD') : undefined,
          to: v?.[1] ? v[1].format('YYYY-MM-DD') : undefined,
          dateField: undefined,
        })
      }
      style={{ width: mobile ? '100%' : 250 }}
      placeholder={[t('case.reportedFrom'), t('case.reportedTo')]}
    />,
  ];

  const counted = counts.data ?? {};
  const tabItems = boxes.map((b) => {
    const n = b === 'all' ? undefined : counted[b];
    const alert = b === 'overdue' || b === 'supervised';
    return {
      key: b,
      label: (
        <span data-testid={`case-box-${b}`}>
          {boxLabel(t, b)}
          {n ? (
            <Badge
              count={n}
              overflowCount={999}
              size="small"
              color={alert ? '#f5222d' : b === box ? '#1f6feb' : '#bfbfbf'}
              style={{ marginInlineStart: 6 }}
            />
          ) : null}
        </span>
      ),
    };
  });

  const open = (c: CaseListItem) => navigate(`/cases/${c.id}`);
  const day = (v: string | null) => (v ? fmtTime(v, 'YYYY-MM-DD HH:mm') : '');

  if (types.length === 0) {
    return <Empty description={t('error.forbidden')} />;
  }

  const columns: LedgerColumn<CaseListItem>[] = [
    {
      key: 'no',
      title: t('case.no'),
      render: (c) => <span className="jy-mono">{c.no}</span>,
    },
    {
      key: 'title',
      title: t('case.title'),
      width: 300,
      render: (c) => (
        <div style={{ maxWidth: 300 }}>
          <Typography.Link
            onClick={(e) => {
              e.stopPropagation();
              open(c);
            }}
            className="jy-ledger-ellipsis"
            style={{ fontWeight: 500, display: 'block' }}
            title={c.title}
          >
            {c.title}
          </Typography.Link>
          {c.urgency === 'urgent' || c.supervisionLevel > 0 ? (
            <div style={{ marginTop: 2, display: 'flex', gap: 4 }}>
              <UrgencyTag urgency={c.urgency} hideNormal />
              <SupervisionTag level={c.supervisionLevel} />
            </div>
          ) : null}
        </div>
      ),
    },
    ...(showType
      ? [
          {
            key: 'type',
            title: t('case.type'),
            render: (c: CaseListItem) => <CaseTypeTag type={c.type} />,
            text: (c: CaseListItem) => typeName(c.type),
          },
        ]
      : []),
    { key: 'categoryName', title: t('case.category'), width: 160, ellipsis: true },
    {
      key: 'state',
      title: t('common.status'),
      render: (c) => <CaseStateTag state={c.state} type={c.type} />,
      text: (c) => t(`caseState.${c.state}`),
    },
    {
      key: 'due',
      title: t('case.deadline'),
      sort: 'stageDueAt',
      render: (c) =>
        c.stageDueAt ? <DeadlineTag due={c.stageDueAt} slaLevel={c.slaLevel} now={now} /> : '—',
      text: (c) => day(c.stageDueAt),
    },
    { key: 'areaName', title: t('case.area'), width: 160, ellipsis: true },
    {
      key: 'assignee',
      title: t('case.assignee'),
      text: (c) => c.assignee?.name ?? '',
    },
    {
      key: 'reportedAt',
      title: t('case.reportedAt'),
      sort: 'reportedAt',
      text: (c) => day(c.reportedAt),
    },
    {
      key: 'dueAt',
      title: t('ledger.case.dueAt'),
      sort: 'dueAt',
      hidden: true,
      text: (c) => day(c.dueAt),
    },
    {
      key: 'urgency',
      title: t('case.urgency'),
      hidden: true,
      text: (c) => t(`urgency.${c.urgency}`),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.cases')}
        extra={
          <>
            {canCase(can, 'read') ? (
              <Button
                icon={<EnvironmentOutlined />}
                onClick={() => navigate('/cases/map')}
                data-testid="cases-map"
              >
                {t('nav.caseMap')}
              </Button>
            ) : null}
            <ReportButton type={type} />
          </>
        }
      />
      {types.length > 1 ? (
        <div style={{ marginBottom: 8, overflowX: 'auto' }}>
          <Segmented
            value={type ?? 'all'}
            onChange={(v) =>
              update({ type: v === 'all' ? undefined : String(v), category: undefined, box: undefined })
            }
            options={[
              { value: 'all', label: t('common.all') },
              ...types.map((x) => ({ value: x, label: t(`caseType.${x}`) })),
            ]}
            data-testid="cases-type"
          />
        </div>
      ) : null}
      {boxes.length > 1 ? (
        <Tabs
          activeKey={box}
          onChange={(k) => update({ box: k })}
          items={tabItems}
          size={mobile ? 'small' : 'middle'}
          style={{ marginBottom: 4 }}
        />
      ) : null}
      <Ledger<CaseListItem>
        id="cases"
        title={`${type ? t(`caseType.${type}`) : t('nav.cases')} · ${boxLabel(t, box)}`}
        params={params}
        query={list}
        columns={columns}
        rowKey={(c) => c.id}
        onOpen={open}
        rowClassName={(c) => (c.slaLevel > 0 ? `jy-sla-${c.slaLevel}` : '')}
        rowTestId={(c) => `case-row-${c.id}`}
        testId="cases-table"
        filtersTestId="cases-filters"
        emptyText={filtered ? t('case.emptyFiltered') : t(`case.empty.${box}`)}
        search={{
          value: search,
          onChange: onSearch,
          placeholder: t('case.searchPlaceholder'),
          testId: 'cases-search',
        }}
        filters={filterControls}
        activeFilters={activeFilters}
        onReset={() =>
          update({
            state: undefined,
            category: undefined,
            urgency: undefined,
            from: undefined,
            to: undefined,
            dateField: undefined,
            valid: undefined,
            open: undefined,
            rated: undefined,
            mediated: undefined,
            areaId: undefined,
          })
        }
        tags={
          drillTags.length > 0 ? (
            <div data-testid="cases-drill-filters">
              {drillTags.map((f) => (
                <FilterTag
                  key={f.key}
                  label={f.label}
                  onClear={() => update(f.clear)}
                  testId={`cases-filter-tag-${f.key}`}
                />
              ))}
            </div>
          ) : undefined
        }
        exportTo={{ path: '/api/cases/export', body: filters, fileName: 'cases.xlsx' }}
        print={{
          area: area.data?.name,
          fetchAll: (size, p) => fetchCases({ ...filters, page: p, pageSize: size }),
        }}
        batch={(rows) => (
          <Button
            size="small"
            icon={<PrinterOutlined />}
            onClick={() => setSheets(rows.map((r) => r.id))}
            data-testid="cases-batch-print"
          >
            {t('ledger.case.printSheets')}
          </Button>
        )}
        renderCard={(c) => <CaseCard c={c} showType={showType} onOpen={() => open(c)} />}
      />
      {sheets ? <CaseSheets ids={sheets} onClose={() => setSheets(null)} /> : null}
    </>
  );
}
