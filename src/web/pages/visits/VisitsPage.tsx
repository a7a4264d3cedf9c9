import { CameraOutlined, FileTextOutlined, FilterOutlined } from '@ant-design/icons';
import {
  Button,
  DatePicker,
  Drawer,
  Input,
  Pagination,
  Select,
  Skeleton,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { type ReactElement, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useAuth } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { ErrorState, emptyText, PageHeader, useDebounced, useIsMobile } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { useVisitRules, useVisits, type Visit, type VisitListParams } from './queries.js';
import { fmtTime, methodLabel } from './shared.js';

const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

export function VisitCard({ v, onOpen }: { v: Visit; onOpen: () => void }) {
  const t = useT();
  return (
    <button type="button" className="jy-case-card" onClick={onOpen} data-testid={`visit-row-${v.id}`}>
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, alignItems: 'center' }}>
        <span style={{ fontWeight: 600 }}>{v.personName}</span>
        <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
          {dayjs(v.visitedAt).format('MM-DD HH:mm')}
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
  const [sp, setSp] = useSearchParams();
  const [search, setSearch] = useState(sp.get('q') ?? '');
  const q = useDebounced(search.trim(), 300);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const params: VisitListParams = {
    personId: num(sp.get('personId')),
    ruleId: num(sp.get('ruleId')),
    areaId: num(sp.get('areaId')),
    from: sp.get('from') ?? undefined,
    to: sp.get('to') ?? undefined,
    q: q || undefined,
    page: num(sp.get('page')) ?? 1,
    pageSize: num(sp.get('pageSize')) ?? 20,
  };
  const list = useVisits(params);
  const rules = useVisitRules(undefined, can('visit.manage') || can('visit.read'));

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

  const activeFilters = [params.ruleId, params.areaId, params.from].filter(Boolean).length;
  const filtered = activeFilters > 0 || !!q || !!params.personId;
  const total = list.data?.total ?? 0;
  const personName = params.personId
    ? (list.data?.items.find((v) => v.personId === params.personId)?.personName ?? '…')
    : null;

  const filterControls: ReactElement[] = [
    ...(rules.data && rules.data.length > 0
      ? [
          <Select
            key="rule"
            allowClear
            placeholder={t('visit.rule')}
            value={params.ruleId}
            onChange={(v) => update({ ruleId: v })}
            options={rules.data.map((r) => ({ value: r.id, label: r.name }))}
            style={{ width: '100%' }}
            data-testid="visits-filter-rule"
          />,
        ]
      : []),
    <AreaTreeSelect
      key="area"
      allowClear
      value={params.areaId ?? null}
      onChange={(v) => update({ areaId: v ?? undefined })}
      placeholder={t('visit.area')}
      data-testid="visits-filter-area"
    />,
    <DatePicker.RangePicker
      key="range"
      inputReadOnly={mobile}
      value={params.from && params.to ? [dayjs(params.from), dayjs(params.to)] : null}
      onChange={(v) =>
        update({
          from: v?.[0] ? v[0].format('YYYY-MM-DD') : undefined,
          to: v?.[1] ? v[1].format('YYYY-MM-DD') : undefined,
        })
      }
      style={{ width: '100%' }}
      placeholder={[t('visit.from'), t('visit.to')]}
    />,
  ];
  const WIDTHS: Record<string, number> = { rule: 180, area: 200, range: 250 };
  const open = (v: Visit) => navigate(`/visits/${v.id}`);
  const empty = emptyText(filtered ? t('visit.emptyFilteredLog') : t('visit.emptyLog'));

  return (
    <>
      <PageHeader title={t('nav.visitLog')} />
      {personName ? (
        <div style={{ marginBottom: 8 }}>
          <Tag closable onClose={() => update({ personId: undefined })} data-testid="visits-person-filter">
            {t('visit.ofPerson', { name: personName })}
          </Tag>
        </div>
      ) : null}
      <div className="jy-filter-bar">
        <Input.Search
          allowClear
          placeholder={t('visit.logSearch')}
          value={search}
          onChange={(e) => onSearch(e.target.value)}
          style={{ width: mobile ? undefined : 260, flex: mobile ? '1 1 0' : undefined }}
          data-testid="visits-search"
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
              onClick={() => update({ ruleId: undefined, areaId: undefined, from: undefined, to: undefined })}
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
        <div data-testid="visits-table">
          {list.isPending ? (
            <Skeleton active paragraph={{ rows: 6 }} />
          ) : (list.data?.items.length ?? 0) === 0 ? (
            empty
          ) : (
            <div className="jy-case-cards" style={{ opacity: list.isFetching ? 0.6 : 1 }}>
              {list.data?.items.map((v) => (
                <VisitCard key={v.id} v={v} onOpen={() => open(v)} />
              ))}
            </div>
          )}
          {total > params.pageSize ? (
            <Pagination
              simple
              size="small"
              current={params.page}
              pageSize={params.pageSize}
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
        <Table<Visit>
          rowKey="id"
          size="middle"
          loading={list.isFetching || list.isPending}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          data-testid="visits-table"
          onRow={(v) => ({
            onClick: () => open(v),
            style: { cursor: 'pointer' },
            'data-testid': `visit-row-${v.id}`,
          })}
          locale={{ emptyText: empty }}
          pagination={{
            current: params.page,
            pageSize: params.pageSize,
            total,
            showSizeChanger: true,
            showTotal: () => t('common.total', { n: total }),
            onChange: (p, s) => update({ page: p > 1 ? p : undefined, pageSize: s !== 20 ? s : undefined }),
          }}
          columns={[
            {
              title: t('visit.visitedAt'),
              dataIndex: 'visitedAt',
              render: (v: string) => <span style={{ whiteSpace: 'nowrap' }}>{fmtTime(v)}</span>,
            },
            {
              title: t('visit.person'),
              dataIndex: 'personName',
              render: (v: string) => <Typography.Text strong>{v}</Typography.Text>,
            },
            { title: t('visit.rule'), dataIndex: 'ruleName', render: (v: string | null) => v ?? '—' },
            { title: t('visit.methodLabel'), dataIndex: 'method', render: (v: string) => methodLabel(t, v) },
            { title: t('visit.met'), dataIndex: 'met' },
            {
              title: t('visit.findings'),
              dataIndex: 'findings',
              render: (v: string) => (
                <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: 0, maxWidth: 320 }}>
                  {v || '—'}
                </Typography.Paragraph>
              ),
            },
            {
              title: t('visit.visitor'),
              dataIndex: 'visitor',
              render: (v: Visit['visitor']) => v.name,
            },
            {
              title: t('visit.evidence'),
              key: 'evidence',
              render: (_, v) => (
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
          ]}
        />
      )}
    </>
  );
}
