import { DeleteOutlined, MinusCircleOutlined, PlusOutlined, SaveOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Form,
  Input,
  Radio,
  Row,
  Select,
  Space,
  Tag,
  TimePicker,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useSearchParams } from 'react-router';
import { api } from '../../app/api.js';
import { useSubmit } from '../../app/forms.js';
import { useT } from '../../app/i18n.js';
import { PageHeader, QueryState, useIsMobile } from '../../app/ui.js';
import {
  type CalendarYear,
  caseKeys,
  type OfficeHours,
  useCalendar,
  useOfficeHours,
} from '../cases/queries.js';

interface DayValues {
  date?: Dayjs;
  kind: 'holiday' | 'workday';
  name: string;
}
interface YearValues {
  status: 'official' | 'provisional';
  source?: string;
  days: DayValues[];
}

const STATUS_COLOR = { official: 'success', provisional: 'warning', none: 'error' } as const;

/** Banners for the years deadlines are counted in now: this year, and next year from November. */
function YearsInUseBanner() {
  const t = useT();
  const now = dayjs();
  const thisYear = useCalendar(now.year());
  const nextYear = useCalendar(now.year() + 1, now.month() >= 10);
  const warn = [thisYear.data, now.month() >= 10 ? nextYear.data : undefined].filter(
    (y): y is CalendarYear => !!y && y.status !== 'official',
  );
  if (warn.length === 0) return null;
  return (
    <Space orientation="vertical" size={8} style={{ width: '100%', marginBottom: 16 }}>
      {warn.map((y) => (
        <Alert
          key={y.year}
          type={y.status === 'none' ? 'error' : 'warning'}
          showIcon
          data-testid={`calendar-warning-${y.year}`}
          title={
            y.status === 'none'
              ? t('calendar.missing', { year: y.year })
              : t('calendar.provisional', { year: y.year })
          }
          description={t('calendar.inUseHint')}
        />
      ))}
    </Space>
  );
}

