import {
  Alert,
  Button,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import {
  DEV_STAGE_LABELS,
  DEV_STEP_LABELS,
  type DevStep,
  MEMBER_KIND_LABELS,
  MEMBER_STATUS_LABELS,
  ORG_KIND_LABELS,
} from '../../../contract/party.js';
import { api } from '../../app/api.js';
import { useI18n, useT } from '../../app/i18n.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { PageHeader, useNotify } from '../../app/ui.js';
import {
  type Development,
  type DuesRow,
  fetchDevelopments,
  fetchDues,
  fetchPartyMembers,
  type PartyMember,
  type PartyOrg,
  useDevelopments,
  useDues,
  usePartyAction,
  usePartyMembers,
  usePartyOrgs,
} from './queries.js';

type Labels = Record<string, { zh: string; en: string }>;
function useLabel() {
  const { lang } = useI18n();
  return (table: Labels, code: string | null | undefined) =>
    code && table[code] ? table[code][lang === 'en' ? 'en' : 'zh'] : '—';
}
function useWord() {
  const { lang } = useI18n();
  return (w: { zh: string; en: string }) => (lang === 'en' ? w.en : w.zh);
}
const TABS = ['orgs', 'members', 'devs', 'dues'] as const;

/** 党建工作: organisation tree, members, recruitment board, dues ledger (issue 21, first slice). */
export default function PartyPage() {
  const t = useT();
  const [sp, setSp] = useSearchParams();
  const tab = (TABS as readonly string[]).includes(sp.get('tab') ?? '') ? (sp.get('tab') as string) : 'orgs';
  return (
    <>
      <PageHeader title={t('party.title')} />
      <Typography.Paragraph type="secondary">{t('party.sensitive')}</Typography.Paragraph>
      <Tabs
        activeKey={tab}
        onChange={(k) => setSp({ tab: k })}
        destroyOnHidden
        items={[
          { key: 'orgs', label: t('party.tab.orgs'), children: <OrgsTab /> },
          { key: 'members', label: t('party.tab.members'), children: <MembersTab /> },
          { key: 'devs', label: t('party.tab.devs'), children: <DevsTab /> },
          { key: 'dues', label: t('party.tab.dues'), children: <DuesTab /> },
        ]}
      />
    </>
  );
}

function Warnings({ list }: { list: { code: string; zh: string; en: string }[] }) {
  const word = useWord();
  if (!list.length) return <>—</>;
  return (
    <Space size={[4, 4]} wrap style={{ maxWidth: 360 }}>
      {list.map((w) => (
        <Tag key={w.code + w.zh} color="orange" style={{ whiteSpace: 'normal' }}>
          {word(w)}
        </Tag>
      ))}
    </Space>
  );
}

function OrgsTab() {
  const t = useT();
  const label = useLabel();
  const word = useWord();
  const lp = useLedgerParams();
  const q = usePartyOrgs();
  const depth = (o: PartyOrg, all: PartyOrg[]): number => {
    let d = 0;
    let p = o.parentId;
    while (p !== null && d < 5) {
      d++;
      p = all.find((x) => x.id === p)?.parentId ?? null;
    }
    return d;
  };
  const all = q.data?.items ?? [];
  const columns: LedgerColumn<PartyOrg>[] = [
    {
      key: 'name',
      title: t('party.org.name'),
      render: (o) => <span style={{ paddingLeft: depth(o, all) * 20 }}>{o.name}</span>,
    },
    { key: 'kind', title: t('party.org.kind'), text: (o) => label(ORG_KIND_LABELS, o.kind) },
    { key: 'areaName', title: t('party.org.area') },
    { key: 'secretary', title: t('party.org.secretary'), text: (o) => o.secretary || '—' },
    { key: 'members', title: t('party.org.members'), align: 'right', text: (o) => String(o.members) },
    { key: 'fullMembers', title: t('party.org.full'), align: 'right', text: (o) => String(o.fullMembers) },
    {
      key: 'term',
      title: t('party.org.term'),
      text: (o) =>
        o.reelectionInDays === null
          ? '—'
          : o.reelectionInDays < 0
            ? t('party.org.termOver', { n: -o.reelectionInDays })
            : t('party.org.termDays', { n: o.reelectionInDays }),
    },
    {
      key: 'warnings',
      title: t('party.org.warnings'),
      render: (o) => <Warnings list={o.warnings} />,
      text: (o) => o.warnings.map(word).join('；') || '—',
    },
  ];
  return (
    <>
      <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('party.org.rules')} />
      <Ledger<PartyOrg>
        id="party-orgs"
        title={t('party.tab.orgs')}
        params={lp}
        query={q}
        columns={columns}
        rowKey={(o) => o.id}
        paged={false}
        emptyText={t('party.org.empty')}
        print
        card={{ title: (o) => o.name, fields: ['kind', 'members', 'fullMembers', 'term', 'warnings'] }}
      />
    </>
  );
}

