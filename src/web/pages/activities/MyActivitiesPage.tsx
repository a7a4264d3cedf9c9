import { Alert, Button, Card, Checkbox, Form, Input, List, Space, Tabs, Tag, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { api } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { PageHeader, QueryState, useNotify } from '../../app/ui.js';
import {
  type Activity,
  fmt,
  fmtDay,
  hoursOf,
  useActivities,
  useActivityAction,
  useMyCertificates,
  useMyHours,
  useMyVolunteer,
  type Volunteer,
} from './queries.js';
import { CodeTag, TABLES } from './shared.js';

/**
 * 我的活动, for a resident or volunteer on a phone (375 px): register as a volunteer, browse and
 * sign up, what I signed up for, my hours and my certificates. Exported for the resident shell.
 */
export default function MyActivitiesPage() {
  const t = useT();
  const can = useCan();
  return (
    <div style={{ maxWidth: 640, margin: '0 auto' }}>
      <PageHeader title={t('act.my.title')} />
      {can('volunteer.apply') ? <VolunteerCard /> : null}
      <Alert type="info" showIcon message={t('act.my.scanHint')} style={{ marginBottom: 12 }} />
      <Tabs
        items={[
          { key: 'browse', label: t('act.my.browse'), children: <ActivityList mine={false} /> },
          { key: 'mine', label: t('act.my.mine'), children: <ActivityList mine /> },
          { key: 'hours', label: t('act.my.hours'), children: <MyHoursList /> },
          { key: 'certs', label: t('act.my.certificates'), children: <MyCertificates /> },
        ]}
      />
    </div>
  );
}

function ActivityList({ mine }: { mine: boolean }) {
  const t = useT();
  const navigate = useNavigate();
  const q = useActivities({
    upcoming: '1',
    sort: 'startsAt',
    pageSize: 50,
    ...(mine ? { mine: '1' } : { status: 'published' }),
  });
  return (
    <QueryState
      query={q}
      isEmpty={(d) => d.items.length === 0}
      emptyText={mine ? t('act.my.noneMine') : t('act.my.noneBrowse')}
    >
      {(d) => (
        <List<Activity>
          dataSource={d.items}
          renderItem={(a) => (
            <Card
              size="small"
              style={{ marginBottom: 8 }}
              onClick={() => navigate(`/activities/${a.id}`)}
              hoverable
              data-testid={`my-act-${a.id}`}
            >
              <Typography.Text strong>{a.title}</Typography.Text>
              <div>
                <Typography.Text type="secondary">
                  {fmt(a.startsAt)} · {a.placeName}
                </Typography.Text>
              </div>
              <Space wrap style={{ marginTop: 4 }}>
                <Tag>{a.kindName}</Tag>
                <Tag>{t('act.places', { confirmed: a.confirmed, capacity: a.capacity })}</Tag>
                {a.mine && a.mine.status !== 'cancelled' ? (
                  <CodeTag table={TABLES.signup} code={a.mine.status} />
                ) : null}
              </Space>
            </Card>
          )}
        />
      )}
    </QueryState>
  );
}

function MyHoursList() {
  const t = useT();
  const q = useMyHours();
  return (
    <QueryState query={q} isEmpty={(d) => d.items.length === 0} emptyText={t('act.my.noneHours')}>
      {(d) => (
        <>
          <Space style={{ marginBottom: 8 }} wrap>
            <Tag color="success" data-testid="my-hours-confirmed">
              {t('act.my.confirmed', { h: hoursOf(d.confirmedMinutes) })}
            </Tag>
            <Tag color="warning">{t('act.my.pending', { h: hoursOf(d.pendingMinutes) })}</Tag>
          </Space>
          <List
            size="small"
            dataSource={d.items}
            renderItem={(r) => (
              <List.Item extra={<CodeTag table={TABLES.hours} code={r.hoursStatus} />}>
                <List.Item.Meta
                  title={r.title}
                  description={`${fmtDay(r.startsAt)} · ${r.creditedMinutes === null ? '—' : t('act.minutes', { n: r.creditedMinutes })}`}
                />
              </List.Item>
            )}
          />
        </>
      )}
    </QueryState>
  );
}

function MyCertificates() {
  const t = useT();
  const navigate = useNavigate();
  const q = useMyCertificates();
  return (
    <QueryState query={q} isEmpty={(d) => d.length === 0} emptyText={t('cert.none')}>
      {(d) => (
        <List
          size="small"
          dataSource={d}
          renderItem={(c) => (
            <List.Item
              extra={
                <Button
                  size="small"
                  onClick={() => navigate(`/volunteers/certificates/${c.id}`)}
                  data-testid="my-cert-open"
                >
                  {t('cert.open')}
                </Button>
              }
            >
              <List.Item.Meta
                title={`${c.number} · ${t('act.hours', { n: c.hours })}`}
                description={`${c.issuer} · ${fmtDay(c.issuedAt)}`}
              />
            </List.Item>
          )}
        />
      )}
    </QueryState>
  );
}

interface ApplyValues {
  name: string;
  birthDate: string;
  phone: string;
  skills?: string;
  availability?: string;
  guardianConsent?: boolean;
  publicConsent?: boolean;
}

/** The volunteer's own record, or the registration form. */
export function VolunteerCard() {
  const t = useT();
  const me = useMyVolunteer();
  const { fail, ok } = useNotify();
  const [form] = Form.useForm<ApplyValues>();
  const apply = useActivityAction((v: ApplyValues) =>
    api.post<Volunteer>('/api/volunteers/apply', {
      name: v.name,
      birthDate: v.birthDate,
      phone: v.phone,
      skills: (v.skills ?? '')
        .split(/[,，、\s]+/)
        .filter(Boolean)
        .slice(0, 10),
      availability: v.availability ?? '',
      guardianConsent: !!v.guardianConsent,
      publicConsent: !!v.publicConsent,
    }),
  );
  return (
    <Card size="small" style={{ marginBottom: 12 }} data-testid="vol-card">
      <QueryState query={me} rows={2}>
        {(v) =>
          v && v.status !== 'left' ? (
            v.status === 'applied' ? (
              <Typography.Text data-testid="vol-applied">{t('vol.me.applied')}</Typography.Text>
            ) : (
              <Typography.Text data-testid="vol-active">
                {t('vol.me.active', {
                  no: v.volunteerNo ?? '—',
                  h: v.confirmedHours,
                  star: v.star ? '★'.repeat(v.star) : t('vol.me.noStar'),
                })}
              </Typography.Text>
            )
          ) : (
            <>
              <Typography.Title level={5}>{t('vol.me.register')}</Typography.Title>
              <Typography.Paragraph type="secondary">{t('vol.me.registerHint')}</Typography.Paragraph>
              <Form<ApplyValues>
                form={form}
                layout="vertical"
                data-testid="vol-apply"
                onFinish={(val) =>
                  apply.mutate(val, {
                    onSuccess: () => ok(t('vol.me.applied')),
                    onError: (e) => fail(e, form),
                  })
                }
              >
                <Form.Item name="name" label={t('vol.name')} rules={[{ required: true }]}>
                  <Input maxLength={30} />
                </Form.Item>
                <Form.Item name="birthDate" label={t('vol.birthDate')} rules={[{ required: true }]}>
                  <Input type="date" max="2099-12-31" />
                </Form.Item>
                <Form.Item name="phone" label={t('vol.phone')} rules={[{ required: true }]}>
                  <Input inputMode="tel" maxLength={11} />
                </Form.Item>
                <Form.Item name="skills" label={t('vol.skills')}>
                  <Input maxLength={100} />
                </Form.Item>
                <Form.Item name="availability" label={t('vol.availability')}>
                  <Input maxLength={60} />
                </Form.Item>
                <Form.Item name="guardianConsent" valuePropName="checked">
                  <Checkbox>{t('vol.guardianConsent')}</Checkbox>
                </Form.Item>
                <Form.Item name="publicConsent" valuePropName="checked">
                  <Checkbox>{t('vol.publicConsent')}</Checkbox>
                </Form.Item>
                <Button
                  type="primary"
                  htmlType="submit"
                  block
                  loading={apply.isPending}
                  data-testid="vol-submit"
                >
                  {t('vol.submit')}
                </Button>
              </Form>
            </>
          )
        }
      </QueryState>
    </Card>
  );
}