function YearEditor({ data }: { data: CalendarYear }) {
  const t = useT();
  const qc = useQueryClient();
  const mobile = useIsMobile();
  const [form] = Form.useForm<YearValues>();
  const { busy, run, ok } = useSubmit(form);
  const year = data.year;
  const initial: YearValues = {
    status: data.status === 'official' ? 'official' : 'provisional',
    source: data.source ?? undefined,
    days: data.days.map((d) => ({ date: dayjs(d.date), kind: d.kind, name: d.name })),
  };

  const onFinish = (v: YearValues) =>
    run(async () => {
      const days = (v.days ?? [])
        .filter((d) => d.date)
        .map((d) => ({ date: d.date!.format('YYYY-MM-DD'), kind: d.kind, name: d.name.trim() }))
        .sort((a, b) => a.date.localeCompare(b.date));
      const saved = await api.put<CalendarYear>(`/api/calendar/${year}`, {
        status: v.status,
        source: v.source?.trim() || undefined,
        days,
      });
      qc.setQueryData(caseKeys.calendar(year), saved);
      ok(t('common.saved'));
    });

  return (
    <Form<YearValues>
      form={form}
      layout="vertical"
      initialValues={initial}
      onFinish={onFinish}
      data-testid="calendar-form"
    >
      <Row gutter={16}>
        <Col xs={24} sm={10}>
          <Form.Item name="status" label={t('calendar.status')}>
            <Radio.Group
              optionType="button"
              options={[
                { value: 'official', label: t('calendar.status.official') },
                { value: 'provisional', label: t('calendar.status.provisional') },
              ]}
            />
          </Form.Item>
        </Col>
        <Col xs={24} sm={14}>
          <Form.Item
            name="source"
            label={t('calendar.source')}
            rules={[{ max: 200, message: t('form.maxLength', { n: 200 }) }]}
          >
            <Input maxLength={200} placeholder={t('calendar.sourcePlaceholder')} />
          </Form.Item>
        </Col>
      </Row>
      <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
        {t('calendar.daysHint')}
      </Typography.Paragraph>
      <Form.List name="days">
        {(fields, { add, remove }) => (
          <>
            {fields.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('calendar.noDays')} />
            ) : null}
            {fields.map((f) => {
              const date = (
                <Form.Item
                  key="date"
                  name={[f.name, 'date']}
                  rules={[{ required: true, message: t('form.required') }]}
                  style={{ marginBottom: 8 }}
                >
                  <DatePicker
                    style={{ width: '100%' }}
                    inputReadOnly={mobile}
                    defaultPickerValue={dayjs(`${year}-01-01`)}
                    disabledDate={(d) => d.year() !== year}
                    format="YYYY-MM-DD ddd"
                  />
                </Form.Item>
              );
              const kind = (
                <Form.Item key="kind" name={[f.name, 'kind']} style={{ marginBottom: 8 }}>
                  <Select
                    options={[
                      { value: 'holiday', label: t('calendar.kind.holiday') },
                      { value: 'workday', label: t('calendar.kind.workday') },
                    ]}
                  />
                </Form.Item>
              );
              const name = (
                <Form.Item
                  key="name"
                  name={[f.name, 'name']}
                  rules={[
                    { required: true, whitespace: true, message: t('form.required') },
                    { max: 40, message: t('form.maxLength', { n: 40 }) },
                  ]}
                  style={{ marginBottom: 8 }}
                >
                  <Input maxLength={40} placeholder={t('calendar.namePlaceholder')} />
                </Form.Item>
              );
              const del = (
                <Button
                  key="del"
                  type="text"
                  danger
                  icon={<MinusCircleOutlined />}
                  onClick={() => remove(f.name)}
                  aria-label={t('common.remove')}
                />
              );
              // Phones: date and kind on one line, the name under them.
              return mobile ? (
                <div key={f.key} className="jy-calendar-day">
                  <Row gutter={8} wrap={false}>
                    <Col flex="auto" style={{ minWidth: 0 }}>
                      {date}
                    </Col>
                    <Col flex="112px">{kind}</Col>
                    <Col flex="32px">{del}</Col>
                  </Row>
                  {name}
                </div>
              ) : (
                <Row key={f.key} gutter={8} align="top" wrap={false}>
                  <Col flex="170px">{date}</Col>
                  <Col flex="120px">{kind}</Col>
                  <Col flex="auto" style={{ minWidth: 0 }}>
                    {name}
                  </Col>
                  <Col flex="32px">{del}</Col>
                </Row>
              );
            })}
            <Space wrap className="jy-sticky-actions">
              <Button
                icon={<PlusOutlined />}
                onClick={() => add({ kind: 'holiday', name: '' })}
                disabled={fields.length >= 80}
                data-testid="calendar-add"
              >
                {t('calendar.addDay')}
              </Button>
              <Button
                type="primary"
                icon={<SaveOutlined />}
                htmlType="submit"
                loading={busy}
                data-testid="calendar-save"
              >
                {t('common.save')}
              </Button>
            </Space>
          </>
        )}
      </Form.List>
    </Form>
  );
}

interface HoursValues {
  periods: ([Dayjs, Dayjs] | null)[];
}