function MembersTab() {
  const t = useT();
  const label = useLabel();
  const lp = useLedgerParams();
  const { sp, update } = lp;
  const filters = { q: sp.get('q') ?? undefined, status: sp.get('status') ?? undefined };
  const list = usePartyMembers({ ...filters, page: lp.page, pageSize: lp.pageSize });
  const columns: LedgerColumn<PartyMember>[] = [
    { key: 'name', title: t('party.member.name') },
    { key: 'phone', title: t('party.member.phone'), text: (m) => m.phone ?? '—' },
    { key: 'orgName', title: t('party.member.org') },
    { key: 'status', title: t('party.member.status'), text: (m) => label(MEMBER_STATUS_LABELS, m.status) },
    {
      key: 'kinds',
      title: t('party.member.kinds'),
      text: (m) => m.kinds.map((k) => label(MEMBER_KIND_LABELS, k)).join('、'),
    },
    {
      key: 'years',
      title: t('party.member.years'),
      align: 'right',
      text: (m) => (m.partyYears === null ? '—' : String(m.partyYears)),
    },
    { key: 'employer', title: t('party.member.employer'), text: (m) => m.employer || '—' },
    { key: 'due', title: t('party.member.due'), align: 'right', text: (m) => m.monthlyDue.toFixed(2) },
  ];
  return (
    <Ledger<PartyMember>
      id="party-members"
      title={t('party.tab.members')}
      params={lp}
      query={list}
      columns={columns}
      rowKey={(m) => m.id}
      emptyText={t('party.member.empty')}
      search={{
        value: filters.q ?? '',
        onChange: (v) => update({ q: v || undefined }),
        placeholder: t('party.member.search'),
      }}
      filters={[
        <Select
          key="status"
          allowClear
          style={{ minWidth: 120 }}
          placeholder={t('party.member.status')}
          value={filters.status}
          onChange={(v) => update({ status: v })}
          options={Object.keys(MEMBER_STATUS_LABELS).map((c) => ({
            value: c,
            label: label(MEMBER_STATUS_LABELS, c),
          }))}
        />,
      ]}
      activeFilters={filters.status ? 1 : 0}
      onReset={() => update({ status: undefined })}
      exportTo={{ path: '/api/party/members/export', body: filters, fileName: 'party-members.xlsx' }}
      print={{
        fetchAll: (size, page) => fetchPartyMembers({ ...filters, page, pageSize: Math.min(size, 100) }),
      }}
      card={{ title: (m) => m.name, fields: ['orgName', 'status', 'years', 'due'] }}
    />
  );
}

