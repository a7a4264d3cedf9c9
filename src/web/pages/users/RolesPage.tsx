import { LockOutlined, PlusOutlined, WarningOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Drawer,
  Empty,
  Form,
  Input,
  Row,
  Skeleton,
  Space,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import type { Duty, PermissionDef, Role } from '../../../contract/roles.js';
import { api, isApiError } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { FormModal, useSubmit } from '../../app/forms.js';
import { hasMessage, type TFunction, useI18n } from '../../app/i18n.js';
import { adminKindLabel } from '../../app/labels.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { ErrorState, PageHeader, useIsMobile, useNotify } from '../../app/ui.js';
import { roleKeys, usePermissions, useRoles } from './queries.js';

function moduleLabel(t: TFunction, module: string): string {
  const key = `module.${module}`;
  return hasMessage(key) ? t(key) : module;
}

/** Colours of the duties of 三权分立 (docs/security.md); business data is the default, untagged. */
const DUTY_COLOR: Record<Duty, string> = {
  system: 'purple',
  security: 'volcano',
  audit: 'magenta',
  business: 'blue',
  common: 'default',
};

export function DutyTag({ duty }: { duty: Duty }) {
  const { t } = useI18n();
  return <Tag color={DUTY_COLOR[duty]}>{t(`roles.duty.${duty}`)}</Tag>;
}

function groupByModule(perms: PermissionDef[]): [string, PermissionDef[]][] {
  const map = new Map<string, PermissionDef[]>();
  for (const p of perms) {
    const list = map.get(p.module) ?? [];
    list.push(p);
    map.set(p.module, list);
  }
  return [...map.entries()];
}

/** Permission checkboxes grouped by module; sensitive permissions are marked. */
function PermissionPicker({
  value,
  onChange,
  perms,
  disabled,
}: {
  value?: string[];
  onChange?: (v: string[]) => void;
  perms: PermissionDef[];
  disabled?: boolean;
}) {
  const { t, lang } = useI18n();
  const selected = new Set(value ?? []);
  const groups = groupByModule(perms);
  const setModule = (names: string[], on: boolean) => {
    const next = new Set(selected);
    for (const n of names) {
      if (on) next.add(n);
      else next.delete(n);
    }
    onChange?.([...next]);
  };
  return (
    <Space orientation="vertical" size={8} style={{ width: '100%' }}>
      {groups.map(([module, list]) => {
        const names = list.map((p) => p.name);
        const count = names.filter((n) => selected.has(n)).length;
        return (
          <Card
            key={module}
            size="small"
            title={
              <Checkbox
                checked={count === names.length}
                indeterminate={count > 0 && count < names.length}
                disabled={disabled}
                onChange={(e) => setModule(names, e.target.checked)}
              >
                {moduleLabel(t, module)}
              </Checkbox>
            }
          >
            <Row gutter={[8, 6]}>
              {list.map((p) => (
                <Col xs={24} sm={12} key={p.name}>
                  <Checkbox
                    checked={selected.has(p.name)}
                    disabled={disabled}
                    onChange={(e) => setModule([p.name], e.target.checked)}
                  >
                    <Tooltip title={p.name}>
                      <span>{lang === 'en' ? p.en : p.zh}</span>
                    </Tooltip>
                    {p.sensitive ? (
                      <Tag color="red" icon={<WarningOutlined />} style={{ marginInlineStart: 6 }}>
                        {t('roles.sensitive')}
                      </Tag>
                    ) : null}
                    {p.duty !== 'business' ? (
                      <span style={{ marginInlineStart: 6 }}>
                        <DutyTag duty={p.duty} />
                      </span>
                    ) : null}
                  </Checkbox>
                </Col>
              ))}
            </Row>
          </Card>
        );
      })}
    </Space>
  );
}

interface RoleValues {
  code: string;
  nameZh: string;
  nameEn: string;
  permissions: string[];
}

function RoleModal({
  role,
  open,
  onClose,
  perms,
}: {
  role: Role | null;
  open: boolean;
  onClose: () => void;
  perms: PermissionDef[];
}) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const mobile = useIsMobile();
  const [form] = Form.useForm<RoleValues>();
  const { busy, run, ok } = useSubmit(form);

  const onFinish = async (v: RoleValues) => {
    await run(
      async () => {
        if (role) {
          await api.patch<Role>(
            `/api/roles/${role.id}`,
            { nameZh: v.nameZh.trim(), nameEn: v.nameEn.trim(), permissions: v.permissions ?? [] },
            { ifMatch: role.version },
          );
        } else {
          await api.post<Role>('/api/roles', {
            code: v.code.trim(),
            nameZh: v.nameZh.trim(),
            nameEn: v.nameEn.trim(),
            permissions: v.permissions ?? [],
          });
        }
        ok(t('common.saved'));
        await qc.invalidateQueries({ queryKey: roleKeys.all });
        onClose();
      },
      async (e) => {
        if (isApiError(e) && e.status === 412) await qc.invalidateQueries({ queryKey: roleKeys.all });
      },
    );
  };

  return (
    <FormModal<RoleValues>
      open={open}
      title={role ? t('roles.editTitle', { name: role.nameZh }) : t('roles.createTitle')}
      onClose={onClose}
      width={mobile ? '100%' : 760}
      form={form}
      onFinish={onFinish}
      initialValues={
        role
          ? { code: role.code, nameZh: role.nameZh, nameEn: role.nameEn, permissions: role.permissions }
          : { permissions: [] }
      }
      busy={busy}
    >
      <Row gutter={12}>
        <Col xs={24} md={8}>
          <Form.Item
            name="code"
            label={t('roles.code')}
            extra={role ? undefined : t('roles.codeHint')}
            rules={[
              { required: true, message: t('form.required') },
              { pattern: /^[a-z][a-z0-9_]{2,39}$/, message: t('roles.codeInvalid') },
            ]}
          >
            <Input disabled={role !== null} maxLength={40} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item
            name="nameZh"
            label={t('roles.nameZh')}
            rules={[{ required: true, whitespace: true, message: t('form.required') }]}
          >
            <Input maxLength={40} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item
            name="nameEn"
            label={t('roles.nameEn')}
            rules={[{ required: true, whitespace: true, message: t('form.required') }]}
          >
            <Input maxLength={60} />
          </Form.Item>
        </Col>
      </Row>
      <Alert type="info" showIcon title={t('roles.dutyRules')} style={{ marginBottom: 12 }} />
      <Form.Item name="permissions" label={t('roles.permissions')}>
        {/* Audit permissions belong to the built-in audit administrator alone: not offered. */}
        <PermissionPicker perms={perms.filter((p) => p.duty !== 'audit')} />
      </Form.Item>
    </FormModal>
  );
}

