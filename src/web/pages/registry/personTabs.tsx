import { RightOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Descriptions, Empty, Pagination, Skeleton, Space, Tag, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import type { CaseListItem, CaseState } from '../../../contract/cases.js';
import { HOUSE_USES, RELATIONS } from '../../../contract/codes.js';
import type { Page } from '../../../contract/common.js';
import type { Visit } from '../../../contract/visits.js';
import { api } from '../../app/api.js';
import type { MessageKey } from '../../app/i18n.js';
import { useT } from '../../app/i18n.js';
import { fmtTime } from '../../app/time.js';
import { ErrorState, RowList } from '../../app/ui.js';
import { CaseStateTag, CaseTypeTag } from '../cases/shared.js';
import type { House, Household, Person } from './queries.js';
import { useCodes } from './shared.js';

/**
 * The tabs of a person's whole record (一人一档) besides details, tags and change history. Later
 * modules add theirs (assistance, volunteering …) with `addPersonTab`: each tab fetches its own
 * data from its module's endpoint, which scopes and masks it as that module's list does.
 */
export interface PersonTabDef {
  key: string;
  /** Position among the tabs (details 0, tags 10, history 1000). */
  order: number;
  label: MessageKey;
  /** Shown to whom: the permissions the tab's endpoint needs. */
  visible: (can: (permission: string) => boolean, person: Person) => boolean;
  render: (person: Person) => ReactNode;
}

const tabs: PersonTabDef[] = [];

export function addPersonTab(def: PersonTabDef) {
  if (!tabs.some((x) => x.key === def.key)) tabs.push(def);
}

export function personTabs(): readonly PersonTabDef[] {
  return [...tabs].sort((a, b) => a.order - b.order);
}

const CASE_TYPES = ['event', 'dispute', 'request'];

/** Loading, error and empty around a tab's query, in the tab's own words. */
function TabState<T>({
  q,
  empty,
  isEmpty,
  children,
}: {
  q: { data: T | undefined; isPending: boolean; error: unknown; refetch: () => unknown };
  empty: string;
  isEmpty: (d: T) => boolean;
  children: (d: T) => ReactNode;
}) {
  if (q.error && q.data === undefined)
    return <ErrorState compact error={q.error} onRetry={() => void q.refetch()} />;
  if (q.isPending || q.data === undefined) return <Skeleton active paragraph={{ rows: 3 }} title={false} />;
  if (isEmpty(q.data)) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={empty} />;
  return <>{children(q.data)}</>;
}

function HouseholdTab({ person }: { person: Person }) {
  const t = useT();
  const codes = useCodes();
  const id = person.householdId;
  const q = useQuery({
    queryKey: ['registry', 'household', id],
    queryFn: ({ signal }) => api.get<Household>(`/api/households/${id}`, undefined, { signal }),
    enabled: id !== null,
  });
  if (id === null)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('record.noHousehold')} />;
  return (
    <TabState q={q} empty={t('record.noHousehold')} isEmpty={(h) => h.members.length === 0}>
      {(h) => (
        <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="record-household">
          <Typography.Text type="secondary">
            {t(h.kind === 'registered' ? 'record.householdRegistered' : 'record.householdResident')} ·{' '}
            {h.address}
          </Typography.Text>
          <RowList
            items={h.members}
            rowKey={(m) => m.personId}
            render={(m) => (
              <Space wrap size={[8, 4]}>
                {m.personId === person.id ? (
                  <Typography.Text strong>{m.name}</Typography.Text>
                ) : (
                  <Link to={`/people/${m.personId}`}>{m.name}</Link>
                )}
                {m.personId === h.headPersonId ? (
                  <Tag color="blue">{t('record.head')}</Tag>
                ) : m.relationToHead ? (
                  <Tag>{t('record.relationIs', { r: codes.label(RELATIONS, m.relationToHead) })}</Tag>
                ) : null}
                <Typography.Text type="secondary">
                  {[
                    m.sex ? t(m.sex === 'M' ? 'record.male' : 'record.female') : null,
                    m.age !== null ? t('record.age', { n: m.age }) : null,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </Typography.Text>
              </Space>
            )}
          />
        </Space>
      )}
    </TabState>
  );
}

function HouseTab({ person }: { person: Person }) {
  const t = useT();
  const codes = useCodes();
  const house = [...person.areaPath].reverse().find((a) => a.kind === 'house') ?? null;
  const q = useQuery({
    queryKey: ['registry', 'house', house?.id],
    queryFn: ({ signal }) => api.get<House>(`/api/houses/${house?.id}`, undefined, { signal }),
    enabled: house !== null,
  });
  if (!house) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('record.noHouse')} />;
  return (
    <TabState q={q} empty={t('record.noHouse')} isEmpty={() => false}>
      {(h) => (
        <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="record-house">
          <Descriptions
            size="small"
            column={{ xs: 1, sm: 2 }}
            items={[
              { key: 'address', label: t('record.address'), children: h.address, span: 'filled' as const },
              {
                key: 'use',
                label: t('record.houseUse'),
                children: codes.label(HOUSE_USES, h.use),
              },
              { key: 'owner', label: t('record.owner'), children: h.ownerName ?? '—' },
              { key: 'residents', label: t('record.residents'), children: h.residents.length },
              { key: 'households', label: t('record.households'), children: h.households.length },
            ]}
          />
          <Link to={`/houses/${h.id}`}>
            <Button icon={<RightOutlined />} iconPlacement="end">
              {t('record.openHouse')}
            </Button>
          </Link>
        </Space>
      )}
    </TabState>
  );
}

function VisitsTab({ person }: { person: Person }) {
  const t = useT();
  const [page, setPage] = useState(1);
  const pageSize = 10;
  const q = useQuery({
    queryKey: ['visits', 'list', { personId: person.id, page, pageSize }],
    queryFn: ({ signal }) =>
      api.get<Page<Visit>>('/api/visits', { personId: person.id, page, pageSize }, { signal }),
    placeholderData: (prev) => prev,
  });
  return (
    <TabState q={q} empty={t('record.noVisits')} isEmpty={(p) => p.total === 0}>
      {(p) => (
        <div data-testid="record-visits">
          <RowList
            items={p.items}
            rowKey={(v) => v.id}
            render={(v) => (
              <div>
                <Space wrap size={[8, 4]}>
                  <Link to={`/visits/${v.id}`}>{fmtTime(v.visitedAt, 'YYYY-MM-DD HH:mm')}</Link>
                  {v.ruleName ? <Tag>{v.ruleName}</Tag> : null}
                  <Typography.Text type="secondary">{v.visitor.name}</Typography.Text>
                </Space>
                {v.findings ? (
                  <div>
                    <Typography.Text type="secondary" ellipsis style={{ maxWidth: '100%' }}>
                      {v.findings}
                    </Typography.Text>
                  </div>
                ) : null}
              </div>
            )}
          />
          {p.total > pageSize ? (
            <Pagination
              size="small"
              style={{ marginTop: 12 }}
              current={page}
              pageSize={pageSize}
              total={p.total}
              onChange={setPage}
              showSizeChanger={false}
            />
          ) : null}
        </div>
      )}
    </TabState>
  );
}

function CasesTab({ person }: { person: Person }) {
  const t = useT();
  const [page, setPage] = useState(1);
  const pageSize = 10;
  const q = useQuery({
    queryKey: ['cases', 'list', { personId: person.id, page, pageSize }],
    queryFn: ({ signal }) =>
      api.get<Page<CaseListItem>>(
        '/api/cases',
        { box: 'all', personId: person.id, page, pageSize },
        { signal },
      ),
    placeholderData: (prev) => prev,
  });
  return (
    <TabState q={q} empty={t('record.noCases')} isEmpty={(p) => p.total === 0}>
      {(p) => (
        <div data-testid="record-cases">
          <RowList
            items={p.items}
            rowKey={(c) => c.id}
            render={(c) => (
              <div>
                <Space wrap size={[8, 4]}>
                  <Link to={`/cases/${c.id}`}>{c.title}</Link>
                  <CaseTypeTag type={c.type} />
                  <CaseStateTag state={c.state as CaseState} />
                </Space>
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {c.no} · {c.categoryName} · {fmtTime(c.reportedAt, 'YYYY-MM-DD')}
                  </Typography.Text>
                </div>
              </div>
            )}
          />
          {p.total > pageSize ? (
            <Pagination
              size="small"
              style={{ marginTop: 12 }}
              current={page}
              pageSize={pageSize}
              total={p.total}
              onChange={setPage}
              showSizeChanger={false}
            />
          ) : null}
        </div>
      )}
    </TabState>
  );
}

addPersonTab({
  key: 'household',
  order: 20,
  label: 'record.tabHousehold',
  visible: (can) => can('person.read'),
  render: (p) => <HouseholdTab person={p} />,
});
addPersonTab({
  key: 'house',
  order: 30,
  label: 'record.tabHouse',
  visible: (can) => can('house.read'),
  render: (p) => <HouseTab person={p} />,
});
addPersonTab({
  key: 'visits',
  order: 40,
  label: 'record.tabVisits',
  visible: (can) => can('visit.read') || can('visit.record'),
  render: (p) => <VisitsTab person={p} />,
});
addPersonTab({
  key: 'cases',
  order: 50,
  label: 'record.tabCases',
  visible: (can) => CASE_TYPES.some((x) => can(`${x}.read`)),
  render: (p) => <CasesTab person={p} />,
});
