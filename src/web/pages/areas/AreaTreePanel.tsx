import { SearchOutlined } from '@ant-design/icons';
import {
  Checkbox,
  Empty,
  type GetRef,
  Input,
  Skeleton,
  Space,
  Tag,
  Tree,
  type TreeDataNode,
  Typography,
} from 'antd';
import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import type { Area, AreaTreeNode } from '../../../contract/areas.js';
import { useT } from '../../app/i18n.js';
import { KIND_ICON, KindTag, kindLabel } from '../../app/labels.js';
import { ErrorState, useDebounced } from '../../app/ui.js';
import { indexTree, useAreaList, useAreaNodes } from './queries.js';

const KIND_ICON_COLOR: Record<AreaTreeNode['kind'], string> = {
  district: '#c41d7f',
  street: '#d4380d',
  community: '#d46b08',
  grid: '#1f6feb',
  compound: '#389e0d',
  group: '#08979c',
  building: '#1d39c4',
  unit: '#531dab',
  house: '#595959',
};

interface Props {
  selectedId: number | null;
  selectedArea: Area | undefined;
  onSelect: (id: number) => void;
  height: number | undefined;
  extra?: ReactNode;
}

export function AreaTreePanel({ selectedId, selectedArea, onSelect, height, extra }: Props) {
  const t = useT();
  const [includeArchived, setIncludeArchived] = useState(false);
  const { tree, nodes, loadChildren } = useAreaNodes(includeArchived);
  const [expanded, setExpanded] = useState<number[]>([]);
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const results = useAreaList({ q, page: 1, pageSize: 30 }, q.length > 0);
  const initialised = useRef(false);
  const revealed = useRef<number | null>(null);
  const treeRef = useRef<GetRef<typeof Tree>>(null);

  // Open the first two levels when the tree first arrives.
  useEffect(() => {
    if (initialised.current || !tree.data) return;
    initialised.current = true;
    const { roots, byParent } = indexTree(nodes);
    const open = roots.flatMap((r) => [r.id, ...(byParent.get(r.id) ?? []).map((c) => c.id)]);
    setExpanded((prev) => [...new Set([...prev, ...open.filter((id) => byParent.has(id))])]);
  }, [tree.data, nodes]);

  // Reveal the selected area: load and expand its ancestors (it may come from a link, the search or the map).
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;
  useEffect(() => {
    if (!selectedArea || !tree.data || revealed.current === selectedArea.id) return;
    revealed.current = selectedArea.id;
    const target = selectedArea.id;
    const ancestors = selectedArea.path.map((p) => p.id).filter((id) => id !== target);
    void (async () => {
      const current = nodesRef.current;
      const known = new Set(current.keys());
      const hasChildren = new Set([...current.values()].map((n) => n.parentId));
      const open: number[] = [];
      for (const id of ancestors) {
        if (!known.has(id)) continue; // above the user's part of the tree
        open.push(id);
        if (!hasChildren.has(id)) {
          try {
            for (const c of await loadChildren(id)) known.add(c.id);
          } catch {
            break;
          }
        }
      }
      if (revealed.current !== target) return;
      setExpanded((prev) => [...new Set([...prev, ...open])]);
      setTimeout(() => treeRef.current?.scrollTo({ key: target, align: 'auto' }), 120);
    })();
  }, [selectedArea, tree.data, loadChildren]);

  const treeData = useMemo<TreeDataNode[]>(() => {
    const { roots, byParent } = indexTree(nodes);
    const build = (n: AreaTreeNode): TreeDataNode => {
      const kids = byParent.get(n.id);
      return {
        key: n.id,
        title: (
          <span className="jy-tree-title" data-testid={`area-node-${n.id}`} title={n.name}>
            <span style={{ color: KIND_ICON_COLOR[n.kind], marginInlineEnd: 6 }} title={kindLabel(t, n.kind)}>
              {KIND_ICON[n.kind]}
            </span>
            <span>{n.name}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 6 }}>
              {kindLabel(t, n.kind)}
            </Typography.Text>
            {n.status === 'archived' ? (
              <Tag style={{ marginInlineStart: 6 }} color="default">
                {t('areaStatus.archived')}
              </Tag>
            ) : null}
          </span>
        ),
        isLeaf: n.childCount === 0 && !kids,
        children: kids?.map(build),
      };
    };
    return roots.map(build);
  }, [nodes, t]);

  const searching = q.length > 0;

  return (
    <div>
      <Space orientation="vertical" size={8} style={{ width: '100%', marginBottom: 8 }}>
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('areas.searchPlaceholder')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          data-testid="area-search"
        />
        <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
          <Checkbox checked={includeArchived} onChange={(e) => setIncludeArchived(e.target.checked)}>
            {t('areas.showArchived')}
          </Checkbox>
          {extra}
        </Space>
      </Space>

      {searching ? (
        results.error ? (
          <ErrorState compact error={results.error} onRetry={() => void results.refetch()} />
        ) : results.isPending ? (
          <Skeleton active />
        ) : (results.data?.items.length ?? 0) === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('areas.searchEmpty', { q })} />
        ) : (
          <div className="jy-search-results" data-testid="area-search-results">
            {results.data?.items.map((a) => (
              <button
                type="button"
                key={a.id}
                className={`jy-search-result${a.id === selectedId ? ' active' : ''}`}
                onClick={() => {
                  onSelect(a.id);
                  setSearch('');
                }}
              >
                <Space size={6} wrap>
                  <KindTag kind={a.kind} />
                  <span style={{ fontWeight: 500 }}>{a.name}</span>
                </Space>
                <div className="jy-search-path">
                  {a.path
                    .filter((p) => p.id !== a.id)
                    .map((p) => p.name)
                    .join(' / ')}
                </div>
              </button>
            ))}
            {(results.data?.total ?? 0) > (results.data?.items.length ?? 0) ? (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('areas.searchMore', { n: results.data?.total ?? 0 })}
              </Typography.Text>
            ) : null}
          </div>
        )
      ) : tree.error ? (
        <ErrorState compact error={tree.error} onRetry={() => void tree.refetch()} />
      ) : tree.isPending ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : treeData.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('areas.treeEmpty')} />
      ) : (
        <div data-testid="area-tree">
          <Tree
            ref={treeRef}
            className="jy-tree"
            blockNode
            treeData={treeData}
            height={height}
            selectedKeys={selectedId ? [selectedId] : []}
            expandedKeys={expanded}
            onExpand={(keys) => setExpanded(keys.map(Number))}
            onSelect={(keys) => {
              const k = keys[0];
              if (k !== undefined) onSelect(Number(k));
            }}
            loadData={async (node) => {
              await loadChildren(Number(node.key));
            }}
          />
        </div>
      )}
    </div>
  );
}