export default function RolesPage() {
  const { t, lang } = useI18n();
  const can = useCan();
  const qc = useQueryClient();
  const mobile = useIsMobile();
  const { modal } = App.useApp();
  const { fail, ok } = useNotify();
  const roles = useRoles();
  const perms = usePermissions();
  const [viewing, setViewing] = useState<Role | null>(null);
  const [editing, setEditing] = useState<Role | null>(null);
  const [creating, setCreating] = useState(false);
  const lp = useLedgerParams(100);
  const search = lp.sp.get('q') ?? '';

  const permByName = useMemo(
    () => new Map((perms.data?.items ?? []).map((p) => [p.name, p] as const)),
    [perms.data],
  );
  const filtered = (roles.data?.items ?? []).filter((r) => {
    const q = search.trim().toLowerCase();
    return !q || r.code.includes(q) || r.nameZh.includes(q) || r.nameEn.toLowerCase().includes(q);
  });

  const remove = (r: Role) =>
    modal.confirm({
      title: t('roles.deleteConfirm', { name: lang === 'en' ? r.nameEn : r.nameZh }),
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await api.del(`/api/roles/${r.id}`);
          ok(t('roles.deleted'));
          await qc.invalidateQueries({ queryKey: roleKeys.all });
        } catch (e) {
          fail(e);
        }
      },
    });

  const roleName = (r: Role) => (lang === 'en' ? r.nameEn : r.nameZh);
  const permWords = (r: Role) =>
    r.permissions
      .map((n) => {
        const p = permByName.get(n);
        return p ? (lang === 'en' ? p.en : p.zh) : n;
      })
      .join('、');
  const actions = (r: Role) => (
    <Space size={0} wrap onClick={(e) => e.stopPropagation()}>
      <Button type="link" size="small" onClick={() => setViewing(r)}>
        {t('roles.viewPermissions')}
      </Button>
      {r.abilities.includes('update') ? (
        <Button type="link" size="small" onClick={() => setEditing(r)} disabled={!perms.data}>
          {t('common.edit')}
        </Button>
      ) : null}
      {r.abilities.includes('delete') ? (
        <Button type="link" size="small" danger onClick={() => remove(r)}>
          {t('common.delete')}
        </Button>
      ) : null}
    </Space>
  );
  const columns: LedgerColumn<Role>[] = [
    {
      key: 'name',
      title: t('roles.name'),
      value: (r) => roleName(r),
      text: (r) => `${roleName(r)}（${r.code}）`,
      render: (r) => (
        <div>
          <div style={{ fontWeight: 500 }}>{roleName(r)}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.code}
          </Typography.Text>
        </div>
      ),
    },
    {
      key: 'kind',
      title: t('roles.kind'),
      value: (r) => (r.builtin ? 0 : 1),
      text: (r) =>
        [
          r.builtin ? t('roles.builtin') : t('roles.custom'),
          r.adminKind ? adminKindLabel(t, r.adminKind) : '',
        ]
          .filter(Boolean)
          .join('、'),
      render: (r) => (
        <Space size={4} wrap>
          {r.builtin ? (
            <Tag icon={<LockOutlined />} color="default">
              {t('roles.builtin')}
            </Tag>
          ) : (
            <Tag color="cyan">{t('roles.custom')}</Tag>
          )}
          {r.adminKind ? <Tag color="red">{adminKindLabel(t, r.adminKind)}</Tag> : null}
        </Space>
      ),
    },
    {
      key: 'duties',
      title: t('roles.duties'),
      text: (r) => r.duties.map((d) => t(`roles.duty.${d}`)).join('、'),
      render: (r) => (
        <Space size={4} wrap>
          {r.duties.map((d) => (
            <DutyTag key={d} duty={d} />
          ))}
        </Space>
      ),
    },
    {
      key: 'pc',
      title: t('roles.permissionCount'),
      align: 'right',
      value: (r) => r.permissions.length,
      text: (r) => String(r.permissions.length),
    },
    {
      key: 'permissions',
      title: t('lists.roles.permissions'),
      hidden: true,
      text: permWords,
      width: 360,
      ellipsis: true,
    },
    { key: 'userCount', title: t('roles.userCount'), align: 'right', value: (r) => r.userCount },
    { key: 'actions', title: t('common.actions'), noPrint: true, render: actions },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.roles')}
        extra={
          can('role.manage') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('roles.create')}
            </Button>
          ) : null
        }
      />
      <Ledger<Role>
        id="roles"
        title={t('lists.roles.title')}
        params={lp}
        query={{
          data: roles.data ? { items: filtered, total: filtered.length } : undefined,
          isPending: roles.isPending,
          isFetching: roles.isFetching,
          error: roles.error,
          refetch: roles.refetch,
        }}
        paged={false}
        columns={columns}
        rowKey={(r) => r.id}
        onOpen={(r) => setViewing(r)}
        testId="roles-table"
        emptyText={search ? t('roles.emptyFiltered') : t('roles.empty')}
        saveFilters={false}
        search={{
          value: search,
          onChange: (v) => lp.update({ q: v }),
          placeholder: t('roles.searchPlaceholder'),
        }}
        exportTo={{
          path: '/api/roles/export',
          body: { q: search.trim() || undefined },
          fileName: 'roles.xlsx',
        }}
        print={{ landscape: true }}
        card={{
          title: (r) => roleName(r),
          fields: ['kind', 'duties', 'pc', 'userCount'],
          extra: (r) => actions(r),
        }}
      />

      <Drawer
        open={viewing !== null}
        onClose={() => setViewing(null)}
        size={mobile ? '100%' : 560}
        title={
          viewing ? t('roles.permissionsOf', { name: lang === 'en' ? viewing.nameEn : viewing.nameZh }) : ''
        }
      >
        {viewing ? (
          perms.isPending ? (
            <Skeleton active />
          ) : perms.error ? (
            <ErrorState compact error={perms.error} onRetry={() => void perms.refetch()} />
          ) : viewing.permissions.length === 0 ? (
            <Empty description={t('roles.noPermissions')} />
          ) : (
            <>
              {viewing.builtin ? (
                <Typography.Paragraph type="secondary">{t('roles.builtinReadOnly')}</Typography.Paragraph>
              ) : null}
              <PermissionPicker
                perms={viewing.permissions.map(
                  (n) =>
                    permByName.get(n) ?? {
                      name: n,
                      module: 'other',
                      zh: n,
                      en: n,
                      sensitive: false,
                      duty: 'common',
                    },
                )}
                value={viewing.permissions}
                disabled
              />
            </>
          )
        ) : null}
      </Drawer>

      <RoleModal
        key={editing?.id ?? 'new'}
        role={editing}
        open={creating || editing !== null}
        onClose={() => {
          setCreating(false);
          setEditing(null);
        }}
        perms={perms.data?.items ?? []}
      />
    </>
  );
}