function DevsTab() {
  const t = useT();
  const label = useLabel();
  const word = useWord();
  const lp = useLedgerParams();
  const list = useDevelopments({ page: lp.page, pageSize: lp.pageSize });
  const [stepFor, setStepFor] = useState<Development | null>(null);
  const nextText = (d: Development) => (d.next ? `${word(d.next)}：${d.next.date}` : t('party.dev.none'));
  const columns: LedgerColumn<Development>[] = [
    { key: 'name', title: t('party.dev.name') },
    { key: 'orgName', title: t('party.dev.org') },
    { key: 'stage', title: t('party.dev.stage'), text: (d) => label(DEV_STAGE_LABELS, d.stage) },
    { key: 'appliedOn', title: t('party.dev.applied') },
    {
      key: 'next',
      title: t('party.dev.next'),
      render: (d) =>
        d.next ? (
          <span data-testid={`dev-next-${d.id}`}>
            <Tag color={d.next.state === 'overdue' ? 'red' : 'blue'}>{d.next.date}</Tag>
            {word(d.next)}
          </span>
        ) : (
          '—'
        ),
      text: nextText,
    },
    {
      key: 'warnings',
      title: t('party.dev.warnings'),
      render: (d) => <Warnings list={d.warnings} />,
      text: (d) => d.warnings.map(word).join('；') || '—',
    },
    {
      key: 'actions',
      title: '',
      noPrint: true,
      render: (d) =>
        d.abilities.length ? (
          <Button size="small" data-testid={`dev-step-${d.id}`} onClick={() => setStepFor(d)}>
            {t('party.dev.record')}
          </Button>
        ) : null,
      text: () => '',
    },
  ];
  return (
    <>
      <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('party.dev.rules')} />
      <Ledger<Development>
        id="party-devs"
        title={t('party.tab.devs')}
        params={lp}
        query={list}
        columns={columns}
        rowKey={(d) => d.id}
        emptyText={t('party.dev.empty')}
        print={{ fetchAll: (size, page) => fetchDevelopments({ page, pageSize: Math.min(size, 100) }) }}
        card={{ title: (d) => d.name, fields: ['stage', 'next', 'warnings', 'actions'] }}
      />
      <StepModal d={stepFor} onClose={() => setStepFor(null)} />
    </>
  );
}

