import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Select, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../app/api.js';
import { useAuth } from '../../app/auth.js';
import { FormModal, useSubmit } from '../../app/forms.js';
import { useT } from '../../app/i18n.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { PageHeader, useDebounced, useNotify } from '../../app/ui.js';
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
  const qc = useQueryClient();
  const { modal } = App.useApp();
  const { fail, ok } = useNotify();
  const pairs = usePairs({});
  const [adding, setAdding] = useState(false);
  const lp = useLedgerParams(100);
  const search = lp.sp.get('q') ?? '';
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

  const columns: LedgerColumn<Pair>[] = [
    {
      key: 'personName',
      title: t('pair.person'),
      value: (p) => p.personName,
      render: (p) => personCell(p),
    },
    { key: 'userName', title: t('pair.user'), value: (p) => p.userName },
    { key: 'note', title: t('pair.note'), value: (p) => p.note, text: (p) => p.note ?? '—' },
    {
      key: 'actions',
      title: t('common.actions'),
      noPrint: true,
      render: (p) => (
        <Button
          type="link"
          danger
          size="small"
          onClick={(e) => {
            e.stopPropagation();
            remove(p);
          }}
        >
          {t('common.remove')}
        </Button>
      ),
    },
  ];

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
      <Ledger<Pair>
        id="visit-pairs"
        title={t('lists.pairs.title')}
        params={lp}
        query={{
          data: pairs.data ? { items, total: items.length } : undefined,
          isPending: pairs.isPending,
          isFetching: pairs.isFetching,
          error: pairs.error,
          refetch: pairs.refetch,
        }}
        paged={false}
        columns={columns}
        rowKey={(p) => p.id}
        testId="pairs-table"
        emptyText={q ? t('pair.emptyFiltered') : t('pair.empty')}
        saveFilters={false}
        search={{ value: search, onChange: (v) => lp.update({ q: v }), placeholder: t('pair.search') }}
        exportTo={{
          path: '/api/visit-pairs/export',
          body: { q: q || undefined },
          fileName: 'visit-pairs.xlsx',
        }}
        print
        card={{
          title: (p) => personCell(p),
          fields: ['userName', 'note'],
          extra: (p) => (
            <Button
              danger
              type="text"
              icon={<DeleteOutlined />}
              onClick={(e) => {
                e.stopPropagation();
                remove(p);
              }}
              aria-label={t('common.remove')}
            />
          ),
        }}
      />
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
