import { LockOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import type { LoginResult } from '../../../contract/auth.js';
import { ApiError, api, errorMessage } from '../../app/api.js';
import { demoAccountsOf, useMeta } from '../../app/auth.js';
import { useI18n } from '../../app/i18n.js';
import { safeRedirect } from '../../app/redirect.js';

export { safeRedirect };

export function LangLinks() {
  const { lang, setLang } = useI18n();
  return (
    <Space size={4} style={{ justifyContent: 'center', width: '100%', marginTop: 16 }}>
      <Button type={lang === 'zh-CN' ? 'link' : 'text'} size="small" onClick={() => setLang('zh-CN')}>
        中文
      </Button>
      <span style={{ color: '#ccc' }}>|</span>
      <Button type={lang === 'en' ? 'link' : 'text'} size="small" onClick={() => setLang('en')}>
        English
      </Button>
    </Space>
  );
}

export default function LoginPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [params] = useSearchParams();
  const redirect = safeRedirect(params.get('redirect'));
  const [step, setStep] = useState<'password' | 'mfa'>(params.get('step') === 'mfa' ? 'mfa' : 'password');
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ username: string; password: string }>();
  const [mfaForm] = Form.useForm<{ code: string }>();
  const meta = useMeta();
  // The form is up: fetch the signed-in shell's code while the user types (not before — on a phone's
  // link it would hold up the form itself).
  useEffect(() => {
    const id = setTimeout(() => void import('../../app/layout.js'), 200);
    return () => clearTimeout(id);
  }, []);

  const proceed = async (next: LoginResult['next']) => {
    if (next === 'mfa') {
      setStep('mfa');
      return;
    }
    qc.clear();
    if (next === 'change_password') {
      navigate(`/login/change-password?redirect=${encodeURIComponent(redirect)}`, { replace: true });
      return;
    }
    navigate(redirect, { replace: true });
  };

  const onLogin = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<LoginResult>('/api/auth/login', values, { noAuthRedirect: true });
      await proceed(res.next);
    } catch (e) {
      setError(e instanceof Error ? e : new Error(errorMessage(e)));
      form.setFieldValue('password', '');
    } finally {
      setBusy(false);
    }
  };

  const onVerify = async (values: { code: string }) => {
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<LoginResult>('/api/auth/totp/verify', values, { noAuthRedirect: true });
      await proceed(res.next);
    } catch (e) {
      // The pending sign-in expired: start again from the password.
      if (e instanceof ApiError && e.status === 401 && e.code !== 'INVALID_TOTP') setStep('password');
      setError(e instanceof Error ? e : new Error(errorMessage(e)));
      mfaForm.setFieldValue('code', '');
    } finally {
      setBusy(false);
    }
  };

  // A lock (the name) or a slowed address: a wait, not a wrong password.
  const locked =
    error instanceof ApiError && (error.code === 'ACCOUNT_LOCKED' || error.code === 'LOGIN_SLOWED');
  const demo = demoAccountsOf(meta.data);

  return (
    <div className="jy-login">
      {/* A plain box, not antd's Card: Card brings Tabs and its icons to the first screen of a phone. */}
      <div className="jy-login-card jy-login-box">
        <div className="jy-login-title">
          <div className="jy-brand" style={{ fontSize: 24 }}>
            <span className="jy-brand-logo" style={{ width: 36, height: 36, fontSize: 20 }}>
              家
            </span>
            <span>{t('app.name')}</span>
          </div>
          <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
            {t('app.tagline')}
          </Typography.Paragraph>
        </div>

        {error ? (
          <Alert
            type={locked ? 'warning' : 'error'}
            showIcon
            title={error.message}
            style={{ marginBottom: 16 }}
            data-testid="login-error"
          />
        ) : null}

        {step === 'password' ? (
          <Form form={form} layout="vertical" onFinish={onLogin} requiredMark={false} autoComplete="on">
            <Form.Item
              name="username"
              label={t('auth.username')}
              rules={[{ required: true, message: t('auth.usernameRequired') }]}
            >
              <Input
                prefix={<UserOutlined />}
                autoComplete="username"
                autoFocus
                size="large"
                data-testid="login-username"
              />
            </Form.Item>
            <Form.Item
              name="password"
              label={t('auth.password')}
              rules={[{ required: true, message: t('auth.passwordRequired') }]}
            >
              <Input.Password
                prefix={<LockOutlined />}
                autoComplete="current-password"
                size="large"
                data-testid="login-password"
              />
            </Form.Item>
            <Button
              type="primary"
              htmlType="submit"
              block
              size="large"
              loading={busy}
              data-testid="login-submit"
            >
              {t('auth.login')}
            </Button>
          </Form>
        ) : (
          <Form form={mfaForm} layout="vertical" onFinish={onVerify} requiredMark={false}>
            <Typography.Paragraph>{t('auth.mfaHint')}</Typography.Paragraph>
            <Form.Item
              name="code"
              label={t('auth.totpCode')}
              rules={[{ required: true, pattern: /^\d{6}$/, message: t('auth.totpCodeInvalid') }]}
            >
              <Input
                prefix={<SafetyOutlined />}
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                autoFocus
                size="large"
                data-testid="login-totp"
              />
            </Form.Item>
            <Button
              type="primary"
              htmlType="submit"
              block
              size="large"
              loading={busy}
              data-testid="login-verify"
            >
              {t('auth.verify')}
            </Button>
            <Button
              type="link"
              block
              onClick={() => {
                setStep('password');
                setError(null);
              }}
            >
              {t('auth.backToPassword')}
            </Button>
          </Form>
        )}

        {step === 'password' && demo.length > 0 ? (
          <Alert
            style={{ marginTop: 16 }}
            type="info"
            title={t('auth.demoTitle')}
            description={
              <div>
                <div style={{ marginBottom: 6 }}>{t('auth.demoHint')}</div>
                <Space size={[4, 6]} wrap>
                  {demo.map((a) => (
                    <Tag
                      key={a.username}
                      color="blue"
                      style={{ cursor: 'pointer', marginInlineEnd: 0 }}
                      data-testid={`demo-account-${a.username}`}
                      title={a.role}
                      onClick={() => {
                        form.setFieldsValue({ username: a.username, password: '' });
                        form.getFieldInstance('password')?.focus?.();
                      }}
                    >
                      {a.username}
                    </Tag>
                  ))}
                </Space>
              </div>
            }
          />
        ) : null}
        <LangLinks />
      </div>
    </div>
  );
}
