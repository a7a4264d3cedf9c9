import {
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Statistic,
  Tag,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { BOOKING_STATUS_LABELS, VENUE_DEFAULTS, WEEKDAY_LABELS } from '../../../contract/venues.js';
import { api } from '../../app/api.js';
import { useAuth } from '../../app/auth.js';
import { useI18n, useT } from '../../app/i18n.js';
import { PageHeader, QueryState, useIsMobile, useNotify } from '../../app/ui.js';
import { useLabel } from '../activities/shared.js';
import {
  addDays,
  type Booking,
  chinaDay,
  chinaTime,
  mondayOf,
  useBookings,
  useRooms,
  useUsage,
  useVenueAction,
} from './queries.js';

const STATUS = BOOKING_STATUS_LABELS as Record<string, { zh: string; en: string }>;
const COLOR: Record<string, string> = { requested: 'gold', approved: 'blue', used: 'green', no_show: 'red' };

/** 场地预约日历: a week of bookings, room by room; book, approve, record use or no-shows. */
export default function CalendarPage() {
  const t = useT();
  const { lang } = useI18n();
  const label = useLabel();
  const mobile = useIsMobile();
  const { can } = useAuth();
  const [sp, setSp] = useSearchParams();
  const week = mondayOf(sp.get('week') ?? chinaDay(new Date()));
  const roomId = sp.get('room') ? Number(sp.get('room')) : undefined;
  const set = (k: string, v: string | undefined) => {
    const n = new URLSearchParams(sp);
    if (v === undefined) n.delete(k);
    else n.set(k, v);
    setSp(n, { replace: true });
  };
  const rooms = useRooms({ pageSize: 100, sort: 'name' });
  const q = { from: week, to: addDays(week, 6), roomId, pageSize: 500 };
  const bookings = useBookings(q);
  const usage = useUsage({ from: week, to: addDays(week, 6) }, can('venue.read'));
  const [booking, setBooking] = useState<string | null>(null);
  const { fail, ok } = useNotify();
  const decide = useVenueAction((v: { id: number; action: string }) =>
    api.post<Booking>(`/api/venues/bookings/${v.id}/decide`, { action: v.action }),
  );
  const days = Array.from({ length: 7 }, (_, i) => addDays(week, i));
  const act = (b: Booking, action: string) =>
    decide.mutate({ id: b.id, action }, { onSuccess: () => ok(t('venue.done')), onError: (e) => fail(e) });
  const ACTIONS: [string, Parameters<typeof t>[0]][] = [
    ['approve', 'venue.approve'],
    ['reject', 'venue.reject'],
    ['used', 'venue.used'],
    ['no_show', 'venue.noShow'],
    ['cancel', 'venue.cancel'],
  ];
  return (
    <>
      <PageHeader
        title={t('venue.calendarTitle')}
        extra={
          can('venue.book') ? (
            <Button type="primary" data-testid="booking-new" onClick={() => setBooking(days[0]!)}>
              {t('venue.book')}
            </Button>
          ) : null
        }
      />
      <Space wrap style={{ marginBottom: 12 }}>
        <Button onClick={() => set('week', addDays(week, -7))}>{t('venue.prevWeek')}</Button>
        <Button onClick={() => set('week', undefined)}>{t('venue.thisWeek')}</Button>
        <Button onClick={() => set('week', addDays(week, 7))}>{t('venue.nextWeek')}</Button>
        <span data-testid="calendar-week">
          {week} — {addDays(week, 6)}
        </span>
        <Select
          allowClear
          style={{ minWidth: 180 }}
          placeholder={t('venue.allRooms')}
          value={roomId}
          onChange={(v) => set('room', v ? String(v) : undefined)}
          options={(rooms.data?.items ?? []).map((r) => ({ value: r.id, label: r.name }))}
        />
      </Space>
      {usage.data ? (
        <Card size="small" style={{ marginBottom: 12 }}>
          <Space size="large" wrap>
            <Statistic
              title={t('venue.usageRate')}
              value={usage.data.rate === null ? '—' : `${Math.round(usage.data.rate * 1000) / 10}%`}
            />
            <Statistic title={t('venue.usedHours')} value={usage.data.usedHours} />
            <Statistic title={t('venue.openHours')} value={usage.data.openHours} />
            <Statistic
              title={t('venue.noShows')}
              value={usage.data.rooms.reduce((a, r) => a + r.noShows, 0)}
            />
          </Space>
        </Card>
      ) : null}
      <QueryState query={bookings} rows={6}>
        {(page) => (
          <Row gutter={[8, 8]} wrap>
            {days.map((d, i) => {
              const items = page.items.filter((b) => chinaDay(new Date(b.startsAt)) === d);
              return (
                <Col
                  key={d}
                  span={mobile ? 24 : undefined}
                  flex={mobile ? undefined : '1 1 0'}
                  style={{ minWidth: mobile ? undefined : 140 }}
                >
                  <Card
                    size="small"
                    data-testid={`day-${d}`}
                    title={`${WEEKDAY_LABELS[i + 1]?.[lang === 'en' ? 'en' : 'zh']} ${d.slice(5)}`}
                    extra={
                      can('venue.book') ? (
                        <Button size="small" type="link" onClick={() => setBooking(d)}>
                          +
                        </Button>
                      ) : null
                    }
                  >
                    {items.length === 0 ? (
                      <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('venue.free')} />
                    ) : (
                      items.map((b) => (
                        <div
                          key={b.id}
                          data-testid={`booking-${b.id}`}
                          style={{ borderLeft: `3px solid`, paddingLeft: 6, marginBottom: 8 }}
                        >
                          <div>
                            <b>
                              {chinaTime(b.startsAt)}–{chinaTime(b.endsAt)}
                            </b>{' '}
                            <Tag color={COLOR[b.status]}>{label(STATUS, b.status)}</Tag>
                          </div>
                          <div>{b.roomName}</div>
                          <div style={{ color: '#555' }}>
                            {b.purpose}
                            {b.team ? ` · ${b.team}` : ''} · {b.bookerName}
                          </div>
                          <Space size={4} wrap>
                            {ACTIONS.filter(([a]) => b.abilities.includes(a)).map(([a, k]) => (
                              <Button
                                key={a}
                                size="small"
                                data-testid={`booking-${b.id}-${a}`}
                                onClick={() => act(b, a)}
                              >
                                {t(k)}
                              </Button>
                            ))}
                          </Space>
                        </div>
                      ))
                    )}
                  </Card>
                </Col>
              );
            })}
          </Row>
        )}
      </QueryState>
      <BookingModal
        day={booking}
        roomId={roomId}
        rooms={(rooms.data?.items ?? []).map((r) => ({
          value: r.id,
          label: `${r.name}（${r.opensAt}–${r.closesAt}）`,
        }))}
        onClose={() => setBooking(null)}
      />
    </>
  );
}

