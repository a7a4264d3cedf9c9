import { DownOutlined, EnvironmentOutlined, FilterOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Badge,
  Button,
  Cascader,
  DatePicker,
  Drawer,
  Dropdown,
  Empty,
  Input,
  Pagination,
  Segmented,
  Select,
  Skeleton,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { type ReactElement, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { DISPUTE_OUTCOMES } from '../../../contract/case-codes.js';
import { CASE_STATES } from '../../../contract/cases.js';
import { useCan } from '../../app/auth.js';
import { type TFunction, useT } from '../../app/i18n.js';
import { ErrorState, emptyText, PageHeader, useDebounced, useIsMobile } from '../../app/ui.js';
import { useArea } from '../areas/queries.js';
import {
  CASE_DATE_FIELDS,
  CASE_TYPE_LIST,
  type CaseBox,
  type CaseCounts,
  type CaseDateField,
  type CaseListItem,
  type CaseListParams,
  type CaseState,
  type CaseType,
  canCase,
  useCaseCounts,
  useCases,
} from './queries.js';
import { CaseStateTag, CaseTypeTag, DeadlineTag, UrgencyTag, useCaseCodes, useNow } from './shared.js';

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
          <CaseStateTag state={c.state} />
        </span>
      </div>
      <div className="jy-case-card-title">{c.title}</div>
      <div className="jy-case-card-meta">
        <span>{c.categoryName}</span>
        <span>{c.areaName}</span>
        <span>{dayjs(c.reportedAt).format('MM-DD HH:mm')}</span>
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
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const now = useNow();
  const [sp, setSp] = useSearchParams();
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
  const page = num(sp.get('page')) ?? 1;
  const pageSize = num(sp.get('pageSize')) ?? 20;
  const [filtersOpen, setFiltersOpen] = useState(false);

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

  const params: CaseListParams = {
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
    page,
    pageSize,
  };
  const list = useCases(params, boxes.length > 0 && (chosen !== null || !counts.isPending));

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
  const fmtDay = (d: string | undefined) => (d ? dayjs(d).format('MM-DD') : '…');
  /** Filters that have no control of their own (from a dashboard drill): removable tags. */
  const drillTags = [
    ...(areaId
      ? [
          {
            key: 'area',
            label: t('case.areaFilter', { name: area.data?.name ?? '…' }),
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
  const total = list.data?.total ?? 0;
  const showType = !type && types.length > 1;

  const filterControls: ReactElement[] = [
    <Select
      key="state"
      allowClear
      placeholder={t('common.status')}
      value={state}
      onChange={(v) => update({ state: v })}
      options={CASE_STATES.map((s) => ({ value: s, label: t(`caseState.${s}`) }))}
      style={{ width: '100%' }}
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
            style={{ width: '100%' }}
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
      style={{ width: '100%' }}
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
      style={{ width: '100%' }}
      placeholder={[t('case.reportedFrom'), t('case.reportedTo')]}
    />,
  ];
  const WIDTHS: Record<string, number> = { state: 120, category: 200, urgency: 110, range: 250 };

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

  if (types.length === 0) {
    return <Empty description={t('error.forbidden')} />;
  }

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
      <div className="jy-filter-bar">
        <Input.Search
          allowClear
          placeholder={t('case.searchPlaceholder')}
          value={search}
          onChange={(e) => onSearch(e.target.value)}
          style={{ width: mobile ? undefined : 280, flex: mobile ? '1 1 0' : undefined }}
          data-testid="cases-search"
        />
        {mobile ? (
          <Button
            icon={<FilterOutlined />}
            type={activeFilters > 0 ? 'primary' : 'default'}
            ghost={activeFilters > 0}
            onClick={() => setFiltersOpen(true)}
            style={{ flex: 'none', minWidth: 0 }}
            data-testid="cases-filters"
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
              onClick={() =>
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

      {drillTags.length > 0 ? (
        <div className="jy-filter-tags" data-testid="cases-drill-filters" style={{ marginBottom: 12 }}>
          {drillTags.map((f) => (
            <Tag
              key={f.key}
              closable
              color="blue"
              onClose={(e) => {
                e.preventDefault();
                update(f.clear);
              }}
              data-testid={`cases-filter-tag-${f.key}`}
              style={{ marginBottom: 4 }}
            >
              {f.label}
            </Tag>
          ))}
        </div>
      ) : null}
      {list.error && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : mobile ? (
        <div data-testid="cases-table">
          {list.isPending ? (
            <Skeleton active paragraph={{ rows: 6 }} />
          ) : (list.data?.items.length ?? 0) === 0 ? (
            emptyText(filtered ? t('case.emptyFiltered') : t(`case.empty.${box}`))
          ) : (
            <div className="jy-case-cards" style={{ opacity: list.isFetching ? 0.6 : 1 }}>
              {list.data?.items.map((c) => (
                <CaseCard key={c.id} c={c} showType={showType} onOpen={() => open(c)} />
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
          {total > 0 ? (
            <Typography.Text type="secondary" style={{ display: 'block', textAlign: 'center', marginTop: 8 }}>
              {t('common.total', { n: total })}
            </Typography.Text>
          ) : null}
        </div>
      ) : (
        <Table<CaseListItem>
          rowKey="id"
          size="middle"
          loading={list.isFetching || list.isPending}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          data-testid="cases-table"
          rowClassName={(c) => (c.slaLevel > 0 ? `jy-sla-${c.slaLevel}` : '')}
          onRow={(c) => ({
            onClick: () => open(c),
            style: { cursor: 'pointer' },
            'data-testid': `case-row-${c.id}`,
          })}
          locale={{ emptyText: emptyText(filtered ? t('case.emptyFiltered') : t(`case.empty.${box}`)) }}
          pagination={{
            current: page,
            pageSize,
            total,
            showSizeChanger: true,
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
              key: 'title',
              render: (_, c) => (
                <div style={{ minWidth: 180, maxWidth: 340 }}>
                  <Typography.Link
                    onClick={(e) => {
                      e.stopPropagation();
                      open(c);
                    }}
                    style={{ fontWeight: 500 }}
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
                    title: t('case.type'),
                    dataIndex: 'type',
                    render: (v: CaseType) => <CaseTypeTag type={v} />,
                  },
                ]
              : []),
            { title: t('case.category'), dataIndex: 'categoryName' },
            {
              title: t('common.status'),
              dataIndex: 'state',
              render: (v: CaseState) => <CaseStateTag state={v} />,
            },
            {
              title: t('case.deadline'),
              key: 'due',
              render: (_, c) =>
                c.stageDueAt ? <DeadlineTag due={c.stageDueAt} slaLevel={c.slaLevel} now={now} /> : '—',
            },
            { title: t('case.area'), dataIndex: 'areaName' },
            {
              title: t('case.assignee'),
              dataIndex: 'assignee',
              render: (v: CaseListItem['assignee']) => v?.name ?? '—',
            },
            {
              title: t('case.reportedAt'),
              dataIndex: 'reportedAt',
              render: (v: string) => (
                <span style={{ whiteSpace: 'nowrap' }}>{dayjs(v).format('YYYY-MM-DD HH:mm')}</span>
              ),
            },
          ]}
        />
      )}
    </>
  );
}
