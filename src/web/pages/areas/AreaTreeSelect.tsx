import { TreeSelect } from 'antd';
import { useMemo } from 'react';
import { type AreaTreeNode, areaLabel } from '../../../contract/areas.js';
import { errorMessage } from '../../app/api.js';
import { useAuth } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { kindLabel } from '../../app/labels.js';
import { useAreaNodes } from './queries.js';

interface Props {
  value?: number | null;
  onChange?: (id: number | null) => void;
  /** Shown for a value outside the loaded part of the tree (e.g. the user's current area). */
  valueLabel?: string;
  placeholder?: string;
  disabled?: boolean;
  allowClear?: boolean;
  'data-testid'?: string;
}

/**
 * Pick a node of the area tree (GET /api/areas/tree, deeper levels loaded on expand). A user without
 * `area.read` (the security administrator) cannot load the tree: they get the areas of their own role
 * scopes to choose from.
 */
export function AreaTreeSelect({
  value,
  onChange,
  valueLabel,
  placeholder,
  disabled,
  allowClear,
  ...rest
}: Props) {
  const t = useT();
  const { me, can } = useAuth();
  const canRead = can('area.read');
  const { tree, nodes: treeNodes, loadChildren } = useAreaNodes(false, canRead);

  const nodes = useMemo(() => {
    if (canRead) return treeNodes;
    const own = new Map<number, AreaTreeNode>();
    for (const r of me?.roles ?? []) {
      own.set(r.areaId, {
        id: r.areaId,
        parentId: null,
        kind: r.areaKind,
        code: '',
        name: r.areaName,
        status: 'active',
        childCount: 0,
        hasBoundary: false,
      });
    }
    return own;
  }, [canRead, treeNodes, me]);

  const data = useMemo(() => {
    // The chosen node reads with what tells it apart ("友谊河社区 / 第一网格"): names repeat.
    const chain = (n: AreaTreeNode) => {
      const out: AreaTreeNode[] = [n];
      for (let p = n.parentId; p !== null; ) {
        const up = nodes.get(p);
        if (!up) break;
        out.unshift(up);
        p = up.parentId;
      }
      return out;
    };
    const list = [...nodes.values()].map((n) => ({
      id: n.id,
      pId: n.parentId !== null && nodes.has(n.parentId) ? n.parentId : 0,
      value: n.id,
      title: `${n.name}（${kindLabel(t, n.kind)}）`,
      label: areaLabel(chain(n)),
      isLeaf: n.childCount === 0,
    }));
    if (value != null && !nodes.has(value)) {
      list.push({
        id: value,
        pId: 0,
        value,
        title: valueLabel ?? '…',
        label: valueLabel ?? '…',
        isLeaf: true,
      });
    }
    return list;
  }, [nodes, value, valueLabel, t]);

  return (
    <TreeSelect
      {...rest}
      treeDataSimpleMode={{ id: 'id', pId: 'pId', rootPId: 0 }}
      treeData={data}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v === undefined || v === null ? null : Number(v))}
      loadData={async (node) => {
        if (canRead) await loadChildren(Number(node.value));
      }}
      showSearch={{ treeNodeFilterProp: 'title' }}
      treeNodeLabelProp="label"
      allowClear={allowClear}
      disabled={disabled}
      loading={canRead && tree.isPending}
      placeholder={placeholder ?? t('areas.pickArea')}
      notFoundContent={
        tree.error ? `${t('error.loadFailed')}: ${errorMessage(tree.error)}` : t('common.noData')
      }
      status={tree.error ? 'warning' : undefined}
      popupMatchSelectWidth={false}
      style={{ width: '100%' }}
      styles={{ popup: { root: { maxHeight: 400, overflow: 'auto', minWidth: 260 } } }}
    />
  );
}
