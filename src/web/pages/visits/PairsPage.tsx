import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Select, Skeleton, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../app/api.js';
import { useAuth } from '../../app/auth.js';
import { FormModal, useSubmit } from '../../app/forms.js';
import { useT } from '../../app/i18n.js';
import {
  ErrorState,
  emptyText,
  PageHeader,
  RowList,
  useDebounced,
  useIsMobile,
  useNotify,
} from '../../app/ui.js';
import { usePersonSearch } from '../registry/queries.js';
import { type Pair, usePairs, useUserCandidates, visitKeys } from './queries.js';
import { VisitSettingsNav } from './RulesPage.js';

interface PairValues {
  personId?: number;
  userId?: number;
  note?: string;
}

function PersonPick({ value, onChange }: { value?: number; onChange?: (v: number | undefined) => void }) {
  const t = useT();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const found = usePersonSearch(q, q.length > 0);
  const items = q ? (found.data?.items ?? []) : [];
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setSearch }}
      allowClear
      value={value}
      onChange={(v) => onChange?.(v)}
      placeholder={t('registry.searchPerson')}
      loading={found.isFetching}
      options={items.map((p) => ({ value: p.id, label: `${p.name}${p.address ? ` · ${p.address}` : ''}` }))}
      notFoundContent={q ? t('common.noData') : t('registry.typeToSearch')}
      style={{ width: '100%' }}
      data-testid="pair-person"
    />
  );
}

/** Users of the manager's scope (the area staff candidates). */
function UserPick({ value, onChange }: { value?: number; onChange?: (v: number | undefined) => void }) {
  const t = useT();
  const { me } = useAuth();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const areaId =
    me?.roles.find((r) => r.areaKind === 'community')?.areaId ??
    me?.roles.find((r) => r.areaKind === 'street')?.areaId ??
    me?.roles[0]?.areaId;
  const found = useUserCandidates(areaId, q, true);
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setSearch }}
      allowClear
      value={value}
      onChange={(v) => onChange?.(v)}
      placeholder={t('pair.searchUser')}
      loading={found.isFetching}
      options={(found.data?.items ?? []).map((u) => ({
        value: u.id,
        label: `${u.displayName}（${u.username}）`,
      }))}
      notFoundContent={found.error ? t('pair.usersUnavailable') : t('common.noData')}
      style={{ width: '100%' }}
      data-testid="pair-user"
    />
  );
}

/** "结对帮扶": people paired with the cadre or party member who visits them (rules with visitor "pair"). */
export default function PairsPage() {
  const t = useT();
  const { can } = useAuth();
  const mobile = useIsMobile();
  const qc = useQueryClient();
  const { modal } = App.useApp();
  const { fail, ok } = useNotify();
  const pairs = usePairs({});
  const [adding, setAdding] = useState(false);
  const [search, setSearch] = useState('');
  const [form] = Form.useForm<PairValues>();
  const submit = useSubmit(form);
  const q = search.trim();
  const items = useMemo(
    () => (pairs.data ?? []).filter((p) => !q || p.personName.includes(q) || p.userName.includes(q)),
    [pairs.data, q],
  );

  const remove = (p: Pair) =>
    modal.confirm({
      title: t('pair.removeConfirm', { person: p.personName, user: p.userName }),
      okButtonProps: { danger: true },
      okText: t('common.remove'),
      onOk: async () => {
        try {
          await api.del(`/api/visit-pairs/${p.id}`);
          await qc.invalidateQueries({ queryKey: visitKeys.pairsAll });
          ok(t('pair.removed'));
        } catch (e) {
          fail(e);
        }
      },
    });

  const personCell = (p: Pair) =>
    can('person.read') ? <Link to={`/people/${p.personId}`}>{p.personName}</Link> : p.personName;

  return (
    <>
      <PageHeader
        title={t('nav.visitPairs')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setAdding(true)}
            data-testid="pair-add"
          >
            {t('pair.add')}
          </Button>
        }
      />
      <VisitSettingsNav current="pairs" />
      <div className="jy-filter-bar">
        <Input.Search
          allowClear
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder={t('pair.search')}
          style={{ width: mobile ? undefined : 260 }}
        />
      </div>
      {pairs.error && !pairs.data ? (
        <ErrorState error={pairs.error} onRetry={() => void pairs.refetch()} />
      ) : mobile ? (
        pairs.isPending ? (
          <Skeleton active paragraph={{ rows: 5 }} />
        ) : items.length === 0 ? (
          emptyText(q ? t('pair.emptyFiltered') : t('pair.empty'))
        ) : (
          <div data-testid="pairs-table">
            <RowList
              items={items}
              rowKey={(p) => p.id}
              render={(p) => (
                <div>
                  <Typography.Text strong>{personCell(p)}</Typography.Text>
                  <div style={{ fontSize: 13 }}>{t('pair.helperShort', { name: p.userName })}</div>
                  {p.note ? <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{p.note}</div> : null}
                </div>
              )}
              actions={(p) => (
                <Button
                  danger
                  type="text"
                  icon={<DeleteOutlined />}
                  onClick={() => remove(p)}
                  aria-label={t('common.remove')}
                />
              )}
            />
          </div>
        )
      ) : (
        <Table<Pair>
          rowKey="id"
          size="middle"
          loading={pairs.isPending || pairs.isFetching}
          dataSource={items}
          data-testid="pairs-table"
          locale={{ emptyText: emptyText(q ? t('pair.emptyFiltered') : t('pair.empty')) }}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showTotal: (n) => t('common.total', { n }) }}
          columns={[
            { title: t('pair.person'), key: 'person', render: (_, p) => personCell(p) },
            { title: t('pair.user'), dataIndex: 'userName' },
            { title: t('pair.note'), dataIndex: 'note', render: (v: string | null) => v ?? '—' },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_, p) => (
                <Button type="link" danger size="small" onClick={() => remove(p)}>
                  {t('common.remove')}
                </Button>
              ),
            },
          ]}
        />
      )}
      <FormModal<PairValues>
        open={adding}
        title={t('pair.add')}
        onClose={() => setAdding(false)}
        form={form}
        busy={submit.busy}
        data-testid="pair-form"
        before={<Typography.Paragraph type="secondary">{t('pair.hint')}</Typography.Paragraph>}
        onFinish={(v) =>
          submit.run(async () => {
            await api.post<Pair>('/api/visit-pairs', {
              personId: v.personId,
              userId: v.userId,
              note: v.note?.trim() || undefined,
            });
            await qc.invalidateQueries({ queryKey: visitKeys.pairsAll });
            void qc.invalidateQueries({ queryKey: visitKeys.all });
            ok(t('pair.added'));
            setAdding(false);
          })
        }
      >
        <Form.Item
          name="personId"
          label={t('pair.person')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <PersonPick />
        </Form.Item>
        <Form.Item
          name="userId"
          label={t('pair.user')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <UserPick />
        </Form.Item>
        <Form.Item
          name="note"
          label={t('pair.note')}
          rules={[{ max: 100, message: t('form.maxLength', { n: 100 }) }]}
        >
          <Input maxLength={100} placeholder={t('pair.notePlaceholder')} />
        </Form.Item>
      </FormModal>
    </>
  );
}
