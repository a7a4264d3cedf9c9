import { SafetyCertificateOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  QRCode,
  Row,
  Space,
  Steps,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import type { Me } from '../../../contract/auth.js';
import { api } from '../../app/api.js';
import { meKey, useMe } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { fmtTime } from '../../app/time.js';
import { PageHeader, QueryState, useNotify } from '../../app/ui.js';
import { PasswordForm } from '../auth/PasswordForm.js';

function CodeForm({
  onSubmit,
  submitText,
  danger,
  testId,
}: {
  onSubmit: (code: string) => Promise<void>;
  submitText: string;
  danger?: boolean;
  testId: string;
}) {
  const t = useT();
  const [form] = Form.useForm<{ code: string }>();
  const [busy, setBusy] = useState(false);
  const { fail } = useNotify();
  return (
    <Form
      form={form}
      layout="inline"
      style={{ rowGap: 8 }}
      onFinish={async ({ code }) => {
        setBusy(true);
        try {
          await onSubmit(code);
          form.resetFields();
        } catch (e) {
          fail(e, form);
        } finally {
          setBusy(false);
        }
      }}
    >
      <Form.Item
        name="code"
        rules={[{ required: true, pattern: /^\d{6}$/, message: t('auth.totpCodeInvalid') }]}
      >
        <Input
          placeholder={t('auth.totpCode')}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          style={{ width: 160 }}
          data-testid={`${testId}-code`}
        />
      </Form.Item>
      <Button type="primary" danger={danger} htmlType="submit" loading={busy} data-testid={testId}>
        {submitText}
      </Button>
    </Form>
  );
}

function TotpCard({ me }: { me: Me }) {
  const t = useT();
  const qc = useQueryClient();
  const { fail, ok } = useNotify();
  const [setup, setSetup] = useState<{ secret: string; uri: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const start = async () => {
    setBusy(true);
    try {
      setSetup(await api.post<{ secret: string; uri: string }>('/api/auth/totp/setup'));
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      title={
        <Space>
          <SafetyCertificateOutlined />
          {t('profile.totp')}
          {me.user.totpEnabled ? (
            <Tag color="green">{t('users.totpOn')}</Tag>
          ) : (
            <Tag>{t('users.totpOff')}</Tag>
          )}
        </Space>
      }
    >
      {me.user.totpEnabled ? (
        <Space orientation="vertical" size={12}>
          <Typography.Paragraph style={{ margin: 0 }}>{t('profile.totpEnabledText')}</Typography.Paragraph>
          <Typography.Text type="secondary">{t('profile.totpDisableHint')}</Typography.Text>
          <CodeForm
            danger
            testId="totp-disable"
            submitText={t('profile.totpDisable')}
            onSubmit={async (code) => {
              await api.post('/api/auth/totp/disable', { code });
              ok(t('profile.totpDisabled'));
              await qc.invalidateQueries({ queryKey: meKey });
            }}
          />
        </Space>
      ) : setup ? (
        <Steps
          orientation="vertical"
          size="small"
          current={1}
          items={[
            {
              title: t('profile.totpStep1'),
              content: (
                <div style={{ marginTop: 8 }}>
                  <QRCode value={setup.uri} size={168} data-testid="totp-qr" />
                  <Typography.Paragraph type="secondary" style={{ margin: '12px 0 4px' }}>
                    {t('profile.totpSecretHint')}
                  </Typography.Paragraph>
                  <Typography.Paragraph
                    code
                    copyable
                    style={{ overflowWrap: 'anywhere', marginBottom: 0 }}
                    data-testid="totp-secret"
                  >
                    {setup.secret}
                  </Typography.Paragraph>
                </div>
              ),
            },
            {
              title: t('profile.totpStep2'),
              content: (
                <div style={{ marginTop: 8 }}>
                  <CodeForm
                    testId="totp-enable"
                    submitText={t('profile.totpEnable')}
                    onSubmit={async (code) => {
                      await api.post('/api/auth/totp/enable', { code });
                      ok(t('profile.totpEnabled'));
                      setSetup(null);
                      await qc.invalidateQueries({ queryKey: meKey });
                    }}
                  />
                </div>
              ),
            },
          ]}
        />
      ) : (
        <Space orientation="vertical" size={12}>
          <Typography.Paragraph style={{ margin: 0 }}>{t('profile.totpIntro')}</Typography.Paragraph>
          <Button type="primary" onClick={start} loading={busy} data-testid="totp-setup">
            {t('profile.totpSetup')}
          </Button>
        </Space>
      )}
    </Card>
  );
}

export default function ProfilePage() {
  const t = useT();
  const { ok } = useNotify();
  const me = useMe();
  return (
    <>
      <PageHeader title={t('nav.profile')} />
      <QueryState query={me}>
        {(data) => (
          <Row gutter={[16, 16]}>
            <Col xs={24} xl={12}>
              <Space orientation="vertical" size={16} style={{ width: '100%' }}>
                <Card title={t('profile.account')}>
                  <Descriptions
                    column={1}
                    size="small"
                    items={[
                      { key: 'u', label: t('auth.username'), children: data.user.username },
                      { key: 'n', label: t('users.displayName'), children: data.user.displayName },
                      {
                        key: 'r',
                        label: t('users.roles'),
                        children:
                          data.roles.length === 0 ? (
                            '—'
                          ) : (
                            <Space size={[4, 4]} wrap>
                              {data.roles.map((r) => (
                                <Tag key={r.assignmentId} color="blue">
                                  {r.roleName} · {r.areaName}
                                </Tag>
                              ))}
                            </Space>
                          ),
                      },
                      {
                        key: 'e',
                        label: t('profile.passwordExpires'),
                        children: data.user.passwordExpiresAt
                          ? fmtTime(data.user.passwordExpiresAt, 'YYYY-MM-DD')
                          : t('profile.never'),
                      },
                      {
                        key: 's',
                        label: t('profile.sessionExpires'),
                        children: `${fmtTime(data.session.expiresAt, 'YYYY-MM-DD HH:mm')} (${t(
                          'profile.idle',
                          {
                            n: Math.round(data.session.idleTimeoutSeconds / 60),
                          },
                        )})`,
                      },
                    ]}
                  />
                </Card>
                <TotpCard me={data} />
              </Space>
            </Col>
            <Col xs={24} xl={12}>
              <Card title={t('profile.changePassword')}>
                <Alert type="info" showIcon title={t('profile.passwordNote')} style={{ marginBottom: 16 }} />
                <PasswordForm onDone={() => ok(t('password.changed'))} />
              </Card>
            </Col>
          </Row>
        )}
      </QueryState>
    </>
  );
}