function BookingModal({
  day,
  roomId,
  rooms,
  onClose,
}: {
  day: string | null;
  roomId?: number;
  rooms: { value: number; label: string }[];
  onClose: () => void;
}) {
  const t = useT();
  const [form] = Form.useForm();
  const { fail, ok } = useNotify();
  const save = useVenueAction((v: Record<string, unknown>) => api.post<Booking>('/api/venues/bookings', v));
  const at = (d: Dayjs, hm: string) => new Date(`${d.format('YYYY-MM-DD')}T${hm}:00+08:00`).toISOString();
  return (
    <Modal
      open={day !== null}
      destroyOnHidden
      title={t('venue.book')}
      okText={t('venue.submit')}
      okButtonProps={{ 'data-testid': 'booking-submit' } as Record<string, string>}
      confirmLoading={save.isPending}
      onCancel={onClose}
      onOk={() =>
        void form.validateFields().then((v) =>
          save.mutate(
            {
              roomId: v.roomId,
              startsAt: at(v.day, v.from),
              endsAt: at(v.day, v.to),
              purpose: v.purpose,
              attendees: v.attendees,
              ...(v.team ? { team: v.team } : {}),
            },
            {
              onSuccess: (b) => {
                ok(b.status === 'approved' ? t('venue.bookedApproved') : t('venue.bookedRequested'));
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
        preserve={false}
        initialValues={{
          roomId,
          day: day ? dayjs(day) : undefined,
          from: '09:00',
          to: '11:00',
          attendees: 10,
        }}
      >
        <Form.Item name="roomId" label={t('venue.room')} rules={[{ required: true }]}>
          <Select options={rooms} data-testid="booking-room" />
        </Form.Item>
        <Form.Item name="day" label={t('venue.day')} rules={[{ required: true }]}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Space>
          <Form.Item name="from" label={t('venue.from')} rules={[{ required: true, pattern: /^\d\d:\d\d$/ }]}>
            <Input style={{ width: 90 }} data-testid="booking-from" />
          </Form.Item>
          <Form.Item name="to" label={t('venue.to')} rules={[{ required: true, pattern: /^\d\d:\d\d$/ }]}>
            <Input style={{ width: 90 }} data-testid="booking-to" />
          </Form.Item>
          <Form.Item name="attendees" label={t('venue.attendees')}>
            <InputNumber min={1} max={2000} />
          </Form.Item>
        </Space>
        <Form.Item name="purpose" label={t('venue.purpose')} rules={[{ required: true }]}>
          <Input maxLength={120} data-testid="booking-purpose" />
        </Form.Item>
        <Form.Item name="team" label={t('venue.team')} extra={t('venue.teamHint')}>
          <Input maxLength={60} />
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
