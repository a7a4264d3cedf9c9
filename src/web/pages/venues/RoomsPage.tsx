import { Button, Checkbox, Form, Input, InputNumber, Modal, Select, Space, Tag } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { VENUE_DEFAULTS, WEEKDAY_LABELS } from '../../../contract/venues.js';
import { api } from '../../app/api.js';
import { useAuth } from '../../app/auth.js';
import { useI18n, useT } from '../../app/i18n.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { PageHeader, useNotify } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { fetchRooms, type Room, useRooms, useVenueAction } from './queries.js';

/** 场地台账: rooms with capacity, opening hours and equipment; a worker registers rooms. */
export default function RoomsPage() {
  const t = useT();
  const navigate = useNavigate();
  const lp = useLedgerParams();
  const { sp, update } = lp;
  const { can } = useAuth();
  const [adding, setAdding] = useState(false);
  const filters = { q: sp.get('q') ?? undefined, sort: lp.sort ?? 'name' };
  const list = useRooms({ ...filters, page: lp.page, pageSize: lp.pageSize });
  const zh = useI18n().lang !== 'en';
  const days = (r: Room) =>
    r.openDays.length === 7
      ? t('venue.everyDay')
      : r.openDays.map((d) => WEEKDAY_LABELS[d]?.[zh ? 'zh' : 'en']).join(' ');
  const columns: LedgerColumn<Room>[] = [
    { key: 'name', title: t('venue.room'), sort: 'name' },
    { key: 'areaName', title: t('venue.area') },
    {
      key: 'capacity',
      title: t('venue.capacity'),
      sort: 'capacity',
      align: 'right',
      text: (r) => String(r.capacity),
    },
    { key: 'hours', title: t('venue.hours'), text: (r) => `${r.opensAt}–${r.closesAt}` },
    { key: 'days', title: t('venue.days'), text: days },
    {
      key: 'equipment',
      title: t('venue.equipment'),
      render: (r) => (r.equipment.length ? r.equipment.map((e) => <Tag key={e}>{e}</Tag>) : '—'),
      text: (r) => r.equipment.join('、') || '—',
    },
    {
      key: 'residents',
      title: t('venue.residentsMayBook'),
      text: (r) => (r.residentsMayBook ? t('venue.yes') : t('venue.no')),
    },
    { key: 'upcoming', title: t('venue.upcoming'), align: 'right', text: (r) => String(r.upcoming) },
    {
      key: 'actions',
      title: '',
      noPrint: true,
      render: (r) => (
        <Space onClick={(e) => e.stopPropagation()}>
          <Button
            size="small"
            data-testid={`room-calendar-${r.id}`}
            onClick={() => navigate(`/venues/calendar?room=${r.id}`)}
          >
            {t('venue.calendar')}
          </Button>
        </Space>
      ),
      text: () => '',
    },
  ];
  return (
    <>
      <PageHeader
        title={t('venue.rooms')}
        extra={
          <Space>
            <Button onClick={() => navigate('/venues/calendar')}>{t('venue.calendar')}</Button>
            {can('venue.manage') ? (
              <Button type="primary" data-testid="room-new" onClick={() => setAdding(true)}>
                {t('venue.newRoom')}
              </Button>
            ) : null}
          </Space>
        }
      />
      <Ledger<Room>
        id="venue-rooms"
        title={t('venue.rooms')}
        params={lp}
        query={list}
        columns={columns}
        rowKey={(r) => r.id}
        onOpen={(r) => navigate(`/venues/calendar?room=${r.id}`)}
        emptyText={t('venue.noRooms')}
        search={{
          value: filters.q ?? '',
          onChange: (v) => update({ q: v || undefined }),
          placeholder: t('venue.search'),
        }}
        exportTo={null}
        print={{ fetchAll: (size, page) => fetchRooms({ ...filters, page, pageSize: Math.min(size, 100) }) }}
        card={{ title: (r) => r.name, fields: ['capacity', 'hours', 'days', 'equipment', 'actions'] }}
      />
      <RoomModal open={adding} onClose={() => setAdding(false)} />
    </>
  );
}

function RoomModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const { fail, ok } = useNotify();
  const [form] = Form.useForm();
  const zh = useI18n().lang !== 'en';
  const save = useVenueAction((v: Record<string, unknown>) => api.post<Room>('/api/venues/rooms', v));
  return (
    <Modal
      open={open}
      title={t('venue.newRoom')}
      onCancel={onClose}
      okText={t('venue.save')}
      confirmLoading={save.isPending}
      onOk={() =>
        void form.validateFields().then((v) =>
          save.mutate(
            {
              ...v,
              equipment: String(v.equipment ?? '')
                .split(/[,，、\s]+/)
                .filter(Boolean),
            },
            {
              onSuccess: () => {
                ok(t('venue.saved'));
                form.resetFields();
                onClose();
              },
              onError: (e) => fail(e, form),
            },
          ),
        )
      }
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ capacity: 20, opensAt: '08:30', closesAt: '21:00', openDays: [1, 2, 3, 4, 5, 6, 7] }}
      >
        <Form.Item name="areaId" label={t('venue.area')} rules={[{ required: true }]}>
          <AreaTreeSelect />
        </Form.Item>
        <Form.Item name="name" label={t('venue.room')} rules={[{ required: true }]}>
          <Input maxLength={60} data-testid="room-name" />
        </Form.Item>
        <Form.Item name="capacity" label={t('venue.capacity')} rules={[{ required: true }]}>
          <InputNumber min={1} max={2000} />
        </Form.Item>
        <Space>
          <Form.Item
            name="opensAt"
            label={t('venue.opensAt')}
            rules={[{ required: true, pattern: /^\d\d:\d\d$/ }]}
          >
            <Input style={{ width: 90 }} placeholder="08:30" />
          </Form.Item>
          <Form.Item
            name="closesAt"
            label={t('venue.closesAt')}
            rules={[{ required: true, pattern: /^\d\d:\d\d$/ }]}
          >
            <Input style={{ width: 90 }} placeholder="21:00" />
          </Form.Item>
        </Space>
        <Form.Item name="openDays" label={t('venue.days')}>
          <Select
            mode="multiple"
            options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({
              value: d,
              label: WEEKDAY_LABELS[d]?.[zh ? 'zh' : 'en'],
            }))}
          />
        </Form.Item>
        <Form.Item name="equipment" label={t('venue.equipment')} extra={t('venue.equipmentHint')}>
          <Input maxLength={300} />
        </Form.Item>
        <Form.Item name="residentsMayBook" valuePropName="checked" extra={t('venue.residentsHint')}>
          <Checkbox>{t('venue.residentsMayBook')}</Checkbox>
        </Form.Item>
        <div style={{ color: '#888', fontSize: 12 }}>
          {t('venue.rulesHint', {
            lead: VENUE_DEFAULTS.leadMinutes,
            ahead: VENUE_DEFAULTS.maxDaysAhead,
            max: VENUE_DEFAULTS.maxHours,
          })}
        </div>
      </Form>
    </Modal>
  );
}
