import { CameraOutlined, FileTextOutlined, FlagOutlined, PrinterOutlined } from '@ant-design/icons';
import { Button, DatePicker, Select, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { type ReactElement, useState } from 'react';
import { useNavigate } from 'react-router';
import { useAuth } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { PageHeader, useDebounced, useIsMobile } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { useArea } from '../areas/queries.js';
import { VisitForms } from './print.js';
import { fetchVisits, useVisitRules, useVisits, type Visit } from './queries.js';
import { fmtTime, methodLabel } from './shared.js';

const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

export function VisitCard({ v, onOpen }: { v: Visit; onOpen: () => void }) {
  const t = useT();
  return (
    <button type="button" className="jy-case-card" onClick={onOpen} data-testid={`visit-row-${v.id}`}>
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, alignItems: 'center' }}>
        <span style={{ fontWeight: 600 }}>{v.personName}</span>
        <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
          {fmtTime(v.visitedAt, 'MM-DD HH:mm')}
        </Typography.Text>
      </div>
      <div className="jy-case-card-title" style={{ fontWeight: 400 }}>
        {v.findings || <Typography.Text type="secondary">{t('visit.noFindings')}</Typography.Text>}
      </div>
      <div className="jy-case-card-meta">
        <span>{methodLabel(t, v.method)}</span>
        {v.ruleName ? <span>{v.ruleName}</span> : null}
        <span>{t('visit.visitorShort', { name: v.visitor.name })}</span>
        {v.attachments.length > 0 ? (
          <span>
            <CameraOutlined /> {v.attachments.length}
          </span>
        ) : null}
        {v.cases.length > 0 ? (
          <span>
            <FileTextOutlined /> {v.cases.length}
          </span>
        ) : null}
      </div>
    </button>
  );
}

/** "走访记录": every visit in the user's scope, searchable and filtered (rule, area, dates). */
export default function VisitsPage() {
  const t = useT();
  const { can } = useAuth();
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const lp = useLedgerParams();
  const { sp, update } = lp;
  const [search, setSearch] = useState(sp.get('q') ?? '');
  const q = useDebounced(search.trim(), 300);
  const [forms, setForms] = useState<Visit[] | null>(null);
  const filters = {
    personId: num(sp.get('personId')),
    ruleId: num(sp.get('ruleId')),
    areaId: num(sp.get('areaId')),
    from: sp.get('from') ?? undefined,
    to: sp.get('to') ?? undefined,
    q: q || undefined,
    sort: lp.sort,
  };
  const list = useVisits({ ...filters, page: lp.page, pageSize: lp.pageSize });
  const rules = useVisitRules(undefined, can('visit.manage') || can('visit.read'));
  const area = useArea(filters.areaId ?? null);

  const onSearch = (v: string) => {
    setSearch(v);
    update({ q: v.trim() || undefined });
  };

  const activeFilters = [filters.ruleId, filters.areaId, filters.from].filter(Boolean).length;
  const filtered = activeFilters > 0 || !!q || !!filters.personId;
  const personName = filters.personId
    ? (list.data?.items.find((v) => v.personId === filters.personId)?.personName ?? '…')
    : null;

  const filterControls: ReactElement[] = [
    ...(rules.data && rules.data.length > 0
      ? [
          <Select
            key="rule"
            allowClear
            placeholder={t('visit.rule')}
            value={filters.ruleId}
            onChange={(v) => update({ ruleId: v })}
            options={rules.data.map((r) => ({ value: r.id, label: r.name }))}
            style={{ width: mobile ? '100%' : 180 }}
            data-testid="visits-filter-rule"
          />,
        ]
      : []),
    <AreaTreeSelect
      key="area"
      allowClear
      value={filters.areaId ?? null}
      onChange={(v) => update({ areaId: v ?? undefined })}
      placeholder={t('visit.area')}
      data-testid="visits-filter-area"
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
  ];
  const open = (v: Visit) => navigate(`/visits/${v.id}`);

  const columns: LedgerColumn<Visit>[] = [
    {
      key: 'visitedAt',
      title: t('visit.visitedAt'),
      sort: 'visitedAt',
      text: (v) => fmtTime(v.visitedAt),
    },
    {
      key: 'personName',
      title: t('visit.person'),
      sort: 'personName',
      render: (v) => <Typography.Text strong>{v.personName}</Typography.Text>,
    },
    { key: 'ruleName', title: t('visit.rule'), width: 160, ellipsis: true, text: (v) => v.ruleName ?? '' },
    { key: 'method', title: t('visit.methodLabel'), text: (v) => methodLabel(t, v.method) },
    { key: 'met', title: t('visit.met'), width: 120, ellipsis: true },
    { key: 'findings', title: t('visit.findings'), width: 320, ellipsis: true },
    { key: 'visitor', title: t('visit.visitor'), text: (v) => v.visitor.name },
    {
      key: 'evidence',
      title: t('visit.evidence'),
      noPrint: true,
      render: (v) => (
        <span style={{ whiteSpace: 'nowrap' }}>
          {v.attachments.length > 0 ? (
            <>
              <CameraOutlined /> {v.attachments.length}{' '}
            </>
          ) : null}
          {v.cases.length > 0 ? (
            <>
              <FileTextOutlined /> {v.cases.length}
            </>
          ) : null}
          {v.attachments.length === 0 && v.cases.length === 0 ? '—' : null}
        </span>
      ),
    },
    {
      key: 'cases',
      title: t('ledger.visit.cases'),
      hidden: true,
      text: (v) => v.cases.map((c) => c.no).join('、'),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.visitLog')}
        extra={
          <Button icon={<FlagOutlined />} onClick={() => navigate('/patrols')} data-testid="visits-patrols">
            {t('ledger.patrol.title')}
          </Button>
        }
      />
      {personName ? (
        <div style={{ marginBottom: 8 }}>
          <Tag closable onClose={() => update({ personId: undefined })} data-testid="visits-person-filter">
            {t('visit.ofPerson', { name: personName })}
          </Tag>
        </div>
      ) : null}
      <Ledger<Visit>
        id="visits"
        title={t('ledger.visit.title')}
        params={lp}
        query={list}
        columns={columns}
        rowKey={(v) => v.id}
        onOpen={open}
        rowTestId={(v) => `visit-row-${v.id}`}
        testId="visits-table"
        emptyText={filtered ? t('visit.emptyFilteredLog') : t('visit.emptyLog')}
        search={{
          value: search,
          onChange: onSearch,
          placeholder: t('visit.logSearch'),
          testId: 'visits-search',
        }}
        filters={filterControls}
        activeFilters={activeFilters}
        onReset={() => update({ ruleId: undefined, areaId: undefined, from: undefined, to: undefined })}
        exportTo={{ path: '/api/visits/export', body: filters, fileName: 'visits.xlsx' }}
        print={{
          area: area.data?.name,
          fetchAll: (size, p) => fetchVisits({ ...filters, page: p, pageSize: size }),
        }}
        batch={(rows) => (
          <Button
            size="small"
            icon={<PrinterOutlined />}
            onClick={() => setForms(rows)}
            data-testid="visits-batch-print"
          >
            {t('ledger.visit.printForms')}
          </Button>
        )}
        renderCard={(v) => <VisitCard v={v} onOpen={() => open(v)} />}
      />
      {forms ? <VisitForms visits={forms} onClose={() => setForms(null)} /> : null}
    </>
  );
}
