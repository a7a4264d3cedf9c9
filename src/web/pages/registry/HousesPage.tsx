import { UploadOutlined } from '@ant-design/icons';
import { Button, Select, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { HOUSE_USES } from '../../../contract/codes.js';
import { useCan } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { PageHeader, useDebounced } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { useArea } from '../areas/queries.js';
import { fetchHouses, type HouseListItem, useHouses } from './queries.js';
import { ExpiryText, useCodes } from './shared.js';

const USE_COLOR: Record<string, string> = {
  owner: 'blue',
  rental: 'orange',
  vacant: 'default',
  commercial: 'purple',
};
const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

/** 实有房屋: the houses the user reads, by place, use and residents; sorted, exported, printed, imported. */
export default function HousesPage() {
  const t = useT();
  const codes = useCodes();
  const can = useCan();
  const navigate = useNavigate();
  const lp = useLedgerParams();
  const { sp, update } = lp;
  const filters = {
    q: sp.get('q') || undefined,
    areaId: num(sp.get('areaId')),
    use: sp.get('use') || undefined,
    // the workbench's "rentals ending" to-do opens the ledger with this
    rentalEndsWithinDays: num(sp.get('rentalEndsWithinDays')),
    sort: lp.sort,
  };
  const [search, setSearch] = useState(filters.q ?? '');
  const q = useDebounced(search.trim(), 300);
  useEffect(() => {
    if ((q || undefined) !== filters.q) update({ q });
  }, [q, filters.q, update]);
  const list = useHouses({ ...filters, page: lp.page, pageSize: lp.pageSize });
  const area = useArea(filters.areaId ?? null);
  const activeFilters = [filters.areaId, filters.use, filters.rentalEndsWithinDays !== undefined].filter(
    Boolean,
  ).length;
  const useText = (h: HouseListItem) =>
    h.use ? codes.label(HOUSE_USES, h.use) : t('sheets.house.useUnknown');

  const columns: LedgerColumn<HouseListItem>[] = [
    { key: 'address', title: t('sheets.house.address'), sort: 'address', width: 280, ellipsis: true },
    {
      key: 'use',
      title: t('sheets.house.use'),
      render: (h) =>
        h.use ? (
          <Tag color={USE_COLOR[h.use] ?? 'default'}>{codes.label(HOUSE_USES, h.use)}</Tag>
        ) : (
          <span style={{ color: 'rgba(0,0,0,0.45)' }}>{t('sheets.house.useUnknown')}</span>
        ),
      text: useText,
    },
    { key: 'ownerName', title: t('sheets.house.owner'), text: (h) => h.ownerName ?? '' },
    {
      key: 'floorArea',
      title: t('sheets.house.floorArea'),
      sort: 'floorArea',
      align: 'right',
      text: (h) => (h.floorArea === null ? '' : String(h.floorArea)),
    },
    { key: 'residents', title: t('sheets.house.residents'), sort: 'residents', align: 'right' },
    { key: 'households', title: t('sheets.house.households'), align: 'right' },
    {
      key: 'rentalEndsOn',
      title: t('sheets.house.rentalEndsOn'),
      // Shown for houses let out; the date is coloured when near or past (as registrations are).
      hidden: filters.rentalEndsWithinDays === undefined,
      text: (h) => (h.use === 'rental' && h.rentalEndsOn ? h.rentalEndsOn : ''),
      render: (h) => (h.use === 'rental' && h.rentalEndsOn ? <ExpiryText date={h.rentalEndsOn} /> : null),
    },
  ];

  return (
    <>
      <PageHeader title={t('sheets.houses')} />
      {filters.rentalEndsWithinDays !== undefined ? (
        <div style={{ marginBottom: 8 }}>
          <Tag
            closable
            color="orange"
            onClose={() => update({ rentalEndsWithinDays: undefined })}
            data-testid="houses-rental-ending"
          >
            {t('sheets.house.rentalEnding', { n: filters.rentalEndsWithinDays })}
          </Tag>
        </div>
      ) : null}
      <Ledger<HouseListItem>
        id="houses"
        title={t('sheets.houses')}
        params={lp}
        query={list}
        columns={columns}
        rowKey={(h) => h.id}
        onOpen={(h) => navigate(`/houses/${h.id}`)}
        rowTestId={(h) => `house-row-${h.id}`}
        testId="houses-table"
        emptyText={filters.q || activeFilters ? t('sheets.house.emptyFiltered') : t('sheets.house.empty')}
        search={{
          value: search,
          onChange: setSearch,
          placeholder: t('sheets.house.search'),
          testId: 'houses-search',
        }}
        filters={[
          <div key="area" style={{ width: 220 }}>
            <AreaTreeSelect
              allowClear
              value={filters.areaId ?? null}
              onChange={(v) => update({ areaId: v ?? undefined })}
              placeholder={t('sheets.house.area')}
            />
          </div>,
          <Select
            key="use"
            allowClear
            placeholder={t('sheets.house.use')}
            value={filters.use}
            onChange={(v) => update({ use: v })}
            options={[
              ...codes.options(HOUSE_USES),
              { value: 'unknown', label: t('sheets.house.useUnknown') },
            ]}
            style={{ width: 140 }}
            data-testid="houses-filter-use"
          />,
        ]}
        activeFilters={activeFilters}
        onReset={() => update({ areaId: undefined, use: undefined, rentalEndsWithinDays: undefined })}
        exportTo={{ path: '/api/houses/export', body: filters, fileName: 'houses.xlsx' }}
        print={{
          area: area.data?.name,
          fetchAll: (size, p) => fetchHouses({ ...filters, page: p, pageSize: size }),
        }}
        importSlot={
          can('house.update') ? (
            <Button
              icon={<UploadOutlined />}
              onClick={() => navigate('/houses/import')}
              data-testid="houses-import"
            >
              {t('sheets.import')}
            </Button>
          ) : null
        }
        card={{
          title: (h) => h.address,
          // Opened from the rentals to-do: the rental's end date is what the worker came for.
          fields:
            filters.rentalEndsWithinDays === undefined
              ? ['use', 'ownerName', 'residents', 'floorArea']
              : ['use', 'rentalEndsOn', 'ownerName', 'residents'],
        }}
      />
    </>
  );
}
