import { Alert, Button, Card, Descriptions, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router';
import { api } from '../../app/api.js';
import { useT } from '../../app/i18n.js';
import { PageHeader, QueryState, useIsMobile, useNotify } from '../../app/ui.js';
import {
  type Activity,
  type CheckResult,
  fmt,
  type RollEntry,
  type SignupResult,
  useActivity,
  useActivityAction,
  useQr,
  useRoll,
} from './queries.js';
import { CodeTag, TABLES, useLabel } from './shared.js';

/** One activity: its facts, the participant's sign-up, and for the organiser the roll, QR code and hours. */
export default function ActivityPage() {
  const t = useT();
  const id = Number(useParams().id);
  const q = useActivity(id);
  return (
    <QueryState query={q}>
      {(a) => (
        <>
          <PageHeader title={a.title} extra={<CodeTag table={TABLES.status} code={a.status} />} />
          <ActivityFacts a={a} />
          <MySignup a={a} />
          {a.abilities.includes('organise') ? <Organiser a={a} /> : null}
          <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
            {t('act.confirmHint')}
          </Typography.Paragraph>
        </>
      )}
    </QueryState>
  );
}

export function ActivityFacts({ a }: { a: Activity }) {
  const t = useT();
  const mobile = useIsMobile();
  const label = useLabel();
  return (
    <Descriptions size="small" bordered column={mobile ? 1 : 2} style={{ marginBottom: 16 }}>
      <Descriptions.Item label={t('act.kind')}>{a.kindName}</Descriptions.Item>
      <Descriptions.Item label={t('act.owner')}>
        {a.ownerName}（{label(TABLES.owner, a.ownerKind)}）
      </Descriptions.Item>
      <Descriptions.Item label={t('act.time')}>
        {fmt(a.startsAt)} – {fmt(a.endsAt)}
      </Descriptions.Item>
      <Descriptions.Item label={t('act.place')}>{a.placeName}</Descriptions.Item>
      <Descriptions.Item label={t('act.capacity')}>
        <Space wrap>
          <span data-testid="act-places">
            {t('act.places', { confirmed: a.confirmed, capacity: a.capacity })}
          </span>
          {a.waitlisted ? <Tag color="warning">{t('act.waitlisted', { n: a.waitlisted })}</Tag> : null}
          {a.checkedIn ? <Tag color="success">{t('act.checkedIn', { n: a.checkedIn })}</Tag> : null}
        </Space>
      </Descriptions.Item>
      <Descriptions.Item label={t('act.deadline')}>{fmt(a.signupDeadline)}</Descriptions.Item>
      {a.risky ? (
        <Descriptions.Item label={t('act.risky')} span={2}>
          {a.riskText ?? ''} {a.insurancePolicy ? `（${t('act.insurance')} ${a.insurancePolicy}）` : ''}
        </Descriptions.Item>
      ) : null}
      {a.description ? (
        <Descriptions.Item label={t('act.description')} span={2}>
          {a.description}
        </Descriptions.Item>
      ) : null}
    </Descriptions>
  );
}

/** The participant's own state and buttons: sign up, cancel, where they are on the waitlist. */
export function MySignup({ a }: { a: Activity }) {
  const t = useT();
  const { fail, ok } = useNotify();
  const signup = useActivityAction(() => api.post<SignupResult>(`/api/activities/${a.id}/signup`));
  const cancel = useActivityAction(() => api.del(`/api/activities/${a.id}/signup`));
  const m = a.mine && a.mine.status !== 'cancelled' ? a.mine : null;
  if (!m && !a.abilities.includes('signup')) return null;
  return (
    <Card size="small" style={{ marginBottom: 16 }} data-testid="act-mine">
      <Space wrap>
        {m ? (
          <Tag color={m.status === 'confirmed' ? 'success' : 'warning'} data-testid="act-mine-status">
            {m.checkedOut
              ? t('act.mine.checkedOut')
              : m.checkedIn
                ? t('act.mine.checkedIn')
                : m.status === 'confirmed'
                  ? t('act.mine.confirmed')
                  : t('act.mine.waitlisted')}
          </Tag>
        ) : null}
        {a.abilities.includes('signup') ? (
          <Button
            type="primary"
            loading={signup.isPending}
            data-testid="act-signup"
            onClick={() =>
              signup.mutate(undefined, {
                onSuccess: (r) =>
                  ok(
                    r.status === 'confirmed'
                      ? t('act.signedUp')
                      : t('act.waitlistedAt', { n: r.position ?? 0 }),
                  ),
                onError: (e) => fail(e),
              })
            }
          >
            {t('act.signup')}
          </Button>
        ) : null}
        {a.abilities.includes('cancel') ? (
          <Button
            danger
            loading={cancel.isPending}
            onClick={() =>
              cancel.mutate(undefined, { onSuccess: () => ok(t('act.cancelled')), onError: (e) => fail(e) })
            }
          >
            {t('act.cancel')}
          </Button>
        ) : null}
      </Space>
    </Card>
  );
}

function Organiser({ a }: { a: Activity }) {
  const t = useT();
  const { fail, ok } = useNotify();
  const label = useLabel();
  const mobile = useIsMobile();
  const roll = useRoll(a.id, true);
  const [showQr, setShowQr] = useState(false);
  const publish = useActivityAction(() => api.post<Activity>(`/api/activities/${a.id}/publish`));
  const confirm = useActivityAction(() =>
    api.post<{ confirmed: number; rejected: number }>(`/api/activities/${a.id}/confirm`, {}),
  );
  const check = useActivityAction((v: { signupId: number; direction: 'in' | 'out' }) =>
    api.post<CheckResult>(`/api/activities/${a.id}/check`, v),
  );
  const pending = (roll.data ?? []).filter((r) => r.hoursStatus === 'pending').length;
  return (
    <>
      <Space wrap style={{ marginBottom: 16 }}>
        {a.abilities.includes('publish') ? (
          <Button
            type="primary"
            data-testid="act-publish"
            loading={publish.isPending}
            onClick={() =>
              publish.mutate(undefined, { onSuccess: () => ok(t('act.published')), onError: (e) => fail(e) })
            }
          >
            {t('act.publish')}
          </Button>
        ) : null}
        {a.abilities.includes('checkin') ? (
          <Button data-testid="act-show-qr" onClick={() => setShowQr((v) => !v)}>
            {t('act.qr')}
          </Button>
        ) : null}
        {a.abilities.includes('confirm') ? (
          <Button
            type="primary"
            data-testid="act-confirm"
            disabled={pending === 0}
            loading={confirm.isPending}
            onClick={() =>
              confirm.mutate(undefined, {
                onSuccess: (r) => ok(t('act.confirmed', { n: r.confirmed })),
                onError: (e) => fail(e),
              })
            }
          >
            {pending ? `${t('act.confirm')}（${pending}）` : t('act.nothingPending')}
          </Button>
        ) : null}
      </Space>
      {showQr ? <QrPanel id={a.id} /> : null}
      <Card size="small" title={t('act.roll')}>
        <QueryState query={roll} isEmpty={(d) => d.length === 0} emptyText={t('act.rollEmpty')}>
          {(rows) => (
            <Table<RollEntry>
              size="small"
              rowKey="id"
              dataSource={rows}
              pagination={false}
              scroll={{ x: mobile ? 640 : undefined }}
              data-testid="act-roll"
              columns={[
                {
                  title: t('act.roll.name'),
                  render: (_, r) => (
                    <span>
                      {r.name}
                      {r.flag?.includes('far') ? (
                        <Tag color="warning" style={{ marginLeft: 4 }}>
                          {t('act.roll.far')}
                        </Tag>
                      ) : null}
                    </span>
                  ),
                },
                {
                  title: t('act.roll.status'),
                  render: (_, r) => <CodeTag table={TABLES.signup} code={r.status} />,
                },
                {
                  title: t('act.roll.in'),
                  render: (_, r) =>
                    r.checkedInAt ? (
                      fmt(r.checkedInAt)
                    ) : r.status === 'confirmed' && a.abilities.includes('checkin') ? (
                      <Button
                        size="small"
                        onClick={() =>
                          check.mutate({ signupId: r.id, direction: 'in' }, { onError: (e) => fail(e) })
                        }
                      >
                        {t('act.checkIn')}
                      </Button>
                    ) : (
                      '—'
                    ),
                },
                {
                  title: t('act.roll.out'),
                  render: (_, r) =>
                    r.checkedOutAt ? (
                      fmt(r.checkedOutAt)
                    ) : r.checkedInAt && a.abilities.includes('checkin') ? (
                      <Button
                        size="small"
                        onClick={() =>
                          check.mutate({ signupId: r.id, direction: 'out' }, { onError: (e) => fail(e) })
                        }
                      >
                        {t('act.checkOut')}
                      </Button>
                    ) : (
                      '—'
                    ),
                },
                { title: t('act.roll.method'), render: (_, r) => label(TABLES.method, r.checkMethod) },
                {
                  title: t('act.roll.minutes'),
                  align: 'right',
                  render: (_, r) =>
                    r.creditedMinutes === null ? '—' : t('act.minutes', { n: r.creditedMinutes }),
                },
                {
                  title: t('act.roll.hours'),
                  render: (_, r) => <CodeTag table={TABLES.hours} code={r.hoursStatus} />,
                },
              ]}
            />
          )}
        </QueryState>
      </Card>
    </>
  );
}

/** The rotating QR code with the live check-in count, large enough for a projector. */
export function QrPanel({ id }: { id: number }) {
  const t = useT();
  const qr = useQr(id, true);
  return (
    <Card size="small" style={{ marginBottom: 16, textAlign: 'center' }} data-testid="act-qr">
      <QueryState query={qr}>
        {(d) => (
          <>
            <div
              data-testid="act-qr-svg"
              style={{ width: 'min(80vw, 360px)', margin: '0 auto' }}
              // biome-ignore lint/security/noDangerouslySetInnerHtml: the server's SVG from the qrcode package (no user text in it)
              dangerouslySetInnerHTML={{ __html: d.svg }}
            />
            <Typography.Title level={4} data-testid="act-qr-count">
              {t('act.qrLive', { n: d.checkedIn })}
            </Typography.Title>
            <Alert type="info" showIcon message={t('act.qrHint')} />
            <span hidden data-testid="act-qr-token">
              {d.token}
            </span>
          </>
        )}
      </QueryState>
    </Card>
  );
}
