import { Button, Card, Select, Space } from 'antd';
import { useEffect, useState } from 'react';
import type { Area } from '../../../contract/areas.js';
import type { Page } from '../../../contract/common.js';
import { api } from '../../app/api.js';
import { useT } from '../../app/i18n.js';
import { AreaStatusTag, KindTag, kindLabel } from '../../app/labels.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { useDebounced } from '../../app/ui.js';
import { useAreaList } from './queries.js';

/**
 * An area's children as a ledger: paged and sorted by the server (`/api/areas?parentId=`), the
 * search and status in the URL next to the page's `focus`/`tab`, printed under the area's name.
 */
export function ChildrenTable({ parent, onSelect }: { parent: Area; onSelect: (id: number) => void }) {
  const t = useT();
  const lp = useLedgerParams(10);
  const [search, setSearch] = useState(lp.sp.get('q') ?? '');
  const q = useDebounced(search.trim(), 300);
  const { sp, update } = lp;
  useEffect(() => {
    if ((q || undefined) !== (sp.get('q') ?? undefined)) update({ q });
  }, [q, sp, update]);
  const statusParam = lp.sp.get('status');
  const status: Area['status'] | undefined =
    statusParam === 'active' || statusParam === 'archived' ? statusParam : undefined;
  const filters = { parentId: parent.id, q: q || undefined, status, sort: lp.sort };
  const list = useAreaList({ ...filters, page: lp.page, pageSize: lp.pageSize });

  const columns: LedgerColumn<Area>[] = [
    {
      key: 'name',
      title: t('areas.name'),
      sort: 'name',
      render: (a) => (
        <Button
          type="link"
          size="small"
          style={{ paddingInline: 0 }}
          onClick={(e) => {
            e.stopPropagation();
            onSelect(a.id);
          }}
        >
          {a.name}
        </Button>
      ),
    },
    {
      key: 'kind',
      title: t('areas.kind'),
      render: (a) => <KindTag kind={a.kind} />,
      text: (a) => kindLabel(t, a.kind),
    },
    { key: 'code', title: t('areas.code'), sort: 'code' },
    {
      key: 'status',
      title: t('common.status'),
      render: (a) => <AreaStatusTag status={a.status} />,
      text: (a) => t(`areaStatus.${a.status}`),
    },
    { key: 'childCount', title: t('areas.childCount'), align: 'right' },
    {
      key: 'boundary',
      title: t('areas.boundary'),
      text: (a) => (a.boundary ? t('common.yes') : t('common.no')),
    },
  ];

  return (
    <Ledger<Area>
      id="area-children"
      title={t('lists.children.title', { name: parent.name })}
      params={lp}
      query={list}
      columns={columns}
      rowKey={(a) => a.id}
      onOpen={(a) => onSelect(a.id)}
      testId="area-children"
      emptyText={q ? t('areas.searchEmpty', { q }) : t('areas.noChildren')}
      saveFilters={false}
      search={{
        value: search,
        onChange: setSearch,
        placeholder: t('areas.childSearch'),
      }}
      filters={[
        <Select
          key="status"
          allowClear
          placeholder={t('common.status')}
          value={status}
          onChange={(v) => lp.update({ status: v })}
          options={[
            { value: 'active', label: t('areaStatus.active') },
            { value: 'archived', label: t('areaStatus.archived') },
          ]}
          style={{ width: 140 }}
        />,
      ]}
      activeFilters={status ? 1 : 0}
      onReset={() => {
        setSearch('');
        lp.update({ status: undefined, q: undefined });
      }}
      exportTo={{ path: '/api/areas/export', body: filters, fileName: 'areas.xlsx' }}
      print={{
        area: parent.name,
        fetchAll: (pageSize, page) => api.get<Page<Area>>('/api/areas', { ...filters, page, pageSize }),
      }}
      renderCard={(a) => (
        <Card
          size="small"
          title={a.name}
          extra={<AreaStatusTag status={a.status} />}
          onClick={() => onSelect(a.id)}
          data-testid={`ledger-row-${a.id}`}
        >
          <Space wrap size={[8, 4]}>
            <KindTag kind={a.kind} />
            <span className="jy-mono">{a.code}</span>
            <span>
              {t('areas.childCount')}：{a.childCount}
            </span>
          </Space>
        </Card>
      )}
    />
  );
}
