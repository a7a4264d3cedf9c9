import { Button, Input, Select, Table } from 'antd';
import { useState } from 'react';
import type { Area } from '../../../contract/areas.js';
import { useT } from '../../app/i18n.js';
import { AreaStatusTag, KindTag } from '../../app/labels.js';
import { ErrorState, emptyText, useDebounced } from '../../app/ui.js';
import { useAreaList } from './queries.js';

export function ChildrenTable({ parent, onSelect }: { parent: Area; onSelect: (id: number) => void }) {
  const t = useT();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(10);
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<'active' | 'archived' | undefined>(undefined);
  const q = useDebounced(search.trim(), 300);
  const list = useAreaList({ parentId: parent.id, q: q || undefined, status, page, pageSize });

  if (list.error && !list.data) {
    return <ErrorState compact error={list.error} onRetry={() => void list.refetch()} />;
  }

  return (
    <>
      <div className="jy-filter-bar">
        <Input.Search
          allowClear
          placeholder={t('areas.childSearch')}
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setPage(1);
          }}
          style={{ maxWidth: 280 }}
        />
        <Select
          allowClear
          placeholder={t('common.status')}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          options={[
            { value: 'active', label: t('areaStatus.active') },
            { value: 'archived', label: t('areaStatus.archived') },
          ]}
          style={{ width: 140 }}
          className="jy-filter-half"
        />
      </div>
      <Table<Area>
        rowKey="id"
        size="small"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: emptyText(q ? t('areas.searchEmpty', { q }) : t('areas.noChildren')) }}
        pagination={{
          current: page,
          pageSize,
          total: list.data?.total ?? 0,
          showSizeChanger: true,
          size: 'small',
          showTotal: (n) => t('common.total', { n }),
          onChange: (p, s) => {
            setPage(p);
            setPageSize(s);
          },
        }}
        columns={[
          {
            title: t('areas.name'),
            dataIndex: 'name',
            render: (name: string, a) => (
              <Button type="link" size="small" style={{ paddingInline: 0 }} onClick={() => onSelect(a.id)}>
                {name}
              </Button>
            ),
          },
          { title: t('areas.kind'), dataIndex: 'kind', render: (k: Area['kind']) => <KindTag kind={k} /> },
          { title: t('areas.code'), dataIndex: 'code' },
          {
            title: t('common.status'),
            dataIndex: 'status',
            render: (s: Area['status']) => <AreaStatusTag status={s} />,
          },
          { title: t('areas.childCount'), dataIndex: 'childCount', align: 'right' },
          {
            title: t('areas.boundary'),
            key: 'boundary',
            render: (_, a) => (a.boundary ? t('common.yes') : t('common.no')),
          },
        ]}
      />
    </>
  );
}
