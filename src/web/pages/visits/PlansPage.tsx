import { Button, Input, Pagination, Segmented, Select, Skeleton, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useAuth } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { ErrorState, emptyText, PageHeader, useDebounced, useIsMobile } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { type PlanItem, type PlanParams, type PlanStatus, usePlans, useVisitRules } from './queries.js';
import { DueTag, lastVisitText, PersonTags, PlanCard } from './shared.js';

const STATUSES: PlanStatus[] = ['overdue', 'due', 'never', 'all'];
const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

/** "走访计划": who is due or overdue in an area (supervisors; opened from the statistics). */
export default function PlansPage() {
  const t = useT();
  const { can } = useAuth();
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const [sp, setSp] = useSearchParams();
  const [search, setSearch] = useState(sp.get('q') ?? '');
  const q = useDebounced(search.trim(), 300);
  const statusParam = sp.get('status') as PlanStatus | null;
  const params: PlanParams = {
    areaId: num(sp.get('areaId')),
    ruleId: num(sp.get('ruleId')),
    status: statusParam && STATUSES.includes(statusParam) ? statusParam : 'overdue',
    q: q || undefined,
    page: num(sp.get('page')) ?? 1,
    pageSize: num(sp.get('pageSize')) ?? 20,
  };
  const list = usePlans(params);
  const rules = useVisitRules(undefined, can('visit.manage') || can('visit.read'));
  const total = list.data?.total ?? 0;

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
  const record = (i: PlanItem) =>
    navigate(`/visits/new?personId=${i.personId}&ruleId=${i.ruleId}&planId=${i.planId}`);
  const history = (i: PlanItem) => navigate(`/visits?personId=${i.personId}`);
  const open = (i: PlanItem) => (can('visit.record') ? record(i) : history(i));
  const empty = emptyText(t(`plans.empty.${params.status}`));

  return (
    <>
      <PageHeader title={t('plans.title')} />
      <div style={{ marginBottom: 8, overflowX: 'auto' }}>
        <Segmented
          value={params.status}
          onChange={(v) => update({ status: v === 'overdue' ? undefined : String(v) })}
          options={STATUSES.map((s) => ({ value: s, label: t(`plans.status.${s}`) }))}
          data-testid="plans-status"
        />
      </div>
      <div className="jy-filter-bar">
        <Input.Search
          allowClear
          placeholder={t('visit.searchPlaceholder')}
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            update({ q: e.target.value.trim() || undefined });
          }}
          style={{ width: mobile ? undefined : 240 }}
          data-testid="plans-search"
        />
        <div style={{ width: mobile ? undefined : 220, minWidth: 0, display: 'flex' }}>
          <AreaTreeSelect
            allowClear
            value={params.areaId ?? null}
            onChange={(v) => update({ areaId: v ?? undefined })}
            placeholder={t('visit.area')}
            data-testid="plans-area"
          />
        </div>
        {rules.data && rules.data.length > 0 ? (
          <div style={{ width: mobile ? undefined : 200, minWidth: 0, display: 'flex' }}>
            <Select
              allowClear
              placeholder={t('visit.rule')}
              value={params.ruleId}
              onChange={(v) => update({ ruleId: v })}
              options={rules.data.map((r) => ({ value: r.id, label: r.name }))}
              style={{ width: '100%' }}
            />
          </div>
        ) : null}
      </div>
      {list.error && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : mobile ? (
        <div data-testid="plans-table">
          {list.isPending ? (
            <Skeleton active paragraph={{ rows: 6 }} />
          ) : (list.data?.items.length ?? 0) === 0 ? (
            empty
          ) : (
            <div className="jy-case-cards" style={{ opacity: list.isFetching ? 0.6 : 1 }}>
              {list.data?.items.map((i) => (
                <PlanCard key={i.planId} item={i} onOpen={() => open(i)} />
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
        <Table<PlanItem>
          rowKey="planId"
          size="middle"
          loading={list.isFetching || list.isPending}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          data-testid="plans-table"
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
              title: t('visit.person'),
              key: 'person',
              render: (_, i) => (
                <div style={{ minWidth: 120 }}>
                  <Typography.Text strong>{i.personName}</Typography.Text>
                  {i.age !== null ? (
                    <span className="jy-plan-age">{t('visit.age', { n: i.age })}</span>
                  ) : null}
                  <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{i.address}</div>
                </div>
              ),
            },
            { title: t('visit.tags'), key: 'tags', render: (_, i) => <PersonTags tags={i.tags} /> },
            {
              title: t('visit.rule'),
              key: 'rule',
              render: (_, i) => (
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
            { title: t('visit.due'), key: 'due', render: (_, i) => <DueTag item={i} /> },
            { title: t('visit.last'), key: 'last', render: (_, i) => lastVisitText(t, i) },
            { title: t('visit.visitor'), key: 'visitor', render: (_, i) => i.visitor?.name ?? '—' },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_, i) => (
                <span style={{ whiteSpace: 'nowrap' }}>
                  <Button type="link" size="small" onClick={() => history(i)}>
                    {t('plans.history')}
                  </Button>
                  {can('visit.record') ? (
                    <Button type="link" size="small" onClick={() => record(i)}>
                      {t('visit.record')}
                    </Button>
                  ) : null}
                </span>
              ),
            },
          ]}
        />
      )}
    </>
  );
}