function OfficeHoursCard() {
  const t = useT();
  const qc = useQueryClient();
  const hours = useOfficeHours();
  const [form] = Form.useForm<HoursValues>();
  const { busy, run, ok } = useSubmit(form);
  const toValues = (h: OfficeHours): HoursValues => ({
    periods: h.periods.map((p) => [dayjs(`2000-01-01T${p.start}`), dayjs(`2000-01-01T${p.end}`)]),
  });
  return (
    <Card title={t('calendar.officeHours')} size="small">
      <QueryState query={hours} rows={3}>
        {(h) => (
          <Form<HoursValues>
            key={hours.dataUpdatedAt}
            form={form}
            layout="vertical"
            initialValues={toValues(h)}
            onFinish={(v) =>
              run(async () => {
                const body: OfficeHours = {
                  periods: v.periods
                    .filter((p): p is [Dayjs, Dayjs] => !!p)
                    .map(([a, b]) => ({ start: a.format('HH:mm'), end: b.format('HH:mm') })),
                };
                const saved = await api.put<OfficeHours>('/api/calendar/office-hours', body);
                qc.setQueryData(caseKeys.officeHours, saved);
                ok(t('common.saved'));
              })
            }
          >
            <Typography.Paragraph type="secondary">{t('calendar.officeHoursHint')}</Typography.Paragraph>
            <Form.List name="periods">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((f, i) => (
                    <Space key={f.key} align="start" style={{ display: 'flex' }}>
                      <Form.Item
                        name={[f.name]}
                        label={i === 0 ? t('calendar.period') : undefined}
                        rules={[{ required: true, message: t('form.required') }]}
                        style={{ marginBottom: 8 }}
                      >
                        <TimePicker.RangePicker format="HH:mm" minuteStep={5} inputReadOnly order />
                      </Form.Item>
                      {fields.length > 1 ? (
                        <Button
                          type="text"
                          danger
                          icon={<DeleteOutlined />}
                          onClick={() => remove(f.name)}
                          aria-label={t('common.remove')}
                          style={{ marginTop: i === 0 ? 30 : 0 }}
                        />
                      ) : null}
                    </Space>
                  ))}
                  <Space wrap style={{ marginTop: 8 }}>
                    <Button icon={<PlusOutlined />} onClick={() => add(null)} disabled={fields.length >= 4}>
                      {t('calendar.addPeriod')}
                    </Button>
                    <Button type="primary" htmlType="submit" loading={busy} icon={<SaveOutlined />}>
                      {t('common.save')}
                    </Button>
                  </Space>
                </>
              )}
            </Form.List>
          </Form>
        )}
      </QueryState>
    </Card>
  );
}

/** 工作日历: holidays and make-up working days per year, and the office hours limits count in. */
export default function CalendarPage() {
  const t = useT();
  const [sp, setSp] = useSearchParams();
  const thisYear = dayjs().year();
  const raw = Number(sp.get('year'));
  const year = Number.isInteger(raw) && raw >= 2000 && raw <= 2100 ? raw : thisYear;
  const cal = useCalendar(year);
  const years = [...new Set([thisYear - 1, thisYear, thisYear + 1, thisYear + 2, year])].sort();

  return (
    <div style={{ maxWidth: 960 }}>
      <PageHeader title={t('nav.calendar')} />
      <YearsInUseBanner />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={15}>
          <Card
            size="small"
            title={
              <Space size={8} wrap>
                <Select
                  value={year}
                  onChange={(y) => setSp(y === thisYear ? {} : { year: String(y) }, { replace: true })}
                  options={years.map((y) => ({ value: y, label: t('calendar.yearN', { n: y }) }))}
                  style={{ width: 110 }}
                  data-testid="calendar-year"
                />
                {cal.data ? (
                  <Tag color={STATUS_COLOR[cal.data.status]} data-testid="calendar-status">
                    {t(`calendar.status.${cal.data.status}`)}
                  </Tag>
                ) : null}
              </Space>
            }
          >
            {cal.data && cal.data.status !== 'official' ? (
              <Alert
                type={cal.data.status === 'none' ? 'error' : 'warning'}
                showIcon
                style={{ marginBottom: 12 }}
                title={
                  cal.data.status === 'none'
                    ? t('calendar.missing', { year })
                    : t('calendar.provisional', { year })
                }
              />
            ) : null}
            <QueryState query={cal} rows={8}>
              {(data) => <YearEditor key={`${year}-${cal.dataUpdatedAt}`} data={data} />}
            </QueryState>
          </Card>
        </Col>
        <Col xs={24} lg={9}>
          <OfficeHoursCard />
        </Col>
      </Row>
    </div>
  );
}