function StepModal({ d, onClose }: { d: Development | null; onClose: () => void }) {
  const t = useT();
  const label = useLabel();
  const word = useWord();
  const { fail, ok } = useNotify();
  const [form] = Form.useForm();
  const step = Form.useWatch('step', form) as DevStep | undefined;
  const save = usePartyAction((body: Record<string, unknown>) =>
    api.post<Development>(`/api/party/developments/${d?.id}/steps`, body),
  );
  return (
    <Modal
      open={!!d}
      title={`${t('party.dev.record')} · ${d?.name ?? ''}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ step: d?.abilities[0], date: dayjs() }}
        onFinish={(v) => {
          const body: Record<string, unknown> = { step: v.step, date: v.date.format('YYYY-MM-DD') };
          if (v.people) body.people = v.people;
          if (v.trainingDays !== undefined && v.trainingDays !== null) body.trainingDays = v.trainingDays;
          if (v.trainingHours !== undefined && v.trainingHours !== null) body.trainingHours = v.trainingHours;
          if (v.until) body.until = v.until.format('YYYY-MM-DD');
          save.mutate(body, {
            onSuccess: (r) => {
              ok(
                t('party.dev.recorded', {
                  next: r.next ? `${word(r.next)} ${r.next.date}` : t('party.dev.none'),
                }),
              );
              onClose();
            },
            onError: (e) => fail(e, form),
          });
        }}
      >
        <Form.Item name="step" label={t('party.dev.step')} rules={[{ required: true }]}>
          <Select
            data-testid="dev-step-select"
            options={(d?.abilities ?? []).map((s) => ({ value: s, label: label(DEV_STEP_LABELS, s) }))}
          />
        </Form.Item>
        <Form.Item name="date" label={t('party.dev.date')} rules={[{ required: true }]}>
          <DatePicker data-testid="dev-step-date" style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="people" label={t('party.dev.people')}>
          <Input maxLength={60} />
        </Form.Item>
        {step === 'candidate' ? (
          <Space>
            <Form.Item name="trainingDays" label={t('party.dev.trainingDays')}>
              <InputNumber min={0} max={60} />
            </Form.Item>
            <Form.Item name="trainingHours" label={t('party.dev.trainingHours')}>
              <InputNumber min={0} max={500} />
            </Form.Item>
          </Space>
        ) : null}
        {step === 'extend' ? (
          <Form.Item name="until" label={t('party.dev.until')} rules={[{ required: true }]}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}

function DuesTab() {
  const t = useT();
  const lp = useLedgerParams();
  const { sp, update } = lp;
  const { fail, ok } = useNotify();
  const month = sp.get('month') ?? dayjs().format('YYYY-MM');
  const state = sp.get('state') ?? undefined;
  const filters = { month, state };
  const list = useDues({ ...filters, page: lp.page, pageSize: lp.pageSize });
  const pay = usePartyAction((r: DuesRow) =>
    api.post<DuesRow>('/api/party/dues/payments', {
      memberId: r.memberId,
      month: r.month,
      paid: r.due,
      paidOn: dayjs().format('YYYY-MM-DD'),
    }),
  );
  const ST: Record<string, string> = {
    paid: t('party.dues.st.paid'),
    arrears: t('party.dues.st.arrears'),
    exempt: t('party.dues.st.exempt'),
  };
  const columns: LedgerColumn<DuesRow>[] = [
    { key: 'memberName', title: t('party.dues.member') },
    { key: 'orgName', title: t('party.member.org') },
    { key: 'base', title: t('party.dues.base'), align: 'right', text: (r) => r.base.toFixed(2) },
    { key: 'rate', title: t('party.dues.rate'), align: 'right', text: (r) => (r.rate ? `${r.rate}%` : '—') },
    { key: 'due', title: t('party.dues.due'), align: 'right', text: (r) => r.due.toFixed(2) },
    { key: 'paid', title: t('party.dues.paid'), align: 'right', text: (r) => r.paid.toFixed(2) },
    {
      key: 'state',
      title: t('party.dues.state'),
      render: (r) => (
        <Tag color={r.state === 'arrears' ? 'red' : r.state === 'paid' ? 'green' : 'default'}>
          {ST[r.state]}
        </Tag>
      ),
      text: (r) => ST[r.state] ?? '—',
    },
    { key: 'paidOn', title: t('party.dues.paidOn'), text: (r) => r.paidOn ?? '—' },
    {
      key: 'actions',
      title: '',
      noPrint: true,
      render: (r) =>
        r.state === 'arrears' ? (
          <Button
            size="small"
            data-testid={`dues-pay-${r.memberId}`}
            onClick={() =>
              pay.mutate(r, {
                onSuccess: () => ok(t('party.dues.payed', { month: r.month })),
                onError: (e) => fail(e),
              })
            }
          >
            {t('party.dues.pay')}
          </Button>
        ) : null,
      text: () => '',
    },
  ];
  const d = list.data;
  return (
    <>
      <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('party.dues.rules')} />
      {d ? (
        <Typography.Paragraph data-testid="dues-summary">
          {t('party.dues.summary', {
            due: d.dueTotal.toFixed(2),
            paid: d.paidTotal.toFixed(2),
            arrears: d.arrearsTotal.toFixed(2),
          })}
        </Typography.Paragraph>
      ) : null}
      <Ledger<DuesRow>
        id="party-dues"
        title={`${t('party.tab.dues')} ${month}`}
        params={lp}
        query={list}
        columns={columns}
        rowKey={(r) => `${r.memberId}-${r.month}`}
        emptyText={t('party.dues.empty')}
        filters={[
          <DatePicker
            key="month"
            picker="month"
            allowClear={false}
            value={dayjs(`${month}-01`)}
            onChange={(v) => update({ month: v ? v.format('YYYY-MM') : undefined })}
          />,
          <Select
            key="state"
            allowClear
            style={{ minWidth: 100 }}
            placeholder={t('party.dues.state')}
            value={state}
            onChange={(v) => update({ state: v })}
            options={Object.entries(ST).map(([value, label]) => ({ value, label }))}
          />,
        ]}
        activeFilters={state ? 1 : 0}
        onReset={() => update({ state: undefined })}
        print={{ fetchAll: (size, page) => fetchDues({ ...filters, page, pageSize: Math.min(size, 100) }) }}
        card={{ title: (r) => r.memberName, fields: ['due', 'paid', 'state', 'actions'] }}
      />
    </>
  );
}
