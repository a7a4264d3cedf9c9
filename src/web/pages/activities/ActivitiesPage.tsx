import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Checkbox, DatePicker, Drawer, Form, Input, InputNumber, Select, Switch } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { PageHeader, useIsMobile, useNotify } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import {
  type Activity,
  fetchActivities,
  fmt,
  useActivities,
  useActivityAction,
  useKinds,
} from './queries.js';
import { CodeTag, TABLES, useLabel } from './shared.js';

const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

/** 活动台账: the activities an organiser may see, with a form for a new one. */
export default function ActivitiesPage() {
  const t = useT();
  const can = useCan();
  const navigate = useNavigate();
  const lp = useLedgerParams();
  const { sp, update } = lp;
  const label = useLabel();
  const [creating, setCreating] = useState(false);
  const filters = {
    areaId: num(sp.get('areaId')),
    kind: sp.get('kind') ?? undefined,
    status: sp.get('status') ?? undefined,
    q: sp.get('q') ?? undefined,
    upcoming: sp.get('upcoming') === '1' ? '1' : undefined,
    sort: lp.sort ?? '-startsAt',
  };
  const list = useActivities({ ...filters, page: lp.page, pageSize: lp.pageSize });
  const kinds = useKinds();
  const columns: LedgerColumn<Activity>[] = [
    { key: 'title', title: t('act.titleField'), sort: 'title', width: 200, ellipsis: true },
    { key: 'kindName', title: t('act.kind') },
    { key: 'startsAt', title: t('act.startsAt'), sort: 'startsAt', text: (a) => fmt(a.startsAt) },
    { key: 'placeName', title: t('act.place'), width: 180, ellipsis: true },
    { key: 'ownerName', title: t('act.owner'), width: 160, ellipsis: true },
    {
      key: 'places',
      title: t('act.capacity'),
      text: (a) => t('act.places', { confirmed: a.confirmed, capacity: a.capacity }),
    },
    { key: 'checkedIn', title: t('act.checkIn'), align: 'right', text: (a) => String(a.checkedIn) },
    {
      key: 'status',
      title: t('act.status'),
      render: (a) => <CodeTag table={TABLES.status} code={a.status} />,
      text: (a) => label(TABLES.status, a.status),
    },
    { key: 'areaName', title: t('act.area'), hidden: true },
  ];
  return (
    <>
      <PageHeader
        title={t('act.title')}
        extra={
          can('activity.organise') ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="act-new"
            >
              {t('act.new')}
            </Button>
          ) : null
        }
      />
      <Ledger<Activity>
        id="activities"
        title={t('act.title')}
        params={lp}
        query={list}
        columns={columns}
        rowKey={(a) => a.id}
        onOpen={(a) => navigate(`/activities/${a.id}`)}
        emptyText={t('act.empty')}
        search={{
          value: filters.q ?? '',
          onChange: (v) => update({ q: v || undefined }),
          placeholder: t('act.search'),
        }}
        filters={[
          <AreaTreeSelect
            key="area"
            allowClear
            value={filters.areaId ?? null}
            onChange={(v) => update({ areaId: v ?? undefined })}
            placeholder={t('act.area')}
          />,
          <Select
            key="kind"
            allowClear
            style={{ minWidth: 140 }}
            placeholder={t('act.kind')}
            value={filters.kind}
            onChange={(v) => update({ kind: v })}
            options={(kinds.data ?? []).map((k) => ({ value: k.code, label: k.name }))}
          />,
          <Select
            key="status"
            allowClear
            style={{ minWidth: 120 }}
            placeholder={t('act.status')}
            value={filters.status}
            onChange={(v) => update({ status: v })}
            options={Object.keys(TABLES.status).map((c) => ({ value: c, label: label(TABLES.status, c) }))}
          />,
          <Checkbox
            key="upcoming"
            checked={!!filters.upcoming}
            onChange={(e) => update({ upcoming: e.target.checked ? '1' : undefined })}
            style={{ alignSelf: 'center', whiteSpace: 'nowrap' }}
          >
            {t('act.upcoming')}
          </Checkbox>,
        ]}
        activeFilters={
          [filters.areaId, filters.kind, filters.status, filters.upcoming].filter(Boolean).length
        }
        onReset={() => update({ areaId: undefined, kind: undefined, status: undefined, upcoming: undefined })}
        exportTo={{ path: '/api/activities/export', body: filters, fileName: 'activities.xlsx' }}
        print={{
          fetchAll: (size, page) => fetchActivities({ ...filters, page, pageSize: Math.min(size, 100) }),
        }}
        card={{ title: (a) => a.title, fields: ['startsAt', 'placeName', 'places', 'status'] }}
      />
      <NewActivity
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(id) => navigate(`/activities/${id}`)}
      />
    </>
  );
}

interface FormValues {
  kind: string;
  areaId: number;
  ownerKind: string;
  ownerName: string;
  title: string;
  description?: string;
  placeName?: string;
  roomId?: number;
  time: [Dayjs, Dayjs];
  deadlineHours: number;
  capacity: number;
  reserved: number;
  minAge: number;
  risky: boolean;
  insurancePolicy?: string;
  riskText?: string;
}

