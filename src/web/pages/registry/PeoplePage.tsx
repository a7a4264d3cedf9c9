import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Checkbox, Select, Typography } from 'antd';
import { type ReactElement, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { RESIDENCE_TYPES, SEXES } from '../../../contract/codes.js';
import type { TagCode } from '../../../contract/tags.js';
import { useAuth } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { Ledger, type LedgerColumn, PhoneLink, useLedgerParams } from '../../app/ledger/Ledger.js';
import { PageHeader, useDebounced } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { useArea } from '../areas/queries.js';
import { PersonFormDrawer } from './PersonForms.js';
import {
  AGE_BANDS,
  type AgeBand,
  fetchPeople,
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
  const navigate = useNavigate();
  const lp = useLedgerParams();
  const { sp } = lp;
  const filters = readFilters(sp);
  const [search, setSearch] = useState(sp.get('q') ?? '');
  const q = useDebounced(search.trim(), 300);
  const [creating, setCreating] = useState(false);
  const tags = useMemo(() => permittedTags(me), [me]);
  const area = useArea(filters.areaId ?? null);

  const query = {
    q: q || undefined,
    areaId: filters.areaId,
    residenceType: filters.residenceType,
    tag: filters.tag && tags.includes(filters.tag) ? filters.tag : undefined,
    ageBand: filters.ageBand,
    status: filters.status,
    expiringWithinDays: filters.expiringWithinDays ?? (filters.expiring ? 30 : undefined),
    sort: lp.sort,
  };
  const params: PeopleParams = { ...query, page: lp.page, pageSize: lp.pageSize };
  const list = usePeople(params);

  const update = (patch: Record<string, string | number | boolean | undefined>) =>
    lp.update(
      Object.fromEntries(
        Object.entries(patch).map(([k, v]) => [k, v === true ? '1' : v === false ? undefined : v]),
      ),
    );
  const setFilter = (patch: Partial<Filters>) => update(patch as Record<string, string | number | boolean>);
  const onSearch = (v: string) => {
    setSearch(v);
    update({ q: v.trim() || undefined });
  };

  const activeFilters = Object.entries(filters).filter(
    ([k, v]) => v !== undefined && !(k === 'expiringWithinDays' && filters.expiring),
  ).length;
  const filtered = activeFilters > 0 || !!q;

  const filterControls: ReactElement[] = [
    <div key="area" style={{ width: 200 }}>
      <AreaTreeSelect
        allowClear
        value={filters.areaId ?? null}
        onChange={(v) => setFilter({ areaId: v ?? undefined })}
        placeholder={t('people.filterArea')}
        data-testid="people-filter-area"
      />
    </div>,
    <Select
      key="rt"
      allowClear
      placeholder={fieldLabel(t, 'residenceType')}
      value={filters.residenceType}
      onChange={(v) => setFilter({ residenceType: v })}
      options={codes.options(RESIDENCE_TYPES)}
      style={{ width: 140 }}
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
            style={{ width: 150 }}
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
      style={{ width: 120 }}
      data-testid="people-filter-age"
    />,
    <Select
      key="status"
      allowClear
      placeholder={t('common.status')}
      value={filters.status}
      onChange={(v) => setFilter({ status: v })}
      options={PERSON_STATUSES.map((s) => ({ value: s, label: t(`personStatus.${s}`) }))}
      style={{ width: 110 }}
      data-testid="people-filter-status"
    />,
    <Checkbox
      key="expiring"
      checked={!!filters.expiring}
      onChange={(e) => setFilter({ expiring: e.target.checked || undefined, expiringWithinDays: undefined })}
      style={{ alignSelf: 'center', minWidth: 0, whiteSpace: 'nowrap' }}
      data-testid="people-filter-expiring"
    >
      {t('people.filterExpiring')}
    </Checkbox>,
  ];

  const columns: LedgerColumn<PersonListItem>[] = [
    {
      key: 'name',
      title: fieldLabel(t, 'name'),
      sort: 'name',
      width: 150,
      render: (p) => (
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
              <TagChips tags={p.tags.filter((c) => tags.includes(c))} max={3} />
            </div>
          ) : null}
        </div>
      ),
      text: (p) => p.name,
    },
    {
      key: 'idNumber',
      title: fieldLabel(t, 'idNumber'),
      render: (p) => <span className="jy-mono">{p.idNumber ?? '—'}</span>,
      text: (p) => p.idNumber ?? '',
    },
    { key: 'sex', title: fieldLabel(t, 'sex'), text: (p) => codes.label(SEXES, p.sex) },
    {
      key: 'age',
      title: fieldLabel(t, 'age'),
      align: 'right',
      text: (p) => (p.age === null ? '' : String(p.age)),
    },
    {
      key: 'phone',
      title: fieldLabel(t, 'phone'),
      render: (p) => <PhoneLink phone={p.phone} />,
      text: (p) => p.phone ?? '',
    },
    {
      key: 'residenceType',
      title: fieldLabel(t, 'residenceType'),
      render: (p) => <ResidenceTag type={p.residenceType} />,
      text: (p) => codes.label(RESIDENCE_TYPES, p.residenceType),
    },
    { key: 'address', title: t('people.address'), width: 260, ellipsis: true, text: (p) => p.address },
    {
      key: 'floatingExpiresOn',
      title: fieldLabel(t, 'floatingExpiresOn'),
      render: (p) =>
        p.residenceType === 'floating' ? (
          <ExpiryText date={p.floatingExpiresOn} />
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
      text: (p) => (p.residenceType === 'floating' ? (p.floatingExpiresOn ?? '') : ''),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.people')}
        extra={
          can('person.create') ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="person-create"
            >
              {t('people.create')}
            </Button>
          ) : null
        }
      />
      {filters.expiring ? (
        <Alert type="warning" showIcon title={t('people.expiringHint')} style={{ marginBottom: 12 }} />
      ) : null}
      <Ledger<PersonListItem>
        id="people"
        title={t('nav.people')}
        params={lp}
        query={list}
        columns={columns}
        rowKey={(p) => p.id}
        onOpen={(p) => navigate(`/people/${p.id}`)}
        rowTestId={(p) => `person-row-${p.id}`}
        testId="people-table"
        filtersTestId="people-filters"
        emptyText={filtered ? t('people.emptyFiltered') : t('people.empty')}
        search={{
          value: search,
          onChange: onSearch,
          placeholder: t('people.searchPlaceholder'),
          testId: 'people-search',
        }}
        filters={filterControls}
        activeFilters={activeFilters}
        onReset={() =>
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
        exportTo={
          can('person.export') ? { path: '/api/people/export', body: query, fileName: 'people.xlsx' } : null
        }
        print={{
          area: area.data?.name,
          fetchAll: (size, p) => fetchPeople({ ...params, page: p, pageSize: size }),
        }}
        importSlot={
          can('person.import') ? (
            <Button
              icon={<UploadOutlined />}
              onClick={() => navigate('/people/import')}
              data-testid="people-import"
            >
              {t('people.import')}
            </Button>
          ) : null
        }
        card={{
          title: (p) => (
            <span>
              {p.name}
              {p.age !== null ? (
                <Typography.Text type="secondary" style={{ marginInlineStart: 8, fontWeight: 'normal' }}>
                  {codes.label(SEXES, p.sex)} · {p.age}
                </Typography.Text>
              ) : null}
            </span>
          ),
          fields: ['phone', 'residenceType', 'address'],
        }}
      />

      <PersonFormDrawer
        open={creating}
        onClose={() => setCreating(false)}
        onSaved={(p) => navigate(`/people/${p.id}`)}
        defaults={filters.areaId ? { areaId: filters.areaId } : undefined}
      />
    </>
  );
}
