import {
  DeleteOutlined,
  EditOutlined,
  InboxOutlined,
  PlusOutlined,
  RollbackOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Breadcrumb, Button, Card, Descriptions, Space, Tabs, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import type { Area } from '../../../contract/areas.js';
import { api } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { AreaStatusTag, KindTag, kindLabel } from '../../app/labels.js';
import { useNotify } from '../../app/ui.js';
import { CreateAreaModal, childKindsOf, EditAreaModal } from './AreaForms.js';
import { BoundaryTab } from './BoundaryTab.js';
import { ChildrenTable } from './ChildrenTable.js';
import { areaKeys } from './queries.js';
import { StaffTab, staffRolesFor } from './StaffTab.js';

export type AreaTab = 'info' | 'children' | 'boundary' | 'staff';

export function AreaDetail({
  area,
  onSelect,
  tab,
  onTab,
}: {
  area: Area;
  onSelect: (id: number | null) => void;
  tab: AreaTab;
  onTab: (tab: AreaTab) => void;
}) {
  const t = useT();
  const qc = useQueryClient();
  const { fail, ok } = useNotify();
  const { modal } = App.useApp();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState(false);
  const can = (a: string) => area.abilities.includes(a);
  const canUser = useCan();
  const childKinds = childKindsOf(area.kind);
  const hasStaff = staffRolesFor(area).length > 0;

  const path = area.path.some((p) => p.id === area.id)
    ? area.path
    : [...area.path, { id: area.id, name: area.name, kind: area.kind }];

  const act = (kind: 'archive' | 'restore' | 'delete') => {
    const titles = {
      archive: t('areas.archiveConfirm', { name: area.name }),
      restore: t('areas.restoreConfirm', { name: area.name }),
      delete: t('areas.deleteConfirm', { name: area.name }),
    };
    modal.confirm({
      title: titles[kind],
      content:
        kind === 'delete' ? t('areas.deleteHint') : kind === 'archive' ? t('areas.archiveHint') : undefined,
      okButtonProps: { danger: kind !== 'restore' },
      okText: t(`areas.${kind}`),
      onOk: async () => {
        try {
          if (kind === 'delete') {
            await api.del(`/api/areas/${area.id}`);
            ok(t('areas.deleted', { name: area.name }));
            onSelect(area.parentId);
            qc.removeQueries({ queryKey: areaKeys.detail(area.id) });
          } else {
            await api.post<Area>(`/api/areas/${area.id}/${kind}`);
            ok(kind === 'archive' ? t('areas.archived') : t('areas.restored'));
          }
          await qc.invalidateQueries({ queryKey: areaKeys.all });
        } catch (e) {
          fail(e);
        }
      },
    });
  };

  const showHouse = area.kind === 'house' && canUser('house.read');
  const hasActions =
    showHouse ||
    (can('create') && childKinds.length > 0) ||
    can('update') ||
    (can('archive') && area.status === 'active') ||
    (can('restore') && area.status === 'archived') ||
    can('delete');
  const actions = (
    <Space wrap size={[8, 8]}>
      {showHouse ? (
        <Link to={`/houses/${area.id}`}>
          <Button type="primary" icon={<TeamOutlined />} data-testid="area-house-residents">
            {t('areas.viewResidents')}
          </Button>
        </Link>
      ) : null}
      {can('create') && childKinds.length > 0 ? (
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setCreating(true)}
          data-testid="area-add-child"
        >
          {t('areas.addChild')}
        </Button>
      ) : null}
      {can('update') ? (
        <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="area-edit">
          {t('common.edit')}
        </Button>
      ) : null}
      {can('archive') && area.status === 'active' ? (
        <Button icon={<InboxOutlined />} onClick={() => act('archive')}>
          {t('areas.archive')}
        </Button>
      ) : null}
      {can('restore') && area.status === 'archived' ? (
        <Button icon={<RollbackOutlined />} onClick={() => act('restore')}>
          {t('areas.restore')}
        </Button>
      ) : null}
      {can('delete') && area.childCount > 0 ? (
        // A node with children can never be deleted (AREA_HAS_CHILDREN): say so instead of failing.
        <Tooltip title={t('words.deleteHasChildren', { n: area.childCount })}>
          <Button danger disabled icon={<DeleteOutlined />} data-testid="area-delete">
            {t('common.delete')}
          </Button>
        </Tooltip>
      ) : can('delete') ? (
        <Button danger icon={<DeleteOutlined />} onClick={() => act('delete')} data-testid="area-delete">
          {t('common.delete')}
        </Button>
      ) : null}
    </Space>
  );

  const items = [
    {
      key: 'info' as const,
      label: t('areas.tabInfo'),
      children: (
        <Descriptions
          bordered
          size="small"
          column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 3 }}
          items={[
            { key: 'name', label: t('areas.name'), children: area.name },
            {
              key: 'code',
              label: t('areas.code'),
              children: <Typography.Text copyable>{area.code}</Typography.Text>,
            },
            { key: 'kind', label: t('areas.kind'), children: kindLabel(t, area.kind) },
            { key: 'status', label: t('common.status'), children: <AreaStatusTag status={area.status} /> },
            { key: 'sort', label: t('areas.sortOrder'), children: area.sortOrder },
            { key: 'children', label: t('areas.childCount'), children: area.childCount },
            {
              key: 'boundary',
              label: t('areas.boundary'),
              children: area.boundary
                ? t('areas.boundaryVertices', {
                    n: Math.max(0, (area.boundary.coordinates[0]?.length ?? 1) - 1),
                  })
                : t('areas.noBoundary'),
            },
            {
              key: 'center',
              label: t('areas.center'),
              children: area.center ? `${area.center[0].toFixed(6)}, ${area.center[1].toFixed(6)}` : '—',
            },
            {
              key: 'path',
              label: t('areas.path'),
              span: 'filled' as const,
              children: path.map((p) => p.name).join(' / '),
            },
          ]}
        />
      ),
    },
    ...(area.childCount > 0 || childKinds.length > 0
      ? [
          {
            key: 'children' as const,
            label: t('areas.tabChildren', { n: area.childCount }),
            children: <ChildrenTable key={area.id} parent={area} onSelect={onSelect} />,
          },
        ]
      : []),
    {
      key: 'boundary' as const,
      label: t('areas.tabBoundary'),
      children: <BoundaryTab area={area} onSelect={onSelect} />,
    },
    ...(hasStaff
      ? [
          {
            key: 'staff' as const,
            label: t('areas.tabStaff'),
            children: <StaffTab key={area.id} area={area} />,
          },
        ]
      : []),
  ];
  const activeTab = items.some((i) => i.key === tab) ? tab : 'info';

  return (
    <Card
      data-testid="area-detail"
      title={
        <Space size={8} wrap>
          <KindTag kind={area.kind} />
          <span>{area.name}</span>
          {area.status === 'archived' ? <AreaStatusTag status="archived" /> : null}
        </Space>
      }
    >
      <Breadcrumb
        style={{ marginBottom: 12 }}
        items={path.map((p) => ({
          key: p.id,
          title:
            p.id === area.id ? (
              p.name
            ) : (
              <a
                href={`/areas?focus=${p.id}`}
                onClick={(e) => {
                  e.preventDefault();
                  onSelect(p.id);
                }}
              >
                {p.name}
              </a>
            ),
        }))}
      />
      {hasActions ? <div style={{ marginBottom: 12 }}>{actions}</div> : null}
      <Tabs activeKey={activeTab} onChange={(k) => onTab(k as AreaTab)} items={items} destroyOnHidden />
      <CreateAreaModal
        parent={area}
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(a) => {
          setCreating(false);
          onSelect(a.id);
        }}
      />
      <EditAreaModal area={area} open={editing} onClose={() => setEditing(false)} />
    </Card>
  );
}