function NewActivity({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (id: number) => void;
}) {
  const t = useT();
  const mobile = useIsMobile();
  const label = useLabel();
  const { fail, ok } = useNotify();
  const [form] = Form.useForm<FormValues>();
  const kinds = useKinds();
  const risky = Form.useWatch('risky', form);
  const roomId = Form.useWatch('roomId', form);
  // Rooms the organiser may book (venues): the activity books the chosen one and takes its name.
  const rooms = useQuery({
    queryKey: ['venues', 'rooms', 'pick'],
    queryFn: () =>
      api.get<{ items: { id: number; name: string; capacity: number }[] }>('/api/venues/rooms', {
        pageSize: 100,
      }),
    enabled: open,
  });
  const create = useActivityAction((v: FormValues) =>
    api.post<Activity>('/api/activities', {
      kind: v.kind,
      areaId: v.areaId,
      ownerKind: v.ownerKind,
      ownerName: v.ownerName,
      title: v.title,
      description: v.description ?? '',
      placeName: v.placeName ?? '',
      ...(v.roomId ? { roomId: v.roomId } : {}),
      startsAt: v.time[0].toISOString(),
      endsAt: v.time[1].toISOString(),
      deadlineHours: v.deadlineHours,
      capacity: v.capacity,
      reserved: v.reserved,
      minAge: v.minAge,
      risky: v.risky,
      insurancePolicy: v.insurancePolicy || undefined,
      riskText: v.riskText || undefined,
    }),
  );
  return (
    <Drawer open={open} onClose={onClose} title={t('act.new')} width={mobile ? '100%' : 520} destroyOnHidden>
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={{
          ownerKind: 'community',
          deadlineHours: 24,
          capacity: 20,
          reserved: 0,
          minAge: 0,
          risky: false,
        }}
        onFinish={(v) =>
          create.mutate(v, {
            onSuccess: (a) => {
              ok(t('act.created'));
              onClose();
              onCreated(a.id);
            },
            onError: (e) => fail(e, form),
          })
        }
        data-testid="act-form"
      >
        <Form.Item name="title" label={t('act.titleField')} rules={[{ required: true }]}>
          <Input maxLength={80} />
        </Form.Item>
        <Form.Item name="kind" label={t('act.kind')} rules={[{ required: true }]}>
          <Select options={(kinds.data ?? []).map((k) => ({ value: k.code, label: k.name }))} />
        </Form.Item>
        <Form.Item name="areaId" label={t('act.area')} rules={[{ required: true }]}>
          <AreaTreeSelect />
        </Form.Item>
        <Form.Item name="ownerKind" label={t('act.ownerKind')}>
          <Select
            options={Object.keys(TABLES.owner).map((c) => ({ value: c, label: label(TABLES.owner, c) }))}
          />
        </Form.Item>
        <Form.Item name="ownerName" label={t('act.owner')} rules={[{ required: true }]}>
          <Input maxLength={60} />
        </Form.Item>
        <Form.Item name="roomId" label={t('act.room')} extra={t('act.roomHint')}>
          <Select
            allowClear
            data-testid="act-room"
            options={(rooms.data?.items ?? []).map((r) => ({
              value: r.id,
              label: `${r.name}（${r.capacity}）`,
            }))}
          />
        </Form.Item>
        {roomId ? null : (
          <Form.Item name="placeName" label={t('act.place')} rules={[{ required: true }]}>
            <Input maxLength={120} />
          </Form.Item>
        )}
        <Form.Item name="time" label={t('act.time')} rules={[{ required: true }]}>
          <DatePicker.RangePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            inputReadOnly={mobile}
            style={{ width: '100%' }}
          />
        </Form.Item>
        <Form.Item name="deadlineHours" label={t('act.deadlineHours')} extra={t('act.deadlineHint')}>
          <InputNumber min={0} max={720} />
        </Form.Item>
        <Form.Item name="capacity" label={t('act.capacity')} rules={[{ required: true }]}>
          <InputNumber min={1} max={10000} />
        </Form.Item>
        <Form.Item name="reserved" label={t('act.reserved')}>
          <InputNumber min={0} max={10000} />
        </Form.Item>
        <Form.Item name="minAge" label={t('act.minAge')}>
          <InputNumber min={0} max={100} />
        </Form.Item>
        <Form.Item name="risky" label={t('act.risky')} valuePropName="checked" extra={t('act.riskyHint')}>
          <Switch />
        </Form.Item>
        {risky ? (
          <>
            <Form.Item name="insurancePolicy" label={t('act.insurance')}>
              <Input maxLength={60} />
            </Form.Item>
            <Form.Item name="riskText" label={t('act.riskText')}>
              <Input.TextArea maxLength={500} rows={2} />
            </Form.Item>
          </>
        ) : null}
        <Form.Item name="description" label={t('act.description')}>
          <Input.TextArea maxLength={2000} rows={3} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={create.isPending} block data-testid="act-create">
          {t('act.new')}
        </Button>
      </Form>
    </Drawer>
  );
}
