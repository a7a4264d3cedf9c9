import {
  ApartmentOutlined,
  BankOutlined,
  BorderOutlined,
  ClusterOutlined,
  HomeOutlined,
  InsertRowAboveOutlined,
  KeyOutlined,
  ShopOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { Tag } from 'antd';
import type { ReactNode } from 'react';
import type { AreaKind } from '../../contract/areas.js';
import { type TFunction, useT } from './i18n.js';

export const KIND_COLOR: Record<AreaKind, string> = {
  district: 'magenta',
  street: 'volcano',
  community: 'orange',
  grid: 'blue',
  compound: 'green',
  group: 'cyan',
  building: 'geekblue',
  unit: 'purple',
  house: 'default',
};

export const KIND_ICON: Record<AreaKind, ReactNode> = {
  district: <BankOutlined />,
  street: <ApartmentOutlined />,
  community: <TeamOutlined />,
  grid: <BorderOutlined />,
  compound: <ShopOutlined />,
  group: <ClusterOutlined />,
  building: <InsertRowAboveOutlined />,
  unit: <KeyOutlined />,
  house: <HomeOutlined />,
};

export function kindLabel(t: TFunction, kind: AreaKind): string {
  return t(`areaKind.${kind}`);
}

export function KindTag({ kind }: { kind: AreaKind }) {
  const t = useT();
  return (
    <Tag color={KIND_COLOR[kind]} icon={KIND_ICON[kind]} style={{ marginInlineEnd: 0 }}>
      {kindLabel(t, kind)}
    </Tag>
  );
}

const STAFF_ROLES = ['grid_worker', 'compound_head', 'building_head'] as const;
type StaffRole = (typeof STAFF_ROLES)[number];

export function staffRoleLabel(t: TFunction, role: string): string {
  return (STAFF_ROLES as readonly string[]).includes(role) ? t(`staffRole.${role as StaffRole}`) : role;
}

export function AreaStatusTag({ status }: { status: 'active' | 'archived' }) {
  const t = useT();
  return status === 'archived' ? (
    <Tag color="default">{t('areaStatus.archived')}</Tag>
  ) : (
    <Tag color="success">{t('areaStatus.active')}</Tag>
  );
}

export function UserStatusTag({ status }: { status: 'active' | 'disabled' | 'locked' }) {
  const t = useT();
  const color = status === 'active' ? 'success' : status === 'locked' ? 'warning' : 'default';
  return <Tag color={color}>{t(`userStatus.${status}`)}</Tag>;
}

export function adminKindLabel(t: TFunction, kind: 'system' | 'security' | 'audit'): string {
  return t(`adminKind.${kind}`);
}
