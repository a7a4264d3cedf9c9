import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input, Select, Tag } from 'antd';
import { useEffect, useState } from 'react';
import type { Page } from '../../../contract/common.js';
import type { ResidentAccount } from '../../../contract/residents.js';
import { api } from '../../app/api.js';
import { FormModal, useSubmit } from '../../app/forms.js';
import { type MessageKey, useT } from '../../app/i18n.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { fmtTime } from '../../app/time.js';
import { PageHeader, useDebounced } from '../../app/ui.js';

type Params = { q?: string; state?: string; sort?: string; page: number; pageSize: number };
const fetchAccounts = (p: Params) => api.get<Page<ResidentAccount>>('/api/resident-accounts', { ...p });
const STATE_COLOR = { verified: 'green', unverified: 'orange', disabled: 'default' } as const;

/** 窗口核验 / 换绑: the officer picks the person (after checking the ID card) and says what was checked. */
function VerifyModal({
  target,
  onClose,
}: {
  target: { account: ResidentAccount; rebind: boolean } | null;
  onClose: () => void;
}) {
  const t = useT();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ personId: number; note: string }>();
  const { busy, run, ok } = useSubmit(form);
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const people = useQuery({
    queryKey: ['residentAccounts', 'people', q],
    queryFn: () =>
      api.get<Page<{ id: number; name: string; idNumber: string | null; address: string }>>('/api/people', {
        q,
        pageSize: 20,
      }),
    enabled: q.length >= 1,
  });
  return (
    <FormModal<{ personId: number; note: string }>
      open={target !== null}
      title={target?.rebind ? t('residentAccounts.rebindTitle') : t('residentAccounts.verifyTitle')}
      onClose={onClose}
      form={form}
      busy={busy}
      initialValues={{ note: '' } as never}
      onFinish={(v) =>
        run(async () => {
          if (!target) return;
          await api.post(
            `/api/resident-accounts/${target.account.id}/${target.rebind ? 'rebind' : 'verify'}`,
            v,
          );
          ok(t('residentAccounts.done'));
          await qc.invalidateQueries({ queryKey: ['residentAccounts'] });
          onClose();
        })
      }
    >
      <Form.Item
        name="personId"
        label={t('residentAccounts.person')}
        rules={[{ required: true, message: t('form.required') }]}
      >
        <Select
          showSearch
          filterOption={false}
          onSearch={setSearch}
          loading={people.isFetching}
          data-testid="resident-verify-person"
          options={(people.data?.items ?? []).map((p) => ({
            value: p.id,
            label: `${p.name} · ${p.idNumber ?? ''} · ${p.address}`,
          }))}
        />
      </Form.Item>
      <Form.Item
        name="note"
        label={t('residentAccounts.note')}
        rules={[{ required: true, whitespace: true, min: 2, message: t('form.required') }]}
      >
        <Input
          maxLength={200}
          placeholder={t('residentAccounts.notePlaceholder')}
          data-testid="resident-verify-note"
        />
      </Form.Item>
    </FormModal>
  );
}

/** 居民账户: verified residents in scope; an unverified account by its whole number (the resident at the window). */
export default function ResidentAccountsPage() {
  const t = useT();
  const lp = useLedgerParams();
  const { sp, update } = lp;
  const filters = { q: sp.get('q') || undefined, state: sp.get('state') || undefined, sort: lp.sort };
  const [search, setSearch] = useState(filters.q ?? '');
  const q = useDebounced(search.trim(), 300);
  useEffect(() => {
    if ((q || undefined) !== filters.q) update({ q });
  }, [q, filters.q, update]);
  const params = { ...filters, page: lp.page, pageSize: lp.pageSize };
  const list = useQuery({
    queryKey: ['residentAccounts', params],
    queryFn: () => fetchAccounts(params),
    placeholderData: (prev) => prev,
  });
  const [target, setTarget] = useState<{ account: ResidentAccount; rebind: boolean } | null>(null);
  const stateLabel = (s: ResidentAccount['state']) => t(`residentAccounts.state.${s}` as MessageKey);
  const howLabel = (h: ResidentAccount['verifiedHow']) =>
    h ? t(`residentAccounts.how.${h}` as MessageKey) : '—';
  const time = (x: string | null) => fmtTime(x, 'YYYY-MM-DD HH:mm', '—');
  const columns: LedgerColumn<ResidentAccount>[] = [
    { key: 'name', title: t('residentAccounts.name'), text: (a) => a.name ?? '—' },
    { key: 'phone', title: t('residentAccounts.phone'), text: (a) => a.phone },
    {
      key: 'state',
      title: t('residentAccounts.state'),
      sort: 'state',
      render: (a) => <Tag color={STATE_COLOR[a.state]}>{stateLabel(a.state)}</Tag>,
      text: (a) => stateLabel(a.state),
    },
    { key: 'areaName', title: t('residentAccounts.home'), ellipsis: true, text: (a) => a.areaName ?? '—' },
    { key: 'verifiedHow', title: t('residentAccounts.how'), text: (a) => howLabel(a.verifiedHow) },
    { key: 'verifiedBy', title: t('residentAccounts.verifiedBy'), text: (a) => a.verifiedBy ?? '—' },
    {
      key: 'verifiedAt',
      title: t('residentAccounts.verifiedAt'),
      sort: 'verifiedAt',
      text: (a) => time(a.verifiedAt),
    },
    {
      key: 'createdAt',
      title: t('residentAccounts.createdAt'),
      sort: 'createdAt',
      text: (a) => time(a.createdAt),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      noPrint: true,
      text: () => '',
      render: (a) =>
        a.abilities.includes('verify') ? (
          <>
            <Button
              type="link"
              size="small"
              onClick={() => setTarget({ account: a, rebind: false })}
              data-testid={`resident-verify-${a.id}`}
            >
              {t('residentAccounts.verify')}
            </Button>
            <Button type="link" size="small" onClick={() => setTarget({ account: a, rebind: true })}>
              {t('residentAccounts.rebind')}
            </Button>
          </>
        ) : null,
    },
  ];
  return (
    <>
      <PageHeader title={t('residentAccounts.title')} />
      <Ledger<ResidentAccount>
        id="resident-accounts"
        title={t('residentAccounts.title')}
        params={lp}
        query={list}
        columns={columns}
        rowKey={(a) => a.id}
        onOpen={(a) =>
          a.abilities.includes('verify') ? setTarget({ account: a, rebind: false }) : undefined
        }
        search={{
          value: search,
          onChange: setSearch,
          placeholder: t('residentAccounts.search'),
          testId: 'resident-search',
        }}
        filters={[
          <Select
            key="state"
            allowClear
            placeholder={t('residentAccounts.state')}
            value={filters.state}
            onChange={(v) => update({ state: v })}
            style={{ width: 140 }}
            options={(['verified', 'unverified', 'disabled'] as const).map((s) => ({
              value: s,
              label: stateLabel(s),
            }))}
          />,
        ]}
        activeFilters={filters.state ? 1 : 0}
        onReset={() => update({ state: undefined })}
        exportTo={{
          path: '/api/resident-accounts/export',
          body: filters,
          fileName: 'resident-accounts.xlsx',
        }}
        print={{ fetchAll: (size, p) => fetchAccounts({ ...filters, page: p, pageSize: size }) }}
        card={{ title: (a) => a.name ?? a.phone, fields: ['phone', 'state', 'areaName'] }}
      />
      <VerifyModal target={target} onClose={() => setTarget(null)} />
    </>
  );
}
