import { PlusOutlined } from '@ant-design/icons';
import { Button, Select } from 'antd';
import type { ReactElement } from 'react';
import { useNavigate } from 'react-router';
import { PUBLICATION_STATUSES, type PublicationStatus } from '../../../contract/publications.js';
import { useCan } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { chinaDay } from '../../app/time.js';
import { PageHeader } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { fetchNotices, type PublicationItem, useNoticeKinds, useNotices } from './queries.js';
import { fmtDay, StatusTag, statusText, useL } from './shared.js';

const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

/** 通知公告与公示: the ledger of every publication the user may read (also the archive, by class and year). */
export default function NoticesPage() {
  const t = useT();
  const l = useL();
  const can = useCan();
  const navigate = useNavigate();
  const lp = useLedgerParams();
  const { sp, update } = lp;
  const kinds = useNoticeKinds();
  const status = sp.get('status');
  const filters = {
    kind: sp.get('kind') ?? undefined,
    status: status && (PUBLICATION_STATUSES as readonly string[]).includes(status) ? status : undefined,
    areaId: num(sp.get('areaId')),
    archiveClass: sp.get('archiveClass') ?? undefined,
    year: num(sp.get('year')),
    q: sp.get('q') ?? undefined,
    sort: lp.sort,
  };
  const list = useNotices({ ...filters, page: lp.page, pageSize: lp.pageSize });
  const thisYear = Number(chinaDay().slice(0, 4));
  const classes = [...new Set((kinds.data ?? []).map((k) => k.archiveClass))];

  const filterControls: ReactElement[] = [
    <Select
      key="kind"
      allowClear
      placeholder={t('notices.filter.kind')}
      value={filters.kind}
      onChange={(v) => update({ kind: v ?? undefined })}
      options={(kinds.data ?? []).map((k) => ({ value: k.code, label: l === 'zh' ? k.zh : k.en }))}
      style={{ minWidth: 140 }}
      data-testid="notices-kind"
    />,
    <Select
      key="status"
      allowClear
      placeholder={t('notices.filter.status')}
      value={filters.status}
      onChange={(v) => update({ status: v ?? undefined })}
      options={PUBLICATION_STATUSES.map((s) => ({ value: s, label: statusText(s, l) }))}
      style={{ minWidth: 140 }}
    />,
    <AreaTreeSelect
      key="area"
      allowClear
      value={filters.areaId ?? null}
      onChange={(v) => update({ areaId: v ?? undefined })}
      placeholder={t('notices.col.area')}
    />,
    <Select
      key="class"
      allowClear
      placeholder={t('notices.filter.class')}
      value={filters.archiveClass}
      onChange={(v) => update({ archiveClass: v ?? undefined })}
      options={classes.map((c) => ({ value: c, label: c }))}
      style={{ minWidth: 120 }}
    />,
    <Select
      key="year"
      allowClear
      placeholder={t('notices.filter.year')}
      value={filters.year}
      onChange={(v) => update({ year: v ?? undefined })}
      options={[0, 1, 2, 3].map((d) => ({ value: thisYear - d, label: String(thisYear - d) }))}
      style={{ minWidth: 100 }}
    />,
  ];
  const activeFilters = [
    filters.kind,
    filters.status,
    filters.areaId,
    filters.archiveClass,
    filters.year,
  ].filter(Boolean).length;

  const columns: LedgerColumn<PublicationItem>[] = [
    { key: 'title', title: t('notices.col.title'), sort: 'title', width: 280, ellipsis: true },
    { key: 'kindName', title: t('notices.col.kind') },
    { key: 'areaName', title: t('notices.col.area'), width: 180, ellipsis: true },
    {
      key: 'status',
      title: t('notices.col.status'),
      render: (p) => <StatusTag status={p.status as PublicationStatus} />,
      text: (p) => statusText(p.status as PublicationStatus, l),
    },
    { key: 'versionNo', title: t('notices.col.version'), align: 'right' },
    {
      key: 'publishedAt',
      title: t('notices.col.publishedAt'),
      sort: 'publishedAt',
      text: (p) => fmtDay(p.publishedAt),
    },
    {
      key: 'displayUntil',
      title: t('notices.col.displayUntil'),
      sort: 'displayUntil',
      text: (p) => p.displayUntil ?? '—',
    },
    { key: 'objectionUntil', title: t('notices.col.objectionUntil'), text: (p) => p.objectionUntil ?? '—' },
    { key: 'reads', title: t('notices.col.reads'), align: 'right' },
    { key: 'objections', title: t('notices.col.objections'), align: 'right' },
    {
      key: 'archive',
      title: t('notices.col.archive'),
      text: (p) => (p.archiveYear ? `${p.archiveClass} ${p.archiveYear}` : p.archiveClass),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('notices.title')}
        extra={
          can('notice.draft') ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => navigate('/notices/new')}
              data-testid="notices-new"
            >
              {t('notices.new')}
            </Button>
          ) : null
        }
      />
      <Ledger<PublicationItem>
        id="notices"
        title={t('notices.ledger')}
        params={lp}
        query={list}
        columns={columns}
        rowKey={(p) => p.id}
        onOpen={(p) => navigate(`/notices/${p.id}`)}
        rowTestId={(p) => `notice-row-${p.id}`}
        testId="notices-table"
        emptyText={t('notices.empty')}
        search={{
          value: filters.q ?? '',
          onChange: (v) => update({ q: v || undefined }),
          placeholder: t('notices.col.title'),
          testId: 'notices-search',
        }}
        filters={filterControls}
        activeFilters={activeFilters}
        onReset={() =>
          update({
            kind: undefined,
            status: undefined,
            areaId: undefined,
            archiveClass: undefined,
            year: undefined,
          })
        }
        exportTo={{ path: '/api/notices/export', body: filters, fileName: 'notices.xlsx' }}
        print={{ fetchAll: (size, page) => fetchNotices({ ...filters, page, pageSize: size }) }}
        card={{
          title: (p) => p.title,
          fields: ['kindName', 'status', 'publishedAt', 'displayUntil', 'reads'],
        }}
      />
    </>
  );
}
