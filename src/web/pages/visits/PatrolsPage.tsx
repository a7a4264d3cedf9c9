import { HistoryOutlined } from '@ant-design/icons';
import { Button, Checkbox, DatePicker, Tag } from 'antd';
import dayjs from 'dayjs';
import type { ReactElement } from 'react';
import { useNavigate } from 'react-router';
import { useCan } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { PageHeader, useIsMobile } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { useArea } from '../areas/queries.js';
import { fetchPatrols, type Patrol, usePatrols } from './queries.js';
import { fmtTime, formatDistance, formatMinutes } from './shared.js';

const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

/** "巡查记录": the patrols the user may read (their own, or their area's with visit.read). */
export default function PatrolsPage() {
  const t = useT();
  const can = useCan();
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const lp = useLedgerParams();
  const { sp, update } = lp;
  const filters = {
    areaId: num(sp.get('areaId')),
    mine: sp.get('mine') === 'true' ? ('true' as const) : undefined,
    from: sp.get('from') ?? undefined,
    to: sp.get('to') ?? undefined,
    sort: lp.sort,
  };
  const list = usePatrols({ ...filters, page: lp.page, pageSize: lp.pageSize });
  const area = useArea(filters.areaId ?? null);
  const activeFilters = [filters.areaId, filters.mine, filters.from].filter(Boolean).length;

  const filterControls: ReactElement[] = [
    <AreaTreeSelect
      key="area"
      allowClear
      value={filters.areaId ?? null}
      onChange={(v) => update({ areaId: v ?? undefined })}
      placeholder={t('visit.area')}
    />,
    <DatePicker.RangePicker
      key="range"
      inputReadOnly={mobile}
      value={filters.from && filters.to ? [dayjs(filters.from), dayjs(filters.to)] : null}
      onChange={(v) =>
        update({
          from: v?.[0] ? v[0].format('YYYY-MM-DD') : undefined,
          to: v?.[1] ? v[1].format('YYYY-MM-DD') : undefined,
        })
      }
      style={{ width: mobile ? '100%' : 250 }}
      placeholder={[t('visit.from'), t('visit.to')]}
    />,
    ...(can('visit.record')
      ? [
          <Checkbox
            key="mine"
            checked={!!filters.mine}
            onChange={(e) => update({ mine: e.target.checked ? 'true' : undefined })}
            style={{ alignSelf: 'center', whiteSpace: 'nowrap' }}
            data-testid="patrols-mine"
          >
            {t('ledger.patrol.mine')}
          </Checkbox>,
        ]
      : []),
  ];

  const columns: LedgerColumn<Patrol>[] = [
    {
      key: 'startedAt',
      title: t('ledger.patrol.start'),
      sort: 'startedAt',
      text: (p) => fmtTime(p.startedAt),
    },
    {
      key: 'endedAt',
      title: t('ledger.patrol.end'),
      render: (p) =>
        p.endedAt ? fmtTime(p.endedAt) : <Tag color="processing">{t('ledger.patrol.open')}</Tag>,
      text: (p) => (p.endedAt ? fmtTime(p.endedAt) : t('ledger.patrol.open')),
    },
    { key: 'areaName', title: t('ledger.patrol.area'), width: 160, ellipsis: true },
    { key: 'user', title: t('ledger.patrol.user'), text: (p) => p.user.name },
    {
      key: 'minutes',
      title: t('ledger.patrol.minutes'),
      sort: 'minutes',
      align: 'right',
      text: (p) => formatMinutes(t, p.minutes),
    },
    {
      key: 'distanceM',
      title: t('ledger.patrol.distance'),
      sort: 'distanceM',
      align: 'right',
      text: (p) => formatDistance(t, p.distanceM),
    },
    { key: 'cases', title: t('ledger.patrol.cases'), text: (p) => p.cases.map((c) => c.no).join('、') },
    { key: 'note', title: t('ledger.patrol.note'), width: 240, ellipsis: true, text: (p) => p.note ?? '' },
  ];

  return (
    <>
      <PageHeader
        title={t('ledger.patrol.title')}
        extra={
          can('visit.read') ? (
            <Button icon={<HistoryOutlined />} onClick={() => navigate('/visits')}>
              {t('ledger.patrol.back')}
            </Button>
          ) : null
        }
      />
      <Ledger<Patrol>
        id="patrols"
        title={t('ledger.patrol.ledger')}
        params={lp}
        query={list}
        columns={columns}
        rowKey={(p) => p.id}
        onOpen={(p) => navigate(`/patrols/${p.id}`)}
        rowTestId={(p) => `patrol-row-${p.id}`}
        testId="patrols-table"
        emptyText={t('ledger.patrol.empty')}
        filters={filterControls}
        activeFilters={activeFilters}
        onReset={() => update({ areaId: undefined, mine: undefined, from: undefined, to: undefined })}
        exportTo={{ path: '/api/patrols/export', body: filters, fileName: 'patrols.xlsx' }}
        print={{
          area: area.data?.name,
          fetchAll: (size, p) => fetchPatrols({ ...filters, page: p, pageSize: size }),
        }}
        card={{
          title: (p) => `${p.areaName} · ${p.user.name}`,
          fields: ['startedAt', 'endedAt', 'minutes', 'distanceM'],
        }}
      />
    </>
  );
}
