import { DownloadOutlined, FilterOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, Drawer, Input, Select, Table, Typography } from 'antd';
import { type ReactElement, useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { RESIDENCE_TYPES, SEXES } from '../../../contract/codes.js';
import type { TagCode } from '../../../contract/tags.js';
import { download } from '../../app/api.js';
import { useAuth } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { ErrorState, emptyText, PageHeader, useDebounced, useIsMobile, useNotify } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { PersonFormDrawer } from './PersonForms.js';
import {
  AGE_BANDS,
  type AgeBand,
  PERSON_STATUSES,
  type PeopleParams,
  type PersonListItem,
  type PersonStatus,
  permittedTags,
  type ResidenceType,
  usePeople,
} from './queries.js';
import { ExpiryText, fieldLabel, PersonStatusTag, ResidenceTag, TagChips, useCodes } from './shared.js';

interface Filters {
  areaId?: number;
  residenceType?: ResidenceType;
  tag?: TagCode;
  ageBand?: AgeBand;
  status?: PersonStatus;
  expiring?: boolean;
  /** The dashboard's drill says `expiringWithinDays=30`; `expiring=1` is the page's own checkbox. */
  expiringWithinDays?: number;
}

/** Widths of the filter controls on a wide screen (area, type, tag, age, status, expiring). */
const FILTER_WIDTHS: Record<string, number> = { area: 200, rt: 140, tag: 150, age: 120, status: 110 };

const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

/** Filters live in the URL, so a list can be shared, reloaded and returned to from a person. */
function readFilters(sp: URLSearchParams): Filters {
  return {
    areaId: num(sp.get('areaId')),
    residenceType: (sp.get('residenceType') as ResidenceType | null) ?? undefined,
    tag: (sp.get('tag') as TagCode | null) ?? undefined,
    ageBand: (sp.get('ageBand') as AgeBand | null) ?? undefined,
    status: (sp.get('status') as PersonStatus | null) ?? undefined,
    expiring: sp.get('expiring') === '1' || num(sp.get('expiringWithinDays')) !== undefined || undefined,
    expiringWithinDays: num(sp.get('expiringWithinDays')),
  };
}

export default function PeoplePage() {
  const t = useT();
  const codes = useCodes();
  const { me, can } = useAuth();
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const { modal } = App.useApp();
  const { fail, ok } = useNotify();
  const [sp, setSp] = useSearchParams();
  const filters = readFilters(sp);
  const [search, setSearch] = useState(sp.get('q') ?? '');
  const q = useDebounced(search.trim(), 300);
  const page = num(sp.get('page')) ?? 1;
  const pageSize = num(sp.get('pageSize')) ?? 20;
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [creating, setCreating] = useState(false);
  const [exporting, setExporting] = useState(false);
  const tags = useMemo(() => permittedTags(me), [me]);

  const params: PeopleParams = {
    q: q || undefined,
    areaId: filters.areaId,
    residenceType: filters.residenceType,
    tag: filters.tag && tags.includes(filters.tag) ? filters.tag : undefined,
    ageBand: filters.ageBand,
    status: filters.status,
    expiringWithinDays: filters.expiringWithinDays ?? (filters.expiring ? 30 : undefined),
    page,
    pageSize,
  };
  const list = usePeople(params);

  const update = (patch: Record<string, string | number | boolean | undefined>) =>
    setSp(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) {
          if (v === undefined || v === '' || v === false) next.delete(k);
          else next.set(k, v === true ? '1' : String(v));
        }
        if (!('page' in patch)) next.delete('page');
        return next;
      },
      { replace: true },
    );
  const setFilter = (patch: Partial<Filters>) => update(patch as Record<string, string | number | boolean>);
  const onSearch = (v: string) => {
    setSearch(v);
    update({ q: v.trim() || undefined });
  };

  const activeFilters = Object.values(filters).filter((v) => v !== undefined).length;
  const filtered = activeFilters > 0 || !!q;
  const total = list.data?.total ?? 0;
  const capped = !!list.data?.totalCapped;

  const exportXlsx = () => {
    modal.confirm({
      title: t('people.exportConfirm'),
      content: t('people.exportHint'),
      okText: t('people.export'),
      onOk: async () => {
        setExporting(true);
        try {
          const { page: _p, pageSize: _s, ...query } = params;
          const name = await download('/api/people/export', { ...query }, 'people.xlsx');
          ok(t('people.exported', { name }));
        } catch (e) {
          fail(e);
        } finally {
          setExporting(false);
        }
      },
    });
  };

  const filterControls: ReactElement[] = [
    <AreaTreeSelect
      key="area"
      allowClear
      value={filters.areaId ?? null}
      onChange={(v) => setFilter({ areaId: v ?? undefined })}
      placeholder={t('people.filterArea')}
      data-testid="people-filter-area"
    />,
    <Select
      key="rt"
      allowClear
      placeholder={fieldLabel(t, 'residenceType')}
      value={filters.residenceType}
      onChange={(v) => setFilter({ residenceType: v })}
      options={codes.options(RESIDENCE_TYPES)}
      style={{ width: '100%' }}
      data-testid="people-filter-residence"
    />,
    ...(tags.length > 0
      ? [
          <Select
            key="tag"
            allowClear
            placeholder={t('people.filterTag')}
            value={filters.tag}
            onChange={(v) => setFilter({ tag: v })}
            options={tags.map((c) => ({ value: c, label: codes.tag(c) }))}
            style={{ width: '100%' }}
            popupMatchSelectWidth={false}
            data-testid="people-filter-tag"
          />,
        ]
      : []),
    <Select
      key="age"
      allowClear
      placeholder={t('people.filterAge')}
      value={filters.ageBand}
      onChange={(v) => setFilter({ ageBand: v })}
      options={AGE_BANDS.map((b) => ({ value: b, label: t('people.ageBand', { band: b }) }))}
      style={{ width: '100%' }}
      data-testid="people-filter-age"
    />,
    <Select
      key="status"
      allowClear
      placeholder={t('common.status')}
      value={filters.status}
      onChange={(v) => setFilter({ status: v })}
      options={PERSON_STATUSES.map((s) => ({ value: s, label: t(`personStatus.${s}`) }))}
      style={{ width: '100%' }}
      data-testid="people-filter-status"
    />,
    <Checkbox
      key="expiring"
      checked={!!filters.expiring}
      onChange={(e) => setFilter({ expiring: e.target.checked || undefined, expiringWithinDays: undefined })}
      style={{ alignSelf: 'center', minWidth: 0 }}
      data-testid="people-filter-expiring"
    >
      {t('people.filterExpiring')}
    </Checkbox>,
  ];

  return (
    <>
      <PageHeader
        title={t('nav.people')}
        extra={
          <>
            {can('person.import') ? (
              <Button
                icon={<UploadOutlined />}
                onClick={() => navigate('/people/import')}
                data-testid="people-import"
              >
                {t('people.import')}
              </Button>
            ) : null}
            {can('person.export') ? (
              <Button
                icon={<DownloadOutlined />}
                loading={exporting}
                onClick={exportXlsx}
                data-testid="people-export"
              >
                {t('people.export')}
              </Button>
            ) : null}
            {can('person.create') ? (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setCreating(true)}
                data-testid="person-create"
              >
                {t('people.create')}
              </Button>
            ) : null}
          </>
        }
      />
      <div className="jy-filter-bar">
        <Input.Search
          allowClear
          placeholder={t('people.searchPlaceholder')}
          value={search}
          onChange={(e) => onSearch(e.target.value)}
          style={{ width: mobile ? undefined : 320, flex: mobile ? '1 1 0' : undefined }}
          data-testid="people-search"
        />
        {mobile ? (
          <Button
            icon={<FilterOutlined />}
            type={activeFilters > 0 ? 'primary' : 'default'}
            ghost={activeFilters > 0}
            onClick={() => setFiltersOpen(true)}
            style={{ flex: 'none', minWidth: 0 }}
            data-testid="people-filters"
          >
            {activeFilters > 0 ? t('people.filtersOn', { n: activeFilters }) : t('people.filters')}
          </Button>
        ) : (
          filterControls.map((c) => (
            <div
              key={c.key}
              style={{ width: FILTER_WIDTHS[c.key ?? ''] ?? 'auto', minWidth: 0, display: 'flex' }}
            >
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
                setFilter({
                  areaId: undefined,
                  residenceType: undefined,
                  tag: undefined,
                  ageBand: undefined,
                  status: undefined,
                  expiring: undefined,
                  expiringWithinDays: undefined,
                })
              }
            >
              {t('common.reset')}
            </Button>
          }
          footer={
            <Button type="primary" block onClick={() => setFiltersOpen(false)}>
              {t('people.showResults', { n: capped ? `${total}+` : total })}
            </Button>
          }
        >
          {filterControls.map((c) => (
            <div key={c.key}>{c}</div>
          ))}
        </Drawer>
      ) : null}
      {filters.expiring ? (
        <Alert type="warning" showIcon title={t('people.expiringHint')} style={{ marginBottom: 12 }} />
      ) : null}

      {list.error && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<PersonListItem>
          rowKey="id"
          size={mobile ? 'small' : 'middle'}
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          data-testid="people-table"
          onRow={(p) => ({
            onClick: () => navigate(`/people/${p.id}`),
            style: { cursor: 'pointer' },
            'data-testid': `person-row-${p.id}`,
          })}
          locale={{ emptyText: emptyText(filtered ? t('people.emptyFiltered') : t('people.empty')) }}
          pagination={{
            current: params.page,
            pageSize,
            total,
            showSizeChanger: !mobile,
            size: mobile ? 'small' : undefined,
            showTotal: () =>
              capped ? t('people.totalCapped', { n: total }) : t('common.total', { n: total }),
            onChange: (p, s) => update({ page: p > 1 ? p : undefined, pageSize: s !== 20 ? s : undefined }),
          }}
          columns={[
            {
              title: fieldLabel(t, 'name'),
              key: 'name',
              fixed: mobile ? undefined : 'left',
              render: (_, p) => (
                <div style={{ minWidth: 96 }}>
                  <Typography.Link
                    onClick={(e) => {
                      e.stopPropagation();
                      navigate(`/people/${p.id}`);
                    }}
                    style={{ fontWeight: 500 }}
                  >
                    {p.name}
                  </Typography.Link>
                  {p.status !== 'active' ? (
                    <span style={{ marginInlineStart: 6 }}>
                      <PersonStatusTag status={p.status} />
                    </span>
                  ) : null}
                  {p.tags.length > 0 ? (
                    <div style={{ marginTop: 4 }}>
                      <TagChips tags={p.tags.filter((c) => tags.includes(c))} max={mobile ? 2 : 3} />
                    </div>
                  ) : null}
                </div>
              ),
            },
            {
              title: fieldLabel(t, 'idNumber'),
              dataIndex: 'idNumber',
              render: (v: string | null) => <span className="jy-mono">{v ?? '—'}</span>,
            },
            {
              title: fieldLabel(t, 'sex'),
              dataIndex: 'sex',
              render: (v: string | null) => codes.label(SEXES, v),
            },
            { title: fieldLabel(t, 'age'), dataIndex: 'age', render: (v: number | null) => v ?? '—' },
            {
              title: fieldLabel(t, 'phone'),
              dataIndex: 'phone',
              render: (v: string | null) => <span className="jy-mono">{v ?? '—'}</span>,
            },
            {
              title: fieldLabel(t, 'residenceType'),
              dataIndex: 'residenceType',
              render: (v: ResidenceType) => <ResidenceTag type={v} />,
            },
            {
              title: t('people.address'),
              dataIndex: 'address',
              render: (v: string) => (
                <Typography.Text style={{ maxWidth: 280, display: 'inline-block' }} ellipsis={{ tooltip: v }}>
                  {v || '—'}
                </Typography.Text>
              ),
            },
            {
              title: fieldLabel(t, 'floatingExpiresOn'),
              dataIndex: 'floatingExpiresOn',
              render: (v: string | null, p) =>
                p.residenceType === 'floating' ? (
                  <ExpiryText date={v} />
                ) : (
                  <Typography.Text type="secondary">—</Typography.Text>
                ),
            },
          ]}
        />
      )}

      <PersonFormDrawer
        open={creating}
        onClose={() => setCreating(false)}
        onSaved={(p) => navigate(`/people/${p.id}`)}
        defaults={filters.areaId ? { areaId: filters.areaId } : undefined}
      />
    </>
  );
}
